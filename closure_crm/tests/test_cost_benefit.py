from odoo.tests import tagged

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestCostBenefit(TransferCommon):
    """The plan's cost and benefit: what the closure costs (refunds, contact
    effort) beside the value it keeps (customers and revenue kept with
    receivers, referral fees; the complaints avoided: closure_crm_care)."""

    def test_figures_on_constructed_cases(self):
        receiver = self._create_receiver('Harbour IT', industries=self.retail, closure_fee_type='fixed',
                                         closure_fee_amount=80.0, closure_fee_currency_id=self.company.currency_id.id)
        kept, proposed, angry, refund = self._create_need_cases(4, prefix='Benefit Customer', industry=self.retail)
        for case, revenue in ((kept, 1000), (proposed, 500), (angry, 250), (refund, 250)):
            case.closure_revenue = revenue
        Transfer = self.env['closure.transfer']
        Transfer.create({'lead_id': kept.id, 'receiver_id': receiver.id}).write({'state': 'completed'})
        Transfer.create({'lead_id': proposed.id, 'receiver_id': receiver.id})
        (angry | refund).write({'closure_notified_date': '2026-07-01'})
        angry.closure_reply_mood = 'angry'
        refund.closure_reply_mood = 'angry'
        self.env['closure.obligation'].create([
            {'lead_id': refund.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 300},
            {'lead_id': kept.id, 'obligation_type': 'deposit', 'name': 'Deposit', 'amount': 50},
            {'lead_id': kept.id, 'obligation_type': 'prepaid', 'name': 'Old card', 'amount': 70, 'state': 'settled'},
        ])
        refund.closure_refund_requested_date = '2026-07-05'
        # two calls done, one still planned: effort is what was done
        activities = self.env['mail.activity'].create([{
            'res_model_id': self.env['ir.model']._get_id('crm.lead'), 'res_id': case.id,
            'activity_type_id': self.env.ref('mail.mail_activity_data_call').id, 'user_id': self.rep_1.id,
        } for case in (angry, refund, proposed)])
        activities[:2].action_feedback(feedback='Called.')

        plan = self.plan
        self.assertRecordValues(plan, [{
            'cb_refund_owed': 350.0,
            'cb_refund_requested': 300.0,
            'cb_contact_count': 2,
            'cb_transferred_count': 1,
            'cb_transferred_rate': 0.25,
            'cb_transferred_revenue': 1000.0,
            'cb_revenue_kept_rate': 0.5,
            'cb_referral_fees': 80.0,
        }])
        # a receiver that declines after all: the customer is no longer kept
        Transfer.search([('lead_id', '=', kept.id)]).write({'state': 'receiver_declined'})
        plan.invalidate_recordset()
        self.assertEqual((plan.cb_transferred_count, plan.cb_referral_fees), (0, 0.0))
