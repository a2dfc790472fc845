from odoo import _, fields, models

from ..models.closure_transfer import LIVE_STATES


class ClosureTransferSuggest(models.TransientModel):
    """Up to three receivers for one case, ranked by match score with the
    parts of the score shown, to pick one from."""
    _name = 'closure.transfer.suggest'
    _description = 'Suggested Receivers for a Case'

    lead_id = fields.Many2one('crm.lead', 'Case', required=True, ondelete='cascade')
    partner_id = fields.Many2one(related='lead_id.partner_id', string='Customer')
    line_ids = fields.One2many('closure.transfer.suggest.line', 'wizard_id', string='Suggestions')
    live_transfer_id = fields.Many2one('closure.transfer', 'Transfer Under Way', readonly=True)
    note = fields.Char(readonly=True)

    def _action_open(self):
        self.ensure_one()
        self._fill()
        return {
            'type': 'ir.actions.act_window',
            'name': _('Suggested Receivers'),
            'res_model': self._name,
            'res_id': self.id,
            'view_mode': 'form',
            'target': 'new',
        }

    def _fill(self):
        self.ensure_one()
        suggestions = self.env['closure.transfer.matcher']._suggest(self.lead_id)
        live = self.env['closure.transfer'].search(
            [('lead_id', '=', self.lead_id.id), ('state', 'in', LIVE_STATES)], limit=1)
        note = False
        if live:
            note = _("This case already has a transfer under way (%(receiver)s, %(state)s): cancel it to pick "
                     "another receiver.", receiver=live.receiver_id.display_name, state=live._state_label())
        elif not suggestions:
            note = _("No receiver with room left takes this customer in this plan. Add receivers or "
                     "capacity to the plan, or record the customer's own choice.")
        self.write({
            'live_transfer_id': live.id,
            'note': note,
            'line_ids': [fields.Command.clear()] + [fields.Command.create({
                key: value for key, value in suggestion.items() if key != 'lead_id'
            }) for suggestion in suggestions],
        })
