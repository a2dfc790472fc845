from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestTieringManual(ClosureCommon):
    """Tier by judgment as well as revenue: a closure manager sets a case's
    tier by hand with a reason; the tiering run keeps it and says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._create_customers(4, prefix='Judged')
        cls.plan.revenue_source = 'import'
        cls.env['closure.revenue.line'].create([{
            'plan_id': cls.plan.id, 'partner_id': partner.id, 'date': '2026-01-15', 'amount': amount,
        } for partner, amount in zip(cls.customers, (9000, 500, 400, 100), strict=True)])
        cls.cases = cls._create_cases(cls.customers)
        cls.plan.action_compute_tiers()
        # the influential customer with little revenue (the source's 行业影响力客户)
        cls.influential = cls.cases[3]

    def test_manager_sets_a_tier_by_hand_and_tiering_keeps_it(self):
        self.assertEqual(self.influential.closure_tier, 'c')
        self.influential.with_user(self.manager).write({
            'closure_tier': 'a', 'closure_tier_manual': True,
            'closure_tier_reason': 'Industry influence: invited to the advisory circle'})
        self.assertEqual(self.influential.closure_tier, 'a')
        # shown on the case: a note in the chatter says the tier, from what, and why
        bodies = ' '.join(self.influential.message_ids.mapped('body'))
        self.assertIn('Tier set by hand: C → A', bodies)
        self.assertIn('Industry influence', bodies)
        # the next tiering run keeps it, and reports it
        self.plan.action_compute_tiers()
        self.assertEqual(self.influential.closure_tier, 'a')
        self.assertEqual(self.influential.closure_revenue, 100, "its revenue figure is still refreshed")
        self.assertEqual(self.influential.partner_id.closure_tier, 'a', "the contact shows the tier too")
        summary = self.plan.message_ids[0].body
        self.assertIn('1 cases keep the tier a manager set by hand', summary)
        self.assertIn(self.influential.name, summary)
        # a revenue change moves the other cases, never the one set by hand
        self.env['closure.revenue.line'].create({
            'plan_id': self.plan.id, 'partner_id': self.customers[2].id, 'date': '2026-01-20', 'amount': 90000})
        self.plan.action_compute_tiers()
        self.assertEqual(self.cases[2].closure_tier, 'a')
        self.assertEqual(self.influential.closure_tier, 'a')
        # cleared by a manager: the next run gives the revenue tier back
        self.influential.with_user(self.manager).closure_tier_manual = False
        self.assertFalse(self.influential.closure_tier_reason)
        self.plan.action_compute_tiers()
        self.assertEqual(self.influential.closure_tier, 'c')

    def test_a_tier_by_hand_needs_a_reason(self):
        for reason in (False, '   '):
            with self.assertRaisesRegex(ValidationError, 'Reason for the Tier'), self.env.cr.savepoint():
                self.influential.with_user(self.manager).write({
                    'closure_tier': 'b', 'closure_tier_manual': True, 'closure_tier_reason': reason})
        self.assertFalse(self.influential.closure_tier_manual)
        self.assertEqual(self.influential.closure_tier, 'c')

    def test_only_a_manager_sets_a_tier_by_hand(self):
        self.influential.user_id = self.rep_1
        for user in (self.rep_1, self.rep_2):
            with self.assertRaisesRegex(AccessError, 'Only a closure manager'), self.env.cr.savepoint():
                self.influential.with_user(user).write({
                    'closure_tier': 'a', 'closure_tier_manual': True, 'closure_tier_reason': 'My best customer'})
        self.influential.invalidate_recordset()
        self.assertFalse(self.influential.closure_tier_manual)
        self.assertEqual(self.influential.closure_tier, 'c')
        # nor undoes one a manager set
        self.influential.with_user(self.manager).write({
            'closure_tier': 'b', 'closure_tier_manual': True, 'closure_tier_reason': 'Key reference customer'})
        for vals in ({'closure_tier_manual': False}, {'closure_tier': 'c'}, {'closure_tier_reason': 'x'}):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.influential.with_user(self.rep_1).write(vals)
        self.influential.invalidate_recordset()
        self.assertRecordValues(self.influential, [{
            'closure_tier': 'b', 'closure_tier_manual': True, 'closure_tier_reason': 'Key reference customer'}])

    def test_chinese_error_and_summary(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        manager = self.manager.with_context(lang='zh_CN')
        manager.lang = 'zh_CN'
        with self.assertRaisesRegex(ValidationError, '分级理由'), self.env.cr.savepoint():
            self.influential.with_user(manager).with_context(lang='zh_CN').write({
                'closure_tier': 'a', 'closure_tier_manual': True, 'closure_tier_reason': ''})
        self.influential.with_user(manager).write({
            'closure_tier': 'a', 'closure_tier_manual': True, 'closure_tier_reason': '行业影响力客户'})
        self.plan.with_context(lang='zh_CN').action_compute_tiers()
        self.assertIn('保留经理手动设定的分级', self.plan.message_ids[0].body)


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
