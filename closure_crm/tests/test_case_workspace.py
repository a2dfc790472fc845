"""A closure case is worked as a closure case (issue 26): its form leads with the
closure work, the sales outcomes are refused, and every plan shares one
closure pipeline. Ordinary leads keep crm's behaviour."""
from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import ClosureCommon

CLOSURE_STEPS = ['to_notify', 'notified', 'answered', 'transfer_agreed', 'transferred', 'settled', 'closed']


@tagged('post_install', '-at_install')
class TestCaseWorkspace(ClosureCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customers(1, prefix='Workspace')
        cls.case = cls._create_cases(cls.customer, user_id=cls.rep_1.id)
        cls.plan_2 = cls.env['closure.plan'].create(
            {'name': 'Second Closure', 'decision_date': date(2026, 6, 1), 'user_id': cls.manager.id})
        cls.salesperson = new_test_user(
            cls.env, login='workspace_sales', name='Sales Person', groups='sales_team.group_sale_salesman')
        cls.lost_reason = cls.env['crm.lost.reason'].create({'name': 'Too expensive'})
        cls.generic_stage = cls.env['crm.stage'].search(
            [('team_id', '=', False), ('is_won', '=', False)], limit=1)

    # ------------------------------------------------------------------
    # A closure case stays in the closure pipeline
    # ------------------------------------------------------------------
    def test_closure_case_is_never_won_or_lost(self):
        fnames = ['stage_id', 'team_id', 'probability', 'active', 'lost_reason_id', 'date_closed']
        self.assertEqual(self.case.closure_stage_code, 'to_notify')
        for user in (self.rep_1, self.manager):
            case = self.case.with_user(user)
            with self.assertRefused(self.case, regex='cannot be marked as won', fnames=fnames):
                case.action_set_won_rainbowman()
            with self.assertRefused(self.case, regex='cannot be marked as won', fnames=fnames):
                case.action_set_won()
            with self.assertRefused(self.case, regex='cannot be marked as lost', fnames=fnames):
                case.action_set_lost(lost_reason_id=self.lost_reason.id)
            wizard = self.env['crm.lead.lost'].with_user(user).create(
                {'lead_ids': [Command.set(self.case.ids)], 'lost_reason_id': self.lost_reason.id})
            with self.assertRefused(self.case, regex='cannot be marked as lost', fnames=fnames):
                wizard.action_lost_reason_apply()
            with self.assertRefused(self.case, regex='cannot be marked as lost', fnames=fnames):
                case.write({'lost_reason_id': self.lost_reason.id})

    def test_closure_case_cannot_leave_the_pipeline_or_team(self):
        fnames = ['stage_id', 'team_id', 'probability', 'active']
        for user in (self.rep_1, self.manager):
            case = self.case.with_user(user)
            for stage in (self.generic_stage, self.won_stage):
                with self.assertRefused(self.case, regex='not a stage of the closure pipeline', fnames=fnames):
                    case.write({'stage_id': stage.id})
            with self.assertRefused(self.case, regex='cannot move to the sales team', fnames=fnames):
                case.write({'team_id': self.sales_team.id})
        # a closure stage is fine, for the rep as for the manager
        self.case.with_user(self.rep_1).write({'stage_id': self.plan.team_id._closure_stage('answered').id})
        self.assertEqual(self.case.closure_stage_code, 'answered')

    def test_assigning_a_rep_keeps_the_case_in_its_team(self):
        """crm moves a lead to its new salesperson's own team: not a closure case."""
        self.sales_team.member_ids = self.rep_2
        self.case.user_id = self.rep_2
        self.assertEqual(self.case.team_id, self.plan.team_id)

    def test_ordinary_lead_is_still_won_and_lost(self):
        lead = self.env['crm.lead'].create({
            'name': 'Ordinary deal', 'type': 'opportunity', 'team_id': self.sales_team.id,
            'user_id': self.salesperson.id, 'expected_revenue': 500})
        lead = lead.with_user(self.salesperson)
        lead.action_set_won_rainbowman()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        lead.write({'stage_id': self.generic_stage.id, 'team_id': self.sales_team.id})
        self.env['crm.lead.lost'].with_user(self.salesperson).create(
            {'lead_ids': [Command.set(lead.ids)], 'lost_reason_id': self.lost_reason.id}).action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.lost_reason)
        # its form keeps crm's sales controls, and nothing of the closure shows
        arch = etree.fromstring(lead.get_views([(False, 'form')])['views']['form']['arch'])
        self.assertTrue(arch.xpath("//button[@name='action_set_won_rainbowman']"))
        self.assertTrue(arch.xpath("//field[@name='expected_revenue']"))
        self.assertTrue(arch.xpath("//field[@name='probability']"))
        self.assertFalse(arch.xpath("//page[@name='closure']"))
        self.assertEqual(arch.xpath("//notebook/page")[0].get('name'), 'internal_notes')

    # ------------------------------------------------------------------
    # The form leads with the closure work
    # ------------------------------------------------------------------
    def test_case_form_leads_with_the_closure_work(self):
        case = self.case.with_user(self.rep_1)
        arch = etree.fromstring(case.get_views([(False, 'form')])['views']['form']['arch'])
        sheet = arch.xpath('//sheet')[0]
        order = [node.get('name') for node in sheet.iter() if node.get('name') in (
            'closure_work', 'lead_partner', 'opportunity_partner', 'closure', 'internal_notes')]
        self.assertEqual(order[0], 'closure_work', "the closure work comes before the contact details")
        self.assertEqual(arch.xpath('//notebook/page')[0].get('name'), 'closure', "the Closure tab opens first")
        work = arch.xpath("//div[@name='closure_work']")[0]
        for fname in ('closure_plan_id', 'closure_consent_state', 'closure_next_deadline', 'closure_refund_due',
                      'closure_refund_due_date', 'closure_claim_deadline', 'closure_playbook'):
            self.assertTrue(work.xpath(f".//field[@name='{fname}']"), f"{fname} is in the closure work")
        # the sales controls are hidden for a closure case
        won = arch.xpath("//header/button[@name='action_set_won_rainbowman']")[0]
        self.assertIn('closure_is_case', won.get('invisible'))
        lost_action = str(self.env.ref('crm.crm_lead_lost_action').id)
        for lost in arch.xpath("//header/button[@name=$action]", action=lost_action):
            self.assertIn('closure_is_case', lost.get('invisible'))
        self.assertIn('closure_is_case', arch.xpath("//div[hasclass('oe_title')]/h2")[0].get('invisible'))
        self.assertIn('closure_is_case', arch.xpath("//sheet/widget[@title='Won']")[0].get('invisible'))
        # no expected closing date: the case closes on the law's dates (Next Legal Deadline)
        self.assertIn('closure_is_case', arch.xpath("//label[@for='date_deadline']")[0].get('invisible'))
        self.assertIn('closure_is_case', arch.xpath(
            "//div[hasclass('o_lead_opportunity_form_inline_fields')]")[0].get('invisible'))
        # the obligations table: a few readable columns, the rest in the row's form
        columns = arch.xpath("//field[@name='closure_obligation_ids']/list/field[not(@column_invisible)]")
        self.assertLessEqual(len(columns), 5)
        with Form(case) as form:
            self.assertTrue(form.closure_is_case)
            self.assertEqual(form.closure_consent_state, 'none')

    def test_next_deadline_and_consent_state(self):
        self.assertEqual(self.case.closure_next_deadline, self.case.closure_claim_deadline)
        self.assertEqual(self.case.with_user(self.rep_1).closure_consent_state, 'none')
        self.env['closure.consent'].create({
            'lead_id': self.case.id, 'decision': 'decline', 'channel': 'phone',
            'note': 'The customer declines any transfer on the phone.'})
        self.case.invalidate_recordset(['closure_consent_state'])
        self.assertEqual(self.case.with_user(self.rep_1).closure_consent_state, 'decline')

    # ------------------------------------------------------------------
    # One closure pipeline, shared by all plans
    # ------------------------------------------------------------------
    def test_plans_share_the_closure_stages(self):
        stages = self.env['crm.stage']._closure_stages()
        self.assertEqual(stages.mapped('closure_stage_code'), CLOSURE_STEPS)
        self.assertNotEqual(self.plan.team_id, self.plan_2.team_id)
        for code in CLOSURE_STEPS:
            self.assertEqual(self.plan.team_id._closure_stage(code), self.plan_2.team_id._closure_stage(code))
        case_2 = self._create_cases(self._create_customers(1, prefix='Second'), plan=self.plan_2)
        self.assertEqual(case_2.stage_id, self.case.stage_id, "both plans' new cases in the shared 'To Notify'")
        # each closure team's pipeline: the closure stages only, crm's generic ones left out
        for team in (self.plan.team_id, self.plan_2.team_id):
            shown = self.env['crm.lead'].with_context(default_team_id=team.id)._read_group_stage_ids(
                self.env['crm.stage'], [])
            self.assertEqual(shown, stages)
        shown = self.env['crm.lead'].with_context(closure_pipeline=True)._read_group_stage_ids(
            self.env['crm.stage'], [])
        self.assertEqual(shown, stages)
        # a sales team's pipeline never shows them
        regular = self.env['crm.lead'].with_context(default_team_id=self.sales_team.id)._read_group_stage_ids(
            self.env['crm.stage'], [])
        self.assertFalse(regular & stages)
        self.assertIn(self.generic_stage, regular)
        # the kanban of the plan's cases: one column per closure step, counting the plan's cases only
        groups = self.env['crm.lead'].with_context(closure_pipeline=True).web_read_group(
            [('closure_plan_id', '=', self.plan_2.id)], ['stage_id', 'closure_refund_due:sum'], ['stage_id'])
        self.assertEqual([group['stage_id'][0] for group in groups['groups']], stages.ids)
        self.assertEqual(sum(group['stage_id_count'] for group in groups['groups']), 1)

    def test_closure_stages_are_translated(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'])
        stage = self.plan.team_id._closure_stage('to_notify')
        self.assertEqual(stage.with_context(lang='zh_CN').name, '待通知')

    def test_a_new_closure_stage_joins_the_pipeline(self):
        stage = self.env['crm.stage'].with_context(default_is_closure_stage=True).create(
            {'name': 'Waiting for the Court', 'sequence': 5})
        self.assertTrue(stage.is_closure_stage)
        self.assertEqual(stage.team_id, self.env.ref('closure_crm.stage_template_team'))
        self.assertIn(stage, self.env['crm.stage']._closure_stages())
        with self.assertRaisesRegex(UserError, 'cannot be a won stage'):
            stage.is_won = True

    def test_migration_merges_per_plan_copies(self):
        """Databases made before 18.0.1.2.0 have a copy of the stages per plan:
        the migration moves the cases onto the shared stages and deletes the copies."""
        shared = self.plan.team_id._closure_stage('notified')
        copy = self.env['crm.stage'].create({'name': 'Notified', 'closure_stage_code': 'notified'})
        # as the old versions made them: in the plan's own team
        self.env.cr.execute("UPDATE crm_stage SET team_id = %s WHERE id = %s", [self.plan.team_id.id, copy.id])
        self.env.cr.execute("UPDATE crm_lead SET stage_id = %s, closure_stage_code = 'notified' WHERE id = %s",
                            [copy.id, self.case.id])
        self.env.cr.execute("UPDATE res_partner SET closure_stage_id = %s WHERE id = %s",
                            [copy.id, self.customer.id])
        self.env.invalidate_all()
        self.assertEqual(self.case.stage_id, copy)
        removed = self.env['crm.stage']._closure_merge_plan_stages()
        self.assertEqual(removed, 1)
        self.assertFalse(copy.exists())
        self.assertEqual(self.case.stage_id, shared)
        self.assertEqual(self.case.closure_stage_code, 'notified')
        self.assertEqual(self.customer.closure_stage_id, shared)
        self.assertEqual(self.env['crm.stage']._closure_merge_plan_stages(), 0, "nothing left to merge")
