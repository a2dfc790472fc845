from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.trust import is_trusted
from .closure_consent import CONSENT_CHANNELS, ERASURE_KEY, PORTAL_KEY

PRIVILEGE_DECISIONS = [
    ('opt_in', 'Opts In'),
    ('opt_out', 'Opts Out'),
]


class ClosurePrivilegeAnswer(models.Model):
    """The customer's own opt-in (or opt-out) of a privilege, kept as
    evidence like a transfer consent: how and when they said so, recorded by
    whom, with the call note or the signed form. Written once, never deleted;
    the channel 'customer portal' is the answer page's only."""
    _name = 'closure.privilege.answer'
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
    channel = fields.Selection(CONSENT_CHANNELS, required=True, default='phone')
    date = fields.Datetime('Answered On', required=True, default=fields.Datetime.now)
    evidence = fields.Binary(attachment=True, help="The signed form, the email, a call note.")
    evidence_filename = fields.Char('Evidence File Name')
    note = fields.Text(help="For a phone answer: who said what.")
    user_id = fields.Many2one(
        'res.users', 'Recorded By', required=True, default=lambda self: self.env.user, readonly=True,
        ondelete='restrict', help="The user who recorded the answer, always the one logged in.")

    @api.constrains('channel', 'evidence', 'note', 'date')
    def _check_answer(self):
        now = fields.Datetime.now()
        for answer in self:
            customer = answer.partner_id.display_name
            if answer.channel in ('paper', 'email') and not answer.evidence:
                raise ValidationError(_(
                    "Opt-in of %(customer)s given by %(channel)s: attach the evidence (the signed form or the email).",
                    customer=customer, channel=dict(CONSENT_CHANNELS)[answer.channel]))
            if answer.channel == 'phone' and not answer.note and not answer.evidence:
                raise ValidationError(_(
                    "Opt-in of %(customer)s given by phone: write a short note of the call (who said what) "
                    "or attach one.", customer=customer))
            if answer.date > now:
                raise ValidationError(_(
                    "Opt-in of %(customer)s: the answer cannot be dated in the future (%(date)s).",
                    customer=customer, date=answer.date))

    @api.model_create_multi
    def create(self, vals_list):
        portal = is_trusted(self.env, PORTAL_KEY)
        for vals in vals_list:
            vals['user_id'] = self.env.uid
            if portal:
                vals.update(channel='portal', date=fields.Datetime.now())
            elif vals.get('channel') == 'portal':
                raise UserError(_(
                    "Channel 'Customer portal' is recorded by the customer's answer page only: choose how the "
                    "customer answered you (phone, paper form, email)."))
        privileges = self.env['closure.privilege'].browse([vals['privilege_id'] for vals in vals_list])
        # the rep records answers on the cases they may work
        privileges.lead_id.check_access('write')
        answers = super().create(vals_list)
        for answer in answers:
            answer.lead_id.message_post(body=_(
                "%(privilege)s: the customer %(decision)s (%(channel)s).",
                privilege=answer.privilege_id._kind_label(),
                decision=dict(self._fields['decision']._description_selection(self.env))[answer.decision].lower(),
                channel=dict(self._fields['channel']._description_selection(self.env))[answer.channel]))
        return answers

    def write(self, vals):
        if vals and not is_trusted(self.env, ERASURE_KEY):
            raise UserError(_(
                "A recorded opt-in is evidence and cannot be changed: record the customer's new answer instead."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_(
            "A recorded opt-in is evidence and cannot be deleted: record the customer's new answer instead."))
