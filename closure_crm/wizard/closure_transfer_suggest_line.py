from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.closure_transfer import LIVE_STATES


class ClosureTransferSuggestLine(models.TransientModel):
    _name = 'closure.transfer.suggest.line'
    _description = 'Suggested Receiver'
    _order = 'rank'

    wizard_id = fields.Many2one('closure.transfer.suggest', required=True, ondelete='cascade')
    rank = fields.Integer()
    receiver_id = fields.Many2one('res.partner', required=True)
    capacity_id = fields.Many2one('closure.receiver.capacity', 'Capacity Line')
    remaining_count = fields.Integer(related='capacity_id.remaining_count', string='Room Left')
    score = fields.Float('Match Score', digits=(5, 1))
    score_industry = fields.Float('Industry', digits=(5, 1))
    score_region = fields.Float('Region', digits=(5, 1))
    score_services = fields.Float('Services', digits=(5, 1))
    score_segment = fields.Float('Segment and Size', digits=(5, 1))
    score_capacity = fields.Float('Remaining Capacity', digits=(5, 1))
    score_acceptance = fields.Float('Past Acceptance', digits=(5, 1))
    currency_id = fields.Many2one('res.currency')
    fee_expected = fields.Monetary('Expected Fee', currency_field='currency_id')

    def action_pick(self):
        """Propose the case to this receiver."""
        self.ensure_one()
        wizard = self.wizard_id
        if wizard.live_transfer_id and wizard.live_transfer_id.state in LIVE_STATES:
            raise UserError(_("Cancel the transfer under way before picking another receiver."))
        # scored again on the server: the line's numbers are the client's copy
        values = self.env['closure.transfer.matcher']._transfer_values(wizard.lead_id, self.receiver_id)
        values.update(origin='suggestion', rank=self.rank)
        transfer = self.env['closure.transfer']._workflow().create(values)
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.transfer',
            'res_id': transfer.id,
            'view_mode': 'form',
            'target': 'current',
        }
