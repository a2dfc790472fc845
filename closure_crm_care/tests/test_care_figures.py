from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.closure_crm.tests.transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestComplaintFigures(TransferCommon):
    """The plan's complaint rate (the complaints avoided, beside closure_crm's
    cost and benefit) and the dashboard's complaints chart."""

    def test_complaint_rate_beside_the_cost_and_benefit(self):
        receiver = self._create_receiver('Harbour IT', industries=self.retail, closure_fee_type='fixed',
                                         closure_fee_amount=80.0, closure_fee_currency_id=self.company.currency_id.id)
        kept, angry, refund = self._create_need_cases(3, prefix='Benefit Customer', industry=self.retail)
        self.env['closure.transfer'].create({'lead_id': kept.id, 'receiver_id': receiver.id}).write(
            {'state': 'completed'})
        (angry | refund).write({'closure_notified_date': '2026-07-01'})
        angry.closure_reply_mood = 'angry'
        # the complaint rate counts complaints, not angry words
        self.env['closure.complaint'].create({'lead_id': angry.id})
        refund.closure_reply_mood = 'angry'
        self.assertRecordValues(self.plan, [{
            'cb_transferred_count': 1,
            'cb_referral_fees': 80.0,
            'cb_complaint_count': 1,
            'cb_complaint_rate': 0.5,
        }])

    def test_dashboard_complaints_open_on_the_plan(self):
        cases = self._create_need_cases(2, prefix='Dashboard Customer', industry=self.retail)
        self.env['closure.complaint'].create({'lead_id': cases[0].id})
        plan = self.plan.with_user(self.manager)
        action = plan.action_dashboard_complaints()
        self.assertEqual(action['res_model'], 'closure.complaint')
        self.assertIn(plan.id, action['domain'][0], "the chart shows this plan's rows")
        self.assertIn(action['views'][0][1], ('graph', 'pivot'))
        self.assertEqual(self.env['closure.complaint'].with_user(self.manager).search(action['domain']).lead_id,
                         cases[0])
        rep = new_test_user(self.env, login='care_dashboard_rep', name='Care Dashboard Rep',
                            groups='closure_crm.group_closure_user')
        with self.assertRaises(AccessError):
            self.plan.with_user(rep).action_dashboard_complaints()
