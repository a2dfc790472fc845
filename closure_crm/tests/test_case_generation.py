from datetime import datetime

from odoo.tests import tagged

from odoo.addons.base.tests.test_ir_cron import CronMixinCase

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestCaseGeneration(ClosureCommon, CronMixinCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = cls._create_customers(3, prefix='Buyer')
        for buyer in cls.buyers:
            cls._create_won_revenue(buyer, 1000)
        cls.old_buyer = cls._create_customers(1, prefix='Old Buyer')
        cls._create_won_revenue(cls.old_buyer, 5000, when=datetime(2023, 1, 1))  # outside 24 months
        cls.prospect = cls._create_customers(1, prefix='Prospect')
        cls.env['crm.lead'].create({
            'name': 'Open deal', 'type': 'opportunity', 'partner_id': cls.prospect.id,
            'team_id': cls.sales_team.id})
        cls.company_customer = cls._create_customers(1, prefix='Company', is_company=True)
        cls.contact = cls.env['res.partner'].create({
            'name': 'Buyer at Company', 'parent_id': cls.company_customer.id})
        cls._create_won_revenue(cls.contact, 700)  # revenue of a contact counts for its company

    def test_generation_covers_revenue_and_open_business(self):
        self.plan.action_generate_cases()
        mine = self.buyers | self.old_buyer | self.prospect | self.company_customer | self.contact
        cases = self.plan.case_ids.filtered(lambda c: c.partner_id in mine)
        self.assertEqual(cases.partner_id, self.buyers | self.prospect | self.company_customer,
                         "revenue or open business in the window; a contact's revenue counts for its company")
        self.assertNotIn(self.old_buyer, cases.partner_id, "revenue outside the look-back window")
        self.assertEqual(set(self.plan.case_ids.stage_id.mapped('closure_stage_code')), {'to_notify'})
        self.assertEqual(cases.team_id, self.plan.team_id)
        company_case = cases.filtered(lambda c: c.partner_id == self.company_customer)
        self.assertEqual(company_case.closure_segment, 'b2b')
        self.assertEqual(set((cases - company_case).mapped('closure_segment')), {'b2c'})

    def test_generation_is_idempotent(self):
        self.plan.action_generate_cases()
        first = self.plan.case_ids
        first[0].write({'stage_id': self.plan.team_id._closure_stage('notified').id})
        first[1].active = False  # an archived case still counts as existing
        self.plan.action_generate_cases()
        self.assertEqual(self.plan.with_context(active_test=False).case_ids, first, "second run adds 0")
        self.assertEqual(first[0].closure_stage_code, 'notified', "second run changes nothing")
        # a new customer appears: only it is added
        newcomer = self._create_customers(1, prefix='Newcomer')
        self._create_won_revenue(newcomer, 10)
        self.plan.action_generate_cases()
        self.assertEqual(self.plan.with_context(active_test=False).case_ids - first,
                         self.plan.case_ids.filtered(lambda c: c.partner_id == newcomer))

    def test_large_plan_is_queued_to_batched_cron(self):
        customers = self._create_customers(1205, prefix='Bulk')
        self.env['closure.revenue.line'].create([{
            'plan_id': self.plan.id, 'partner_id': p.id, 'date': '2026-05-01', 'amount': 10,
        } for p in customers])
        self.plan.revenue_source = 'import'
        expected = len(self.plan._missing_case_partner_ids())  # with other open business of the database
        self.assertGreaterEqual(expected, 1205)
        with self.capture_triggers('closure_crm.ir_cron_closure_generate_cases') as capture:
            self.plan.action_generate_cases()
        self.assertTrue(self.plan.generation_pending)
        self.assertEqual(len(capture.records), 1, "the scheduled job is woken up")
        self.assertFalse(self.plan.case_ids, "nothing created inside the request")
        # the job works one batch per call, until nothing is missing
        calls = 0
        while self.plan.generation_pending and calls < 10:
            self.env['closure.plan']._cron_generate_cases()
            calls += 1
            self.assertLessEqual(len(self.plan.case_ids), 1000 * calls)
        self.assertEqual(len(self.plan.case_ids), expected)
        self.assertEqual(calls, -(-expected // 1000))
        self.assertLessEqual(customers, self.plan.case_ids.partner_id)
