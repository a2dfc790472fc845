from datetime import date

from odoo.tests import tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestPartnerClosureCase(ClosureCommon):
    """The contact shows the tier and closure step of its newest active case,
    whether the ORM recomputes it or tiering refreshes it in one statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._create_customers(3, prefix='Contact')
        # total 10000: above the first 0 (A), above the second 7000 (B: >= 70%,
        # < 90%), above the third 9000 (C)
        cls.plan.revenue_source = 'import'
        cls.env['closure.revenue.line'].create([{
            'plan_id': cls.plan.id, 'partner_id': partner.id, 'date': '2026-01-15', 'amount': amount,
        } for partner, amount in zip(cls.customers, [7000, 2000, 1000], strict=False)])
        cls.cases = cls._create_cases(cls.customers)

    def test_contacts_follow_tiering(self):
        self.plan.action_compute_tiers()
        self.assertEqual(self.customers.mapped('closure_tier'), ['a', 'b', 'c'])
        self.assertEqual(self.customers[0].closure_stage_id, self.cases[0].stage_id)
        self.assertEqual(self.customers[0].closure_stage_id.closure_stage_code, 'to_notify')
        # a contact can be found by its tier
        self.assertEqual(self.env['res.partner'].search(
            [('id', 'in', self.customers.ids), ('closure_tier', '=', 'b')]), self.customers[1])

    def test_newest_active_case_wins(self):
        self.plan.action_compute_tiers()
        newer_plan = self.env['closure.plan'].create({
            'name': 'Second closure', 'decision_date': date(2026, 6, 1), 'revenue_source': 'import'})
        newer_case = self._create_cases(self.customers[0], plan=newer_plan)
        self.assertFalse(self.customers[0].closure_tier, "the newest case is not tiered yet")
        self.assertEqual(self.customers[0].closure_stage_id, newer_case.stage_id)
        newer_case.action_archive()
        self.assertEqual(self.customers[0].closure_tier, 'a', "an archived case no longer counts")
        self.assertEqual(self.customers[0].closure_stage_id, self.cases[0].stage_id)

    def test_refresh_is_one_statement(self):
        """The contacts are refreshed by a fixed number of queries, and only
        those whose value changes are written."""
        self.env.cr.execute("UPDATE crm_lead SET closure_tier = 'b' WHERE id = ANY(%s)", [self.cases.ids])
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=1):
            changed = self.customers._closure_refresh_case()
        self.assertEqual(changed, self.customers)
        self.assertEqual(self.customers.mapped('closure_tier'), ['b', 'b', 'b'])
        self.env.cr.execute("UPDATE crm_lead SET closure_tier = 'a' WHERE id = %s", [self.cases[2].id])
        self.assertEqual(self.customers._closure_refresh_case(), self.customers[2])
        self.assertEqual(self.customers.mapped('closure_tier'), ['b', 'b', 'a'])
