from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingFaq(TrainingCommon):
    """The handbook FAQ ships as data and reps search it from the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        cls.Faq = cls.env['closure.training.faq']
        cls.case = cls._create_cases(cls._create_customers(1, prefix='Asking'), user_id=cls.rep_1.id)

    def _search(self, text, lang='en_US', user=None):
        Faq = self.Faq.with_user(user or self.rep_1).with_context(lang=lang)
        return Faq.search(Faq._search_text_domain(text))

    def test_faq_ships_with_the_most_asked_questions(self):
        faqs = self.Faq.search([])
        self.assertGreaterEqual(len(faqs), 10)
        self.assertEqual(set(faqs.mapped('topic')), {'service', 'refund', 'data', 'transfer', 'contact'})
        for faq in faqs:
            zh = faq.with_context(lang='zh_CN')
            self.assertRegex(zh.question, r'[\u4e00-\u9fff]', faq.question)
            self.assertRegex(zh.answer, r'[\u4e00-\u9fff]', faq.question)
            for lang in ('en_US', 'zh_CN'):
                self.assertFalse(self.env['closure.phrase']._find_taboo(faq.with_context(lang=lang).answer),
                                 f'{faq.question} [{lang}]')

    def test_rep_searches_by_words_in_either_language(self):
        refund_now = self.env.ref('closure_training.faq_refund_now')
        self.assertIn(refund_now, self._search('declaration period'))
        self.assertIn(self.env.ref('closure_training.faq_refund_before'), self._search('money back'))
        self.assertIn(refund_now, self._search('申报期', lang='zh_CN'))
        self.assertEqual(self._search('warranty repair'), self.env.ref('closure_training.faq_warranty'))
        self.assertFalse(self._search('xylophone'))

    def test_faq_opens_from_the_case_on_its_topic(self):
        action = self.case.with_user(self.rep_1).action_closure_open_faq()
        self.assertEqual(action['res_model'], 'closure.training.faq')
        self.assertEqual(action['context'], {})
        self.case.closure_refund_requested_date = '2026-07-01'
        action = self.case.with_user(self.rep_1).action_closure_open_faq()
        self.assertEqual(action['context'], {'search_default_topic_refund': 1})
        self.case.closure_export_requested_date = '2026-07-02'  # a refund asked still comes first
        self.assertEqual(self.case.action_closure_open_faq()['context'], {'search_default_topic_refund': 1})

    def test_reps_read_managers_edit_and_no_taboo_answer(self):
        faq = self.env.ref('closure_training.faq_why')
        with self.assertRefused(faq, AccessError):
            faq.with_user(self.rep_1).write({'answer': 'We had no choice.'})
        with self.assertRefused(faq, ValidationError, regex='bankrupt'):
            faq.with_user(self.manager).write({'answer': 'The company is bankrupt.'})
        faq.with_user(self.manager).write({'keywords': 'reason, why, closing, end, stop, strategy'})
        self.assertIn('strategy', faq.keywords)
