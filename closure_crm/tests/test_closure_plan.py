from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestClosurePlan(ClosureCommon):

    def test_timeline_defaults_follow_the_law(self):
        """Dates default from the decision with China's statutory periods."""
        plan = self.env['closure.plan'].create({'name': 'Timeline', 'decision_date': date(2026, 6, 1)})
        self.assertEqual(plan.liquidation_formed_date, date(2026, 6, 16), "formed = decision + 15 days")
        self.assertEqual(plan.creditor_notice_deadline, date(2026, 6, 26), "notice = formed + 10 days")
        self.assertEqual(plan.announcement_date, date(2026, 8, 15), "announcement = formed + 60 days")
        self.assertEqual(plan.claims_deadline, date(2026, 9, 29), "claims = announcement + 45 days")
        self.assertEqual(plan.service_end_date, date(2026, 7, 26), "service end = notice + 30 days")
        self.assertEqual(plan.data_export_deadline, date(2026, 8, 25))
        # export + 30 days would be 09-24, before the claims are settled (claims deadline + 30 days):
        # the erasure waits for the settlement
        self.assertEqual(plan.claims_settlement_date, date(2026, 10, 29))
        self.assertEqual(plan.data_erasure_date, date(2026, 10, 29))

    def test_timeline_follows_edited_periods_in_form(self):
        """A company elsewhere changes a period and the dates follow, as in the form."""
        with Form(self.env['closure.plan']) as form:
            form.name = 'Elsewhere'
            form.decision_date = date(2026, 1, 10)
            form.formation_days = 30
            self.assertEqual(form.liquidation_formed_date, date(2026, 2, 9))
            self.assertEqual(form.creditor_notice_deadline, date(2026, 2, 19))
            form.service_end_date = date(2026, 6, 30)  # each date stays editable
        self.assertEqual(form.record.service_end_date, date(2026, 6, 30))

    def test_simplified_procedure_has_twenty_day_announcement(self):
        plan = self.env['closure.plan'].create({
            'name': 'Simple', 'plan_type': 'simplified', 'decision_date': date(2026, 6, 1),
            'announcement_days': 0})
        self.assertEqual(plan.announcement_date, date(2026, 6, 1))
        self.assertEqual(plan.claims_deadline, date(2026, 6, 21), "at least 20 days of announcement")

    def test_service_end_before_notice_is_refused(self):
        with self.assertRaisesRegex(ValidationError, 'Service End'):
            self.plan.service_end_date = date(2026, 6, 20)

    def test_prepaid_customers_get_thirty_days(self):
        """Service end must leave the prepaid notice period after the notice."""
        with self.assertRaisesRegex(ValidationError, 'at least 30 days'):
            self.plan.service_end_date = date(2026, 7, 10)

    def test_erasure_before_export_is_refused(self):
        with self.assertRaisesRegex(ValidationError, 'Data Erasure Date'):
            self.plan.data_erasure_date = date(2026, 8, 1)

    def test_negative_period_is_refused(self):
        with self.assertRaisesRegex(ValidationError, 'Refund Within'):
            self.plan.refund_days = -1

    def test_plan_creates_team_with_closure_stages(self):
        team = self.plan.team_id
        self.assertTrue(team.is_closure_team)
        # the closure pipeline's stages, shared by every plan (tests/test_case_workspace.py)
        stages = self.env['crm.stage']._closure_stages()
        self.assertEqual(
            stages.mapped('closure_stage_code'),
            ['to_notify', 'notified', 'answered', 'transfer_agreed', 'transferred', 'settled', 'closed'])
        # the regular pipeline does not show closure stages
        regular = self.env['crm.lead'].with_context(default_team_id=self.sales_team.id)._read_group_stage_ids(
            self.env['crm.stage'], [])
        self.assertFalse(regular.filtered('closure_stage_code'))
        # the closure pipeline shows only them
        closure = self.env['crm.lead'].with_context(default_team_id=team.id)._read_group_stage_ids(
            self.env['crm.stage'], [])
        self.assertEqual(closure, stages)

    def test_closure_manager_creates_a_plan_with_its_team(self):
        """A closure manager is no sales admin, yet creating a plan creates its pipeline."""
        self.assertFalse(self.manager.has_group('sales_team.group_sale_manager'))
        plan = self.env['closure.plan'].with_user(self.manager).create(
            {'name': 'Managed', 'decision_date': date(2026, 6, 1)})
        self.assertTrue(plan.team_id.is_closure_team)
        self.assertEqual(plan.team_id.name, 'Managed')

    def test_states(self):
        self.plan.action_start()
        self.assertEqual(self.plan.state, 'in_progress')
        self.plan.action_close()
        self.assertEqual(self.plan.state, 'closed')

    def test_loading_a_language_translates_plan_stages(self):
        """The closure stages get the Chinese names; one renamed in Chinese keeps its name."""
        self.env['res.lang']._activate_lang('zh_CN')
        stages = self.env['crm.stage']._closure_stages()
        renamed = stages.filtered(lambda s: s.closure_stage_code == 'closed')
        renamed.with_context(lang='zh_CN').name = '归档客户'
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'])
        notified = stages.filtered(lambda s: s.closure_stage_code == 'notified')
        self.assertEqual(notified.with_context(lang='zh_CN').name, '已通知')
        self.assertEqual(renamed.with_context(lang='zh_CN').name, '归档客户')
