from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestClosureSecurity(ClosureCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customers = cls._create_customers(2, prefix='Secured')
        cls.case_rep_1 = cls._create_cases(customers[0], user_id=cls.rep_1.id)
        cls.case_rep_2 = cls._create_cases(customers[1], user_id=cls.rep_2.id)
        cls.env['closure.obligation'].create({
            'lead_id': cls.case_rep_2.id, 'name': 'Card', 'obligation_type': 'prepaid', 'amount': 50})

    def test_user_sees_own_cases_only(self):
        cases = self.env['crm.lead'].with_user(self.rep_1).search([('closure_plan_id', '=', self.plan.id)])
        self.assertEqual(cases, self.case_rep_1)
        with self.assertRaises(AccessError):
            self.case_rep_2.with_user(self.rep_1).read(['name'])
        self.assertFalse(self.env['closure.obligation'].with_user(self.rep_1).search([]))

    def test_all_documents_salesman_still_sees_own_cases_only(self):
        """The sales 'All Documents' right does not open other reps' closure cases."""
        self.rep_1.groups_id += self.env.ref('sales_team.group_sale_salesman_all_leads')
        with self.assertRaises(AccessError):
            self.case_rep_2.with_user(self.rep_1).read(['closure_prepaid_balance'])

    def test_manager_sees_everything(self):
        cases = self.env['crm.lead'].with_user(self.manager).search([('closure_plan_id', '=', self.plan.id)])
        self.assertEqual(cases, self.case_rep_1 | self.case_rep_2)

    def test_user_cannot_configure_plans(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).write({'tier_a_share': 50})
        self.assertEqual(self.plan.with_user(self.rep_1).name, 'Test Closure', "but can read it")

    def test_other_company_plan_is_invisible(self):
        other = self.env['res.company'].create({'name': 'Other Co'})
        self.manager.write({'company_ids': [(4, other.id)]})
        other_plan = self.env['closure.plan'].with_company(other).create({
            'name': 'Other closure', 'company_id': other.id, 'decision_date': '2026-06-01'})
        visible = self.env['closure.plan'].with_user(self.manager).with_context(
            allowed_company_ids=[self.company.id]).search([])
        self.assertIn(self.plan, visible)
        self.assertNotIn(other_plan, visible)
        with self.assertRaises(AccessError):
            other_plan.with_user(self.manager).with_context(
                allowed_company_ids=[self.company.id]).read(['name'])
