from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.closure_crm.tests.common import ClosureCommon
from odoo.addons.closure_crm.tests.notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestCaseScore(NoticeCommon):
    """The case score on constructed cases: need match x 0.6 + interactions
    in the last 7 days x 0.4; 80 and above goes to the plan's senior rep."""

    def test_score_on_constructed_cases_and_senior_rep(self):
        senior = self.manager
        self.plan.score_senior_user_id = senior
        strong, busy, quiet = (self._notice_cases(1, prefix=prefix, tier='b') for prefix in ('Strong', 'Busy', 'Quiet'))
        strong.closure_need_match = 100.0
        busy.closure_need_match = 50.0
        quiet.closure_need_match = 90.0
        for days_ago in (0, 1, 2, 3, 4):
            self._customer_says(strong, "A question.", days_ago=days_ago)
        for days_ago in (1, 2):
            self._customer_says(busy, "A question.", days_ago=days_ago)
        self._customer_says(busy, "An old question.", days_ago=10)
        handed = self.env['crm.lead']._closure_update_scores(self.plan)
        # 100 x 0.6 + min(100, 5 x 20) x 0.4 = 100; 50 x 0.6 + 2 x 20 x 0.4 = 46; 90 x 0.6 = 54
        self.assertRecordValues(strong | busy | quiet, [
            {'closure_score': 100, 'closure_interactions_7d': 5, 'user_id': senior.id},
            {'closure_score': 46, 'closure_interactions_7d': 2, 'user_id': self.rep_1.id},
            {'closure_score': 54, 'closure_interactions_7d': 0, 'user_id': self.rep_1.id},
        ])
        self.assertEqual(handed, strong)
        # the work is ordered by score
        ordered = self.env['crm.lead'].search([('id', 'in', (strong | busy | quiet).ids)], order='closure_score desc')
        self.assertEqual(ordered.ids, [strong.id, quiet.id, busy.id])
        # a rep cannot run the scoring that reassigns cases
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_closure_update_scores()


@tagged('post_install', '-at_install')
class TestScoreKeepsTheToldContact(ClosureCommon):
    """The hourly score job hands hot cases (80+) to the senior rep; a
    customer already told "your contact person is X" is told the new contact
    with the hand-over's own mail, or keeps X. Never a silent change."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.score_senior_user_id = cls.manager
        partners = cls._create_customers(3, prefix='Hot')
        cls.told, cls.untold, cls.no_email = cls._create_cases(partners, user_id=cls.rep_1.id)
        cls.no_email.partner_id.email = False
        (cls.told | cls.no_email).write({'closure_notified_date': date(2026, 6, 20)})
        (cls.told | cls.untold | cls.no_email).write({'closure_need_match': 100.0, 'closure_tier': 'b'})
        for case in (cls.told, cls.untold, cls.no_email):
            for days_ago in range(5):
                message = case.message_post(body='A question.', author_id=case.partner_id.id,
                                            message_type='comment', subtype_xmlid='mail.mt_comment')
                message.sudo().write({'date': fields.Datetime.now() - timedelta(days=days_ago)})

    def _new_contact_mails(self, case):
        return case.message_ids.filtered(lambda m: 'your new contact person' in (m.subject or ''))

    def test_a_told_customer_learns_the_new_contact(self):
        handed = self.env['crm.lead']._closure_update_scores(self.plan)
        self.assertEqual(handed, self.told | self.untold)
        self.assertEqual((self.told | self.untold).user_id, self.manager)
        # the hand-over's own "your new contact" mail, from the senior rep, to the customer told before
        mails = self._new_contact_mails(self.told)
        self.assertEqual(len(mails), 1, [(m.subject, m.message_type, str(m.body)[:80]) for m in self.told.message_ids])
        self.assertEqual(mails.author_id, self.manager.partner_id)
        self.assertIn(self.told.partner_id, mails.partner_ids)
        self.assertIn('Closure Manager', mails.body)
        self.assertIn('your new contact', self.told.message_ids[0].body)
        # a customer not told a contact yet learns it from the notice: no extra mail
        self.assertFalse(self._new_contact_mails(self.untold))

    def test_a_told_customer_without_address_keeps_the_contact(self):
        self.env['crm.lead']._closure_update_scores(self.plan)
        self.assertEqual(self.no_email.user_id, self.rep_1)
        self.assertIn('kept with Rep One', self.no_email.message_ids[0].body)

    def test_score_job_skips_cases_another_transaction_holds(self):
        """A case another transaction holds (the notice wave writing it) is
        left for the next run instead of waited for: no deadlock."""
        held = self.env['crm.lead'].with_context(active_test=False).search([], order='id', limit=1)
        with self.env.registry.cursor() as other:
            other.execute("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", [held.id])
            with self.env.cr.savepoint():
                self.env.cr.execute("SET LOCAL lock_timeout = '5s'")
                locked = (held | self.told | self.untold)._closure_lock_skip_locked()
            other.rollback()
        self.assertEqual(locked, self.told | self.untold)

    def test_a_chinese_customer_learns_the_new_contact_in_chinese(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        self.told.partner_id.lang = 'zh_CN'
        self.env['crm.lead']._closure_update_scores(self.plan)
        mails = self.told.message_ids.filtered(lambda m: '您的新联系人' in (m.subject or ''))
        self.assertEqual(len(mails), 1, self.told.message_ids.mapped('subject'))
        self.assertIn('Closure Manager', mails.body)
        self.assertEqual(self.told.user_id, self.manager)
