import re

from odoo.tests import TransactionCase, tagged

# a correct answer that says when a refund is paid: "within 15 days", "is due by 20 May", "15日内"
REFUND_WORDS = {'en_US': re.compile(r'\b(refund|repay|payment|paid)', re.I),
                'zh_CN': re.compile(r'退款|退还|支付|付款')}
TIME_PROMISE = {'en_US': re.compile(r'\bwithin \d+ days?\b|\bdue (on|by|within)\b|\bpaid (on|by|within)\b', re.I),
                'zh_CN': re.compile(r'\d+\s*(日|天)内|\d+月\d+日前')}
# the scenario says the company still trades: the 15-day rule of the prepaid rules applies
TRADING_STAGE = {'en_US': re.compile(r'has not been formed|not formed yet|still trading', re.I),
                 'zh_CN': re.compile(r'尚未成立')}


@tagged('post_install', '-at_install')
class TestTrainingContent(TransactionCase):
    """The shipped practice bank: large enough for daily practice, in both
    languages, and its right answers never say what the law forbids."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        cls.scenarios = cls.env['closure.training.scenario'].search([])
        cls.Phrase = cls.env['closure.phrase']
        cls.coach_taboo = cls.env['closure.training.coach.rule'].search([('rule_type', '=', 'taboo')])

    def _promises_refund_date(self, text, lang):
        return bool(REFUND_WORDS[lang].search(text) and TIME_PROMISE[lang].search(text))

    def _problems(self, scenario, lang):
        """What is wrong with the right answers of ``scenario`` in ``lang``."""
        scenario = scenario.with_context(lang=lang)
        texts = [scenario.model_answer] + scenario.option_ids.filtered('is_correct').mapped('name')
        trading = bool(TRADING_STAGE[lang].search(scenario.question))
        problems = []
        for text in texts:
            taboo = self.Phrase._find_taboo(text).mapped('name')
            taboo += [rule.name for rule in self.coach_taboo if rule._matches(text.lower())]
            if taboo:
                problems.append(f'{scenario.name} [{lang}]: taboo {taboo} in {text!r}')
            if self._promises_refund_date(text, lang) and not trading:
                problems.append(f'{scenario.name} [{lang}]: promises a refund date without saying the '
                                f'liquidation group is not formed yet: {text!r}')
        return problems

    def test_practice_bank_has_sixty_scenarios_with_options_and_feedback(self):
        self.assertGreaterEqual(len(self.scenarios), 60)
        choice = self.scenarios.filtered(lambda s: s.scenario_type == 'choice')
        self.assertGreaterEqual(len(choice), 50)
        for scenario in choice:
            self.assertGreaterEqual(len(scenario.option_ids), 2, scenario.name)
            self.assertTrue(scenario.option_ids.filtered('is_correct'), f'{scenario.name}: no right option')
            self.assertTrue(scenario.option_ids.filtered(lambda o: not o.is_correct),
                            f'{scenario.name}: no wrong option')
            self.assertTrue(all(scenario.option_ids.mapped('explanation')),
                            f'{scenario.name}: an option lacks feedback')
        for scenario in self.scenarios:
            self.assertTrue(scenario.model_answer, scenario.name)

    def test_practice_bank_is_in_chinese(self):
        for scenario in self.scenarios:
            zh = scenario.with_context(lang='zh_CN')
            for fname in ('name', 'question', 'model_answer'):
                self.assertNotEqual(zh[fname], scenario[fname], f'{scenario.name}: {fname} has no Chinese')
                self.assertRegex(zh[fname], r'[\u4e00-\u9fff]', f'{scenario.name}: {fname}')
            for option in scenario.option_ids:
                zh_option = option.with_context(lang='zh_CN')
                self.assertRegex(zh_option.name, r'[\u4e00-\u9fff]', f'{scenario.name}: option {option.name}')
                self.assertRegex(zh_option.explanation, r'[\u4e00-\u9fff]', f'{scenario.name}: {option.explanation}')

    def test_right_answers_hold_no_taboo_and_no_forbidden_refund_date(self):
        problems = [problem for scenario in self.scenarios for lang in ('en_US', 'zh_CN')
                    for problem in self._problems(scenario, lang)]
        self.assertFalse(problems, '\n'.join(problems))

    def test_the_checks_catch_a_forbidden_answer(self):
        """The rules are not vacuous: a right answer promising a refund date
        during the claims period, or holding a taboo phrase, is reported."""
        scenario = self.env.ref('closure_training.scenario_claims_period_refund')
        right = scenario.option_ids.filtered('is_correct')
        right.name = "I register your refund; it is paid within 15 days."
        self.assertIn('promises a refund date', ' '.join(self._problems(scenario, 'en_US')))
        right.with_context(lang='zh_CN').name = "退款15日内支付。"
        self.assertIn('promises a refund date', ' '.join(self._problems(scenario, 'zh_CN')))
        scenario.model_answer = "Sorry, the company is bankrupt."
        self.assertIn('bankrupt', ' '.join(self._problems(scenario, 'en_US')))
        # wrong options may show what not to say
        self.assertFalse(self._problems(self.env.ref('closure_training.scenario_is_bankrupt'), 'en_US'))
