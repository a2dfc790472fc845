from odoo import fields
from odoo.tests import tagged

from .notice_common import REPLY_EMAIL, NoticeCommon

# A fixed set of replies, in English and Chinese, with the mood a person reading
# them would give and a term the explanation must show.
REPLIES = [
    ("This is unacceptable and ridiculous. You cheated us, I will file a complaint!", 'angry', 'unacceptable'),
    ("How dare you end the service with one month notice. Outrageous.", 'angry', 'how dare'),
    ("太过分了！你们就是骗子，我要投诉！", 'angry', '骗子'),
    ("收到这种通知很生气，简直岂有此理。", 'angry', '岂有此理'),
    ("I'm worried: what will happen to my orders, and will I lose my data?", 'anxious', 'worried'),
    ("We are a bit nervous. Who do I contact after the end date?", 'anxious', 'who do i contact'),
    ("我很担心，我的数据会丢吗？以后怎么办？", 'anxious', '担心'),
    ("有点不安，服务停了以后找谁？", 'anxious', '找谁'),
    ("Under our contract I am entitled to a refund of the remaining balance.", 'rights', 'entitled'),
    ("Please compare the alternatives and their terms in writing; our lawyer will review.", 'rights', 'lawyer'),
    ("根据合同，我要求退还余额，这是我的权益。", 'rights', '权益'),
    ("请书面说明押金退款和违约条款。", 'rights', '违约'),
    ("Thanks for letting us know. We will export our files next week.", 'neutral', ''),
    ("谢谢通知，我们下周导出文件。", 'neutral', ''),
    # mixed: the stronger mood wins, the explanation shows both
    ("I'm a bit worried, but mostly I want my refund as the contract says.", 'rights', 'worried'),
    ("Refund? You are a scam, this is the worst and I am furious.", 'angry', 'refund'),
]


