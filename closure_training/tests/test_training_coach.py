from html import unescape

from odoo.tests import TransactionCase, tagged

# (answer, taboo phrases that must be found, empathy, solution, next step, passed)
ANSWERS = [
    ("I understand your worry and I am sorry for the inconvenience. Your unused balance is refunded, "
     "prorated, and I will call you tomorrow at 10 to confirm.", [], True, True, True, True),
    ("We stopped business, there is nothing we can do.",
     ['stopped business', 'nothing we can do'], False, False, False, False),
    ("Sorry, the company is bankrupt. You will get a refund.", ['bankrupt'], True, True, False, False),
    ("Please calm down. I will send you the form today.", ['calm down'], False, False, True, False),
    ("Thank you for asking. We have arranged an alternative partner for you.", [], True, True, False, False),
    ("非常抱歉给您带来不便，您未使用的余额会按比例退还，我明天给您回电确认。", [], True, True, True, True),
    ("公司倒闭了，没办法。", ['倒闭', '没办法'], False, False, False, False),
    ("我理解您的担心。我们的合作伙伴可以承接您的服务。", [], True, True, False, False),
]


@tagged('post_install', '-at_install')
class TestReplyCoach(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env['closure.training.coach.rule']

    def test_fixed_answers(self):
        for answer, taboo, empathy, solution, next_step, passed in ANSWERS:
            with self.subTest(answer=answer):
                result = self.Rule._coach_answer(answer)
                found = {name for name, _hint in result['taboo']}
                self.assertLessEqual(set(taboo), found)
                if not taboo:
                    self.assertFalse(found)
                self.assertEqual(result['has_empathy'], empathy)
                self.assertEqual(result['has_solution'], solution)
                self.assertEqual(result['has_next_step'], next_step)
                self.assertEqual(result['passed'], passed)

    def test_verdict_is_explained(self):
        result = self.Rule._coach_answer("Sorry, the company is bankrupt. You will get a refund.")
        feedback = unescape(str(result['feedback']))
        self.assertIn('Not yet', feedback)
        self.assertIn('Taboo phrase "bankrupt"', feedback)
        self.assertIn('strategic adjustment', feedback, "the coach says what to say instead")
        self.assertIn('Empathy: found ("sorry")', feedback)
        self.assertIn('Next step: missing', feedback)
        self.assertEqual(result['score'], 50)  # empathy and solution, no next step, a taboo phrase
        good = self.Rule._coach_answer(ANSWERS[0][0])
        self.assertIn('Good answer', str(good['feedback']))
        self.assertEqual(good['score'], 100)

    def test_explanation_in_chinese(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        result = self.Rule.with_context(lang='zh_CN')._coach_answer("公司倒闭了，没办法。")
        feedback = unescape(str(result['feedback']))
        self.assertIn('禁忌用语"倒闭"', feedback)
        self.assertIn('因战略调整', feedback)
        self.assertIn('共情：缺少', feedback)

    def test_rules_are_data(self):
        """Trainers add phrases: the coach uses them at once."""
        text = "Our shop is closing for good."
        self.assertFalse(self.Rule._coach_answer(text)['taboo'])
        self.Rule.create({'name': 'for good', 'rule_type': 'taboo', 'lang': 'en_US',
                          'hint': 'Sounds final and cold: say when the service ends.'})
        self.assertEqual([name for name, _hint in self.Rule._coach_answer(text)['taboo']], ['for good'])
        # Latin phrases match at a word start only
        self.assertFalse(self.Rule._coach_answer("We misunderstand nothing")['has_empathy'])

    def test_feedback_escapes_phrases_and_hints(self):
        """The feedback is rendered from a QWeb template: a phrase or a hint
        typed by a trainer is shown as text, in English and in Chinese."""
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        rule = self.Rule.create({'name': '<b>shut', 'rule_type': 'taboo', 'lang': 'en_US',
                                 'hint': '<script>alert(1)</script> say when the service ends.'})
        rule.with_context(lang='zh_CN').hint = '<script>alert(2)</script> 请说明服务何时结束。'
        self.Rule.create({'name': '<i>sorry', 'rule_type': 'empathy', 'lang': 'en_US'})
        answer = "We <b>shut down. <i>sorry</i>"
        for lang, verdict, script in (('en_US', 'Not yet: rework the points below', 'alert(1)'),
                                      ('zh_CN', '还不够好：请改进以下几点', 'alert(2)')):
            feedback = str(self.Rule.with_context(lang=lang)._coach_answer(answer)['feedback'])
            self.assertIn(f'<strong>{verdict}', feedback)
            for raw in ('<b>shut', f'<script>{script}</script>', '<i>sorry'):
                self.assertNotIn(raw, feedback)
                self.assertIn(raw.replace('<', '&lt;').replace('>', '&gt;'), feedback)
            self.assertGreaterEqual(feedback.count("<li>"), 4, "a line per taboo phrase, one per part")
