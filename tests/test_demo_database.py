"""Across both add-ons: what a person opening the demo database finds."""
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestDemoPlan(TransactionCase):

    def test_demo_plan_is_in_progress_with_tiered_cases_in_every_stage(self):
        plan = self.env.ref('closure_crm.demo_plan')
        self.assertEqual(plan.state, 'in_progress')
        self.assertEqual(plan.case_count, 200)
        self.assertEqual(plan.tier_a_count + plan.tier_b_count + plan.tier_c_count, 200)
        self.assertTrue(0 < plan.tier_a_count < plan.tier_b_count < plan.tier_c_count,
                        "a Pareto of revenue: few A, more B, most C")
        steps = set(plan.case_ids.mapped('closure_stage_code'))
        self.assertEqual(steps, {'to_notify', 'notified', 'answered', 'transfer_agreed',
                                 'transferred', 'settled', 'closed'})
        self.assertEqual(set(plan.case_ids.mapped('closure_segment')), {'b2b', 'b2c'})
        langs = set(plan.case_ids.partner_id.mapped('lang'))
        self.assertEqual(langs, {'en_US', 'zh_CN'}, "customers in English and Simplified Chinese")

    def test_both_add_ons_hold_all_their_demo_data(self):
        """Odoo installs an add-on without its demo data when one demo file
        fails, and only warns: the demo would then miss everything."""
        names = ['closure_crm', 'closure_crm_care', 'closure_crm_data', 'closure_crm_privilege', 'closure_training']
        modules = self.env['ir.module.module'].search([('name', 'in', names)])
        self.assertEqual(sorted(modules.filtered('demo').mapped('name')), names)
        # the demo of closure_crm_privilege (on closure_crm's plan): approved privileges with the customers' answers
        plan = self.env.ref('closure_crm.demo_plan')
        self.assertTrue(plan.privilege_priority_approved_by_id and plan.privilege_advisory_approved_by_id)
        self.assertEqual(plan.privilege_count, 6)
        self.assertTrue(self.env.ref('closure_crm_privilege.demo_privilege_answer_008_priority').exists())

    def test_demo_plan_shows_a_declared_claim_and_a_paid_refund(self):
        paid = self.env.ref('closure_crm.demo_obligation_prepaid_002')
        self.assertEqual(
            (paid.state, paid.refund_reference, paid.claim_channel), ('settled', 'DEMO-REFUND-0001', 'portal')
        )
        self.assertEqual(paid.refund_paid_amount, 359.12)
        self.assertEqual(paid.lead_id.closure_stage_code, 'settled')
        claim = self.env.ref('closure_crm.demo_obligation_milestone_004')
        self.assertEqual((claim.state, claim.claim_channel), ('open', 'phone'))
        self.assertTrue(claim.claim_declared_date and claim.refund_due_date)

    def test_demo_staff_are_in_training(self):
        """closure_training's demo: the plan's staff are mid-way through their track."""
        participants = self.env['closure.training.participant'].search(
            [('plan_id', '=', self.env.ref('closure_crm.demo_plan').id)])
        self.assertGreaterEqual(len(participants), 4)
        self.assertEqual(set(participants.mapped('layer')), {'core', 'workshop', 'micro'})


@tagged('post_install', '-at_install')
class TestDemoServed(HttpCase):

    def test_login_page_is_served(self):
        response = self.url_open('/web/login')
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)

    def test_rep_reads_only_own_cases_over_json_rpc(self):
        """A closure rep logged in through the web client sees only their own cases."""
        rep = self.env.ref('closure_crm.demo_user_rep_anna')
        self.authenticate('closure.anna', 'closure.anna')
        result = self.make_jsonrpc_request('/web/dataset/call_kw/crm.lead/search_read', {
            'model': 'crm.lead', 'method': 'search_read',
            'args': [[('closure_plan_id', '=', self.env.ref('closure_crm.demo_plan').id)]],
            'kwargs': {'fields': ['user_id']},
        })
        self.assertTrue(result)
        self.assertEqual({row['user_id'][0] for row in result if row['user_id']}, {rep.id})
