from odoo import fields, models


class ClosureRefundPayment(models.TransientModel):
    """Record that a customer's refund was paid: amount, date, reference,
    and with Invoicing its credit note or payment. The checks (a closure
    manager, the regime's due date) are the obligation's own."""
    _name = 'closure.refund.payment'
    _description = 'Record a Refund Payment'

    obligation_id = fields.Many2one('closure.obligation', required=True, ondelete='cascade')
    currency_id = fields.Many2one(related='obligation_id.currency_id')
    refund_due_date = fields.Date(related='obligation_id.refund_due_date')
    refund_regime = fields.Selection(related='obligation_id.refund_regime')
    amount = fields.Monetary('Amount Paid', currency_field='currency_id', required=True)
    # a payment is recorded on the day it is made: the obligation refuses any other day
    date = fields.Date('Paid On', required=True, default=fields.Date.context_today, readonly=True)
    reference = fields.Char('Payment Reference')
    document = fields.Reference(
        selection=lambda self: self.env['closure.obligation']._selection_refund_document(),
        string='Credit Note / Payment')

    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        obligation = self.env['closure.obligation'].browse(values.get('obligation_id'))
        if obligation and 'amount' in fields_list:
            values['amount'] = obligation.claim_payable_amount if obligation.refund_regime == 'claim' \
                else obligation.refundable_amount
        return values

    def action_confirm(self):
        self.ensure_one()
        self.obligation_id._closure_record_refund_payment(
            self.amount, self.date, reference=self.reference, document=self.document)
        return {'type': 'ir.actions.act_window_close'}
