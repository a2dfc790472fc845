from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning
from odoo.tests import new_test_user, tagged

from .notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestPlanGuidance(NoticeCommon):
    """The plan shows its steps with their state and the count behind them,
    the header's next action follows the current step, an action that cannot
    run yet says what to do first with a link, and the plan's dashboard opens
    on the plan's own rows, for its managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own: only these customers are in the plan
        cls.guide_company = cls.env['res.company'].create({'name': 'Guided Closing Co', 'email': 'guided@example.com'})
        cls.guide_manager = new_test_user(
            cls.env, login='guide_manager', name='Guide Manager', groups='closure_crm.group_closure_manager',
            email='guide.manager@example.com', company_id=cls.guide_company.id, company_ids=cls.guide_company.ids)
        team = cls.env['crm.team'].create({'name': 'Guided Sales', 'company_id': cls.guide_company.id})
        cls.customers = cls._create_customers(3, prefix='Guided Customer', is_company=True)
        for partner, amount in zip(cls.customers, (700000, 200000, 100000), strict=True):
            lead = cls._create_won_revenue(partner, amount)
            lead.write({'company_id': cls.guide_company.id, 'team_id': team.id})
        cls.guided = cls.env['closure.plan'].with_user(cls.guide_manager).create({
            'name': 'Guided Plan',
            'company_id': cls.guide_company.id,
            'decision_date': fields.Date.today(),
            'notice_export_url': 'https://export.example.com/guided',
        })

    def _steps(self, plan):
        plan.invalidate_recordset()
        return {code: plan[f'guide_{code}_state'] for code in (
            'receivers', 'cases', 'tiers', 'assignment', 'notices', 'claims', 'export', 'erasure')}

    def _register_receiver(self):
        receiver = self.env['res.partner'].create({
            'name': 'Guided Receiver', 'is_company': True, 'email': 'receiver@guided.example.com',
            'closure_is_receiver': True, 'closure_dpa_date': '2026-05-01'})
        self.env['closure.receiver.capacity'].create(
            {'plan_id': self.guided.id, 'partner_id': receiver.id, 'capacity': 5})
        return receiver

    def test_fresh_plan_says_what_comes_first(self):
        self.env['res.partner'].search([('closure_is_receiver', '=', True)]).closure_is_receiver = False
        plan = self.guided.with_user(self.guide_manager)
        self.assertEqual(self._steps(plan), {
            'receivers': 'todo', 'cases': 'todo', 'tiers': 'blocked', 'assignment': 'blocked',
            'notices': 'blocked', 'claims': 'blocked', 'export': 'todo', 'erasure': 'blocked'})
        self.assertEqual(plan.guide_step, 'receivers')
        self.assertEqual(plan.guide_tiers_info, "Generate the cases first")
        self.assertIn(str(plan.data_erasure_date.year), plan.guide_erasure_info, "the erasure says when it opens")

        self._register_receiver()
        self.assertEqual(self._steps(plan)['receivers'], 'done')
        self.assertEqual(plan.guide_step, 'cases', "the header's action is now Generate Cases")

    def test_steps_follow_the_cases_and_the_tiers(self):
        self._register_receiver()
        plan = self.guided.with_user(self.guide_manager)
        plan.action_start()
        plan.action_generate_cases()
        steps = self._steps(plan)
        self.assertEqual((steps['cases'], plan.guide_cases_info), ('done', "3 cases"))
        self.assertEqual(steps['tiers'], 'todo')
        self.assertEqual((steps['assignment'], plan.guide_assignment_info),
                         ('todo', "3 of 3 cases without a proposed receiver"))
        self.assertEqual((steps['notices'], plan.guide_notices_info),
                         ('blocked', "Compute the tiers first: each tier gets its own notice"))
        self.assertEqual(plan.guide_step, 'tiers')

        plan.action_guide_tiers()
        steps = self._steps(plan)
        self.assertEqual((steps['tiers'], plan.guide_tiers_info), ('done', "A 1 · B 1 · C 1"))
        self.assertEqual(steps['notices'], 'todo')
        self.assertEqual(plan.guide_step, 'assignment')

    def test_steps_after_a_wave(self):
        self._register_receiver()
        plan = self.guided.with_user(self.guide_manager)
        plan.action_start()
        plan.action_generate_cases()
        plan.action_guide_tiers()
        action = plan.action_guide_new_wave()
        self.assertEqual((action['res_model'], action['context']['default_plan_id']), ('closure.notice.wave', plan.id))
        wave = self.env['closure.notice.wave'].with_user(self.guide_manager).with_context(**action['context']).create(
            {'name': 'First wave', 'tier': 'c'})
        with self.mock_mail_gateway():
            wave.action_send()
            self._deliver()
        steps = self._steps(plan)
        self.assertEqual((steps['notices'], plan.guide_notices_info),
                         ('todo', "1 of 3 customers notified, 1 waves"))
        self.assertEqual((steps['claims'], plan.guide_claims_info),
                         ('todo', "0 claims declared, 0 reviewed, 0 paid"), "claims are declared after the notice")
        self.assertEqual(plan.dash_notified_count, 1)

    def test_impossible_actions_say_what_to_do_first(self):
        self.env['res.partner'].search([('closure_is_receiver', '=', True)]).closure_is_receiver = False
        plan = self.guided.with_user(self.guide_manager)
        plan.action_start()
        with self.assertRaises(RedirectWarning) as caught:
            plan.action_guide_new_wave()
        message, action, button, context = caught.exception.args
        self.assertIn("Generate the cases first", message)
        self.assertEqual(action, self.env.ref('closure_crm.closure_plan_action_server_generate_cases').id)
        self.assertEqual(button, "Generate the Cases")
        self.assertEqual(context['active_id'], plan.id)
        # the link does what it says: the gear menu's action generates the cases of the plan
        result = self.env['ir.actions.server'].browse(action).with_user(self.guide_manager).with_context(
            **context).run()
        self.assertEqual(plan.case_count, 3)
        self.assertIn(result['type'], ('ir.actions.client',))

        with self.assertRaisesRegex(RedirectWarning, "Compute the tiers"):
            plan.action_guide_new_wave()
        with self.assertRaisesRegex(RedirectWarning, "Register the receivers first") as caught:
            plan.action_guide_assignment()
        self.assertEqual(caught.exception.args[1], self.env.ref('closure_crm.action_closure_receiver_capacity').id)
        self.assertFalse(self.env['closure.notice.wave'].search([('plan_id', '=', plan.id)]), "nothing was created")

    def test_dashboard_opens_on_the_plan(self):
        self._register_receiver()
        plan = self.guided.with_user(self.guide_manager)
        plan.action_generate_cases()
        other_case = self._create_cases(self._create_customers(1, prefix='Other Plan Customer'))
        card = plan.action_dashboard()
        self.assertEqual((card['res_model'], card['domain']), ('closure.plan', [('id', '=', plan.id)]))
        for method, model in (('action_dashboard_cases', 'crm.lead'),
                              ('action_dashboard_notices', 'closure.notice.recipient'),
                              ('action_dashboard_claims', 'closure.obligation'),
                              ('action_dashboard_transfers', 'closure.transfer')):
            with self.subTest(method=method):
                action = getattr(plan, method)()
                self.assertEqual(action['res_model'], model)
                self.assertIn(plan.id, action['domain'][0], "the chart shows this plan's rows")
                self.assertEqual(action['views'][0][1] in ('graph', 'pivot'), True)
                # the domain the view reads with: this plan's rows only
                self.env[model].with_user(self.guide_manager).search(action['domain'])
        cases = self.env['crm.lead'].with_user(self.guide_manager).search(plan.action_dashboard_cases()['domain'])
        self.assertEqual(len(cases), 3)
        self.assertNotIn(other_case, cases)

    def test_rep_cannot_open_another_teams_dashboard(self):
        plan = self.guided
        plan.action_generate_cases()
        rep = new_test_user(self.env, login='guide_rep', name='Guide Rep', groups='closure_crm.group_closure_user',
                            company_id=self.guide_company.id, company_ids=self.guide_company.ids)
        for method in ('action_dashboard', 'action_dashboard_cases', 'action_dashboard_notices',
                       'action_dashboard_claims', 'action_dashboard_transfers'):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(plan.with_user(rep), method)()
        # the rows behind the charts: a rep of another team reads none of the plan's cases
        domain = plan.action_dashboard_cases()['domain']
        self.assertEqual(plan.case_count, 3)
        self.assertFalse(self.env['crm.lead'].with_user(rep).search(domain))
        self.assertFalse(self.env['crm.lead'].with_user(rep)._read_group(domain, ['stage_id'], ['__count']))
        # nor the plan's figures
        self.assertEqual(plan.with_user(rep).dash_claims_declared, 0)
        self.assertFalse(plan.with_user(rep).guide_step)

    def test_claims_step_counts_declared_reviewed_paid(self):
        plan = self.guided.with_user(self.guide_manager)
        plan.action_generate_cases()
        case = plan.case_ids[:1]
        self.env['closure.obligation'].create([{
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': f'Card {index}', 'amount': 100.0,
            'claim_declared_date': fields.Date.today()} for index in range(2)])
        plan.invalidate_recordset()
        self.assertEqual(plan.guide_claims_info, "2 claims declared, 0 reviewed, 0 paid")
        self.assertEqual((plan.dash_claims_declared, plan.dash_claims_reviewed), (2, 0))
        self.assertEqual(plan.guide_claims_state, 'todo')
