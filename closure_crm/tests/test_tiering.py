from datetime import datetime

from odoo.tests import tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestTiering(ClosureCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 20 customers: revenue 1000, 900, ..., then small ones, total known
        cls.customers = cls._create_customers(20, prefix='Tiered')
        cls.amounts = [5000, 3000, 2000, 1000, 800, 700, 500, 400, 300, 200,
                       100, 100, 100, 100, 50, 50, 50, 50, 0, 0]
        cls.plan.revenue_source = 'import'
        cls.env['closure.revenue.line'].create([{
            'plan_id': cls.plan.id, 'partner_id': partner.id, 'date': '2026-01-15', 'amount': amount,
        } for partner, amount in zip(cls.customers, cls.amounts, strict=False) if amount])
        cls.cases = cls._create_cases(cls.customers)

    def tiers(self):
        return [self.cases.filtered(lambda c, p=p: c.partner_id == p).closure_tier for p in self.customers]

    def test_exact_tier_counts(self):
        """Total 14500: 70% = 10150, 90% = 13050. A: revenue ranked above < 10150
        (0, 5000, 8000, 10000) -> 4 customers; B: above < 13050 (11000, 11800,
        12500, 13000) -> 4; everything else C, including customers without revenue."""
        self.plan.action_compute_tiers()
        self.assertEqual(self.tiers(), ['a'] * 4 + ['b'] * 4 + ['c'] * 12)
        self.assertEqual((self.plan.tier_a_count, self.plan.tier_b_count, self.plan.tier_c_count), (4, 4, 12))
        self.assertEqual(self.cases[0].closure_revenue, 5000)
        # the contact form shows the customer's tier, and it can be grouped on
        self.assertEqual(self.customers[0].closure_tier, 'a')
        groups = dict(self.env['res.partner']._read_group(
            [('id', 'in', self.customers.ids)], ['closure_tier'], ['__count']))
        self.assertEqual(groups, {'a': 4, 'b': 4, 'c': 12})

    def test_cut_offs_are_settings(self):
        self.plan.write({'tier_a_share': 50, 'tier_b_share': 80})
        self.plan.action_compute_tiers()
        # 50% = 7250, 80% = 11600: A above 0, 5000; B above 8000, 10000, 11000
        self.assertEqual(self.tiers(), ['a'] * 2 + ['b'] * 3 + ['c'] * 15)

    def test_tiering_from_won_opportunities(self):
        # a window of its own, so no other won revenue of the database counts
        plan = self.env['closure.plan'].create({'name': 'CRM revenue', 'decision_date': '2031-06-01'})
        big, small = self._create_customers(2, prefix='Won')
        self._create_won_revenue(big, 9000, when=datetime(2031, 1, 10, 9, 0))
        self._create_won_revenue(small, 1000, when=datetime(2031, 2, 10, 9, 0))
        plan.action_generate_cases()
        plan.action_compute_tiers()
        by_partner = {case.partner_id: case for case in plan.case_ids}
        self.assertEqual(by_partner[big].closure_tier, 'a')
        self.assertEqual(by_partner[small].closure_tier, 'c', "90% above it: beyond the B cut-off")
        self.assertEqual(by_partner[big].closure_revenue, 9000)

    def test_tiering_is_set_based(self):
        """The query count does not grow with the number of cases."""
        self.plan.action_compute_tiers()  # warm up
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=12):
            self.plan.action_compute_tiers()

    def test_rerun_changes_only_what_moved(self):
        self.plan.action_compute_tiers()
        write_dates = self.cases.mapped('write_date')
        self.plan.action_compute_tiers()
        self.assertEqual(self.cases.mapped('write_date'), write_dates)

    def test_one_summary_message_per_plan(self):
        """The set-based update does not track each case's tier (it would skip
        Odoo's tracking): the plan's history gets one summary per tiering that
        changed something, none for a re-run that changed nothing."""
        self.assertFalse(getattr(self.env['crm.lead']._fields['closure_tier'], 'tracking', None))
        messages = self.plan.message_ids
        self.plan.action_compute_tiers()
        summary = self.plan.message_ids - messages
        self.assertEqual(len(summary), 1)
        self.assertIn('Tiers recomputed: 4 A, 4 B, 12 C (20 cases changed tier or revenue).', summary.body)
        self.assertFalse(self.cases.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == 'closure_tier'))
        self.plan.action_compute_tiers()
        self.assertEqual(self.plan.message_ids - messages, summary, "nothing changed: no second summary")
