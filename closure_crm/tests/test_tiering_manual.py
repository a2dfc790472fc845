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
