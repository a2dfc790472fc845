from odoo import _, api, fields, models

PRIVILEGE_DECISIONS = [
    ('opt_in', 'Opts In'),
    ('opt_out', 'Opts Out'),
]


class ClosurePrivilegeAnswer(models.Model):
    """The customer's own opt-in (or opt-out) of a privilege, kept as
    evidence like a transfer consent (closure.evidence.mixin): how and when
    they said so, recorded by whom, with the call note or the signed form.
    Written once, never deleted; the channel 'customer portal' is the answer
    page's only."""
    _name = 'closure.privilege.answer'
    _inherit = ['closure.evidence.mixin']
    _description = "Customer's Privilege Opt-in"
    _order = 'date desc, id desc'
    _rec_name = 'privilege_id'
    _check_company_auto = True

    privilege_id = fields.Many2one(
        'closure.privilege', required=True, index=True, ondelete='cascade', check_company=True)
    lead_id = fields.Many2one(related='privilege_id.lead_id', store=True, index=True)
    partner_id = fields.Many2one(related='privilege_id.partner_id', store=True)
    company_id = fields.Many2one(related='privilege_id.company_id', store=True, index=True)
    kind = fields.Selection(related='privilege_id.kind', string='Privilege Kind')
    decision = fields.Selection(PRIVILEGE_DECISIONS, required=True, default='opt_in')

    @api.model_create_multi
    def create(self, vals_list):
        privileges = self.env['closure.privilege'].browse([vals['privilege_id'] for vals in vals_list])
        # the rep records answers on the cases they may work
        privileges.lead_id.check_access('write')
        answers = super().create(vals_list)
        for answer in answers:
            answer.lead_id.message_post(body=_(
                "%(privilege)s: the customer %(decision)s (%(channel)s).",
                privilege=answer.privilege_id._kind_label(),
                decision=dict(self._fields['decision']._description_selection(self.env))[answer.decision].lower(),
                channel=answer._channel_label()))
        return answers

    def _evidence_messages(self):
        return {
            'file_missing': _(
                "Opt-in of %(customer)s given by %(channel)s: attach the evidence (the signed form or the email)."),
            'call_note_missing': _(
                "Opt-in of %(customer)s given by phone: write a short note of the call (who said what) "
                "or attach one."),
            'future_date': _("Opt-in of %(customer)s: the answer cannot be dated in the future (%(date)s)."),
            'frozen': _(
                "A recorded opt-in is evidence and cannot be changed: record the customer's new answer instead."),
            'undeletable': _(
                "A recorded opt-in is evidence and cannot be deleted: record the customer's new answer instead."),
        }
