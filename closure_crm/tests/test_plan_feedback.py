from odoo.exceptions import AccessError, RedirectWarning
from odoo.tests import Form, tagged

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestPlanFeedback(TransferCommon):
    """Every plan action says what it did, and an impossible one says what
    to do first, with the way there (issue 26, "no dead ends")."""

    def test_generating_cases_says_how_many(self):
        plan = self.env['closure.plan'].create({'name': 'Feedback Plan', 'decision_date': '2026-06-01'})
        plan.action_start()
        customers = self._create_customers(3, prefix='Feedback Buyer')
        self.env['closure.revenue.line'].create([{
            'plan_id': plan.id, 'partner_id': partner.id, 'date': '2026-05-01', 'amount': 10,
        } for partner in customers])
        plan.revenue_source = 'import'
        missing = len(plan._missing_case_partner_ids())
        self.assertGreaterEqual(missing, 3)
        action = plan.with_user(self.manager).action_generate_cases()
        self.assertEqual((action['type'], action['tag']), ('ir.actions.client', 'display_notification'))
        self.assertEqual(plan.case_count, missing)
        self.assertIn(f"{missing} cases generated", action['params']['message'])
        self.assertEqual(action['params']['next']['tag'], 'soft_reload', "the plan's form shows the new count")
        self.assertIn(f"{missing} cases generated", plan.message_ids[0].body, "and the plan's history says it")
        # again: nothing new, and it says so instead of staying silent
        again = plan.with_user(self.manager).action_generate_cases()
        self.assertIn("no new case", again['params']['message'])
        self.assertEqual(plan.case_count, missing)
        with self.assertRaises(AccessError):
            plan.with_user(self.rep_1).action_generate_cases()

    def test_assignment_without_receivers_says_what_to_do_first(self):
        plan = self.env['closure.plan'].create({'name': 'No Receivers Yet', 'decision_date': '2026-06-01'})
        plan.action_start()
        cases = self._create_need_cases(4, prefix='Waiting', industry=self.retail, state=self.shanghai, plan=plan)
        wizard = self.env['closure.transfer.assign'].with_user(self.manager).with_context(
            active_model='closure.plan', active_id=plan.id).create({})
        with self.assertRaises(RedirectWarning) as caught:
            wizard.action_assign()
        message, action_id, button, context = caught.exception.args
        self.assertIn("Register the receivers first", message)
        self.assertNotIn("0 of", message)
        self.assertEqual(action_id, self.env.ref('closure_crm.action_closure_receiver_capacity').id)
        self.assertEqual(button, "Add Receiver Capacities")
        self.assertEqual(context['default_plan_id'], plan.id)
        self.assertEqual(wizard.state, 'draft')
        self.assertFalse(self.env['closure.transfer'].search([('lead_id', 'in', cases.ids)]))
        # a receiver without its data-protection commitment: the way to record it
        receiver = self._create_receiver('Unsigned Harbour', plan=plan, dpa=False, industries=self.retail,
                                         states=self.shanghai)
        with self.assertRaises(RedirectWarning) as caught:
            wizard.action_assign()
        self.assertIn("data-protection commitment", caught.exception.args[0])
        self.assertIn(receiver.name, caught.exception.args[0])
        self.assertEqual(caught.exception.args[1], self.env.ref('closure_crm.action_closure_receiver').id)
        # once signed, the assignment runs and reports the plan's transfers as counted
        receiver.closure_dpa_date = '2026-05-01'
        wizard.action_assign()
        self.assertEqual(wizard.state, 'done')
        live = self.env['closure.transfer'].search_count([('plan_id', '=', plan.id), ('state', '=', 'proposed')])
        self.assertEqual((wizard.assigned_count, live), (4, 4))
        self.assertIn(f"Proposed {live}", wizard.summary)

    def test_capacity_title(self):
        receiver = self._create_receiver('Title Harbour', capacity=None)
        Capacity = self.env['closure.receiver.capacity'].with_user(self.manager)
        self.assertEqual(Capacity.new({}).display_name, "New Receiver Capacity", "a new form: never 'False (False)'")
        self.assertEqual(Capacity.new({'partner_id': receiver.id}).display_name, "Title Harbour")
        with Form(Capacity) as form:
            form.plan_id = self.plan
            form.partner_id = receiver
            form.capacity = 7
        line = form.record
        self.assertEqual(line.display_name, f"Title Harbour in {self.plan.name}")