@tagged('post_install', '-at_install')
class TestNoticeTriage(NoticeCommon):

    def test_classification_of_english_and_chinese_replies(self):
        Phrase = self.env['closure.phrase']
        for text, mood, term in REPLIES:
            with self.subTest(text=text):
                got, explanation, scores = Phrase._classify_reply(text)
                self.assertEqual(got, mood, explanation)
                if term:
                    self.assertIn(f'"{term}"', explanation)
                else:
                    self.assertFalse(scores)

    def test_terms_are_data_admins_edit(self):
        Phrase = self.env['closure.phrase']
        text = "The whole thing is a circus."
        self.assertEqual(Phrase._classify_reply(text)[0], 'neutral')
        term = Phrase.create({'name': 'circus', 'lang': 'en', 'kind': 'angry', 'weight': 2})
        mood, explanation, _scores = Phrase._classify_reply(text)
        self.assertEqual(mood, 'angry')
        self.assertIn('"circus" (2)', explanation)
        term.active = False
        self.assertEqual(Phrase._classify_reply(text)[0], 'neutral')
        # whole words only: 'worry' is not found in 'worryingly'... but 'worried' is its own term
        self.assertEqual(Phrase._classify_reply("unworried")[0], 'neutral')

    def test_reply_through_the_mail_gateway_is_triaged(self):
        case = self._notice_cases(1, prefix='Replier', tier='b', user_id=self.rep_2.id)
        with self.mock_mail_gateway():
            self._new_wave().action_send()
        notice = self._mails_of(case)[case]
        self.assertEqual(case.closure_stage_code, 'notified')
        with self.mock_mail_gateway():
            self.format_and_process(
                REPLY_EMAIL, case.partner_id.email_formatted, notice.reply_to,
                subject=f'Re: {notice.subject}', extra=f'In-Reply-To: {notice.message_id}',
                target_model='crm.lead', target_field='name',
                body="This is unacceptable. I paid for a year and you cheated me!")
        self.assertEqual(case.closure_reply_mood, 'angry')
        self.assertIn('"unacceptable"', case.closure_reply_terms)
        self.assertEqual(case.closure_stage_code, 'answered')
        self.assertIn('solve the problem first', case.closure_playbook)
        todo = case.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref('mail.mail_activity_data_todo'))
        self.assertEqual(todo.user_id, self.rep_2)
        self.assertEqual(todo.date_deadline, fields.Date.today(), "angry replies are handled the same day")
        self.assertIn('Angry reply', todo.summary)
        reply = case.message_ids.filtered(lambda m: m.message_type == 'email' and m.author_id == case.partner_id)
        self.assertEqual(len(reply), 1, "the reply landed in the case's history")

    def test_anxious_and_rights_playbooks(self):
        case = self._notice_cases(1, prefix='Asker', tier='c', lang='zh_CN')
        self.env['closure.obligation'].create({
            'lead_id': case.id, 'name': 'Membership', 'obligation_type': 'prepaid', 'amount': 300})
        case.message_post(body="我很担心，我的数据会丢吗？", message_type='email', author_id=case.partner_id.id)
        self.assertEqual(case.closure_reply_mood, 'anxious')
        self.assertIn('what happens, when, and who', case.closure_playbook)
        self.assertIn('Rep One', case.closure_playbook)
        self.assertFalse(case.activity_ids, "only angry replies get a same-day activity")
        case.message_post(body="根据合同，我要求退还余额。", message_type='email', author_id=case.partner_id.id)
        self.assertEqual(case.closure_reply_mood, 'rights')
        playbook = case.closure_playbook
        self.assertIn('<table', playbook)
        for alternative in ('Refund', 'Export and leave'):
            self.assertIn(alternative, playbook)

    def test_staff_messages_are_not_triaged(self):
        case = self._notice_cases(1, prefix='Quiet', tier='c')
        case.with_user(self.rep_1).message_post(body="Customer seems angry, unacceptable delay on our side",
                                                message_type='comment')
        self.assertFalse(case.closure_reply_mood)
        self.assertEqual(case.closure_stage_code, 'to_notify')

    # ------------------------------------------------------------------
    # Taboo phrases
    # ------------------------------------------------------------------
    def test_no_shipped_template_contains_a_taboo_phrase(self):
        Phrase = self.env['closure.phrase']
        taboo = Phrase._get_matchers(['taboo'])
        self.assertTrue({'bankrupt', '倒闭', '破产'} <= {phrase.name for phrase, _pattern in taboo})
        templates = self.env['mail.template'].search([('closure_kind', '!=', False)])
        shipped = templates.filtered(lambda t: t.get_external_id()[t.id].startswith('closure_crm.'))
        self.assertGreaterEqual(len(shipped), 12)
        for lang in ('en_US', 'zh_CN'):
            for template in shipped.with_context(lang=lang):
                with self.subTest(template=template.name, lang=lang):
                    for text in (template.subject, template.body_html):
                        self.assertFalse(Phrase._find_taboo(text, taboo).mapped('name'))
        # rendered too, with the plan's default neutral reason, in both languages
        cases = self._notice_cases(1, prefix='Taboo', tier='b') | self._notice_cases(
            1, prefix='禁忌', tier='b', lang='zh_CN'
        )
        for template in shipped:
            rendered = template._generate_template(cases.ids, ('subject', 'body_html'))
            for case in cases:
                with self.subTest(template=template.name, case=case.name):
                    self.assertFalse(Phrase._find_taboo(rendered[case.id]['body_html'], taboo).mapped('name'))
        self.assertFalse(Phrase._find_taboo(self.plan.reason, taboo))
        self.assertFalse(Phrase._find_taboo(self.plan.with_context(lang='zh_CN').reason, taboo))

    def test_taboo_finder(self):
        Phrase = self.env['closure.phrase']
        self.assertEqual(Phrase._find_taboo("<p>The company went under and is <b>bankrupt</b>.</p>").mapped('name'),
                         ['bankrupt', 'went under'])
        self.assertEqual(Phrase._find_taboo("公司倒闭了").mapped('name'), ['倒闭'])
        self.assertFalse(Phrase._find_taboo("Because of a strategic adjustment, we will end this service."))
