from odoo import fields, models


class ClosureTransferCancel(models.TransientModel):
    """Cancel transfers the customer and the receiver both accepted: a
    closure manager's decision, with its reason kept on each transfer."""
    _name = 'closure.transfer.cancel'
    _description = 'Cancel Agreed Customer Transfers'

    transfer_ids = fields.Many2many('closure.transfer', string='Transfers', required=True)
    reason = fields.Text('Cancellation Reason', required=True)

    def action_confirm(self):
        self.ensure_one()
        self.transfer_ids._cancel(self.reason)
        return {'type': 'ir.actions.act_window_close'}
