from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .closure_transfer import LIVE_STATES, OPEN_STATES

CONSENT_DECISIONS = [
    ('accept', 'Accept the proposed receiver'),
    ('pick_another', 'Pick another receiver'),
    ('decline', 'Decline any transfer'),
]
CONSENT_CHANNELS = [
    ('phone', 'Phone'),
    ('paper', 'Paper form'),
    ('email', 'Email'),
    ('portal', 'Customer portal'),
]
# a consent is evidence: once recorded, these never change
PROTECTED_FIELDS = {'lead_id', 'partner_id', 'plan_id', 'company_id', 'transfer_id', 'decision',
                    'receiver_id', 'data_category_ids',
                    'channel', 'date', 'evidence', 'evidence_filename', 'user_id'}


class ClosureConsent(models.Model):
    """The customer's answer to a transfer, as evidence: what they decided,
    for which receiver, which data they agree to hand over, how and when they
    said so. Recorded by a rep (phone, paper, email) or by the customer on the
    portal. Nothing is handed over without one (PIPL Art. 22, GDPR Art. 6)."""
    _name = 'closure.consent'
    _description = "Customer's Transfer Consent"
    _order = 'date desc, id desc'
    _rec_name = 'lead_id'

    lead_id = fields.Many2one(
        'crm.lead', 'Case', required=True, index=True, ondelete='cascade',
        domain="[('closure_plan_id', '!=', False)]")
    # copied from the case when the answer is recorded, then frozen like the
    # rest of the evidence; depending on lead_id only also keeps crm's own
    # flows (assignment, merge) from looking up consents on every lead write
    partner_id = fields.Many2one(
        'res.partner', 'Customer', compute='_compute_case_fields', store=True, precompute=True, index=True)
    plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', compute='_compute_case_fields', store=True, precompute=True, index=True)
    company_id = fields.Many2one(
        'res.company', 'Company', compute='_compute_case_fields', store=True, precompute=True)
    transfer_id = fields.Many2one(
        'closure.transfer', 'Transfer Answered', index='btree_not_null', ondelete='set null',
        domain="[('lead_id', '=', lead_id)]")
    decision = fields.Selection(CONSENT_DECISIONS, 'Decision', required=True, default='accept')
    receiver_id = fields.Many2one(
        'res.partner', 'Receiver', domain="[('closure_is_receiver', '=', True)]",
        help="The receiver the customer accepts: the proposed one, or the one they picked instead.")
    data_category_ids = fields.Many2many(
        'closure.data.category', 'closure_consent_data_category_rel', 'consent_id', 'category_id',
        string='Data They Agree to Share',
        help="Only these categories go into the data package handed over to the receiver.")
    channel = fields.Selection(CONSENT_CHANNELS, 'Channel', required=True, default='phone')
    date = fields.Datetime('Answered On', required=True, default=fields.Datetime.now)
    evidence = fields.Binary('Evidence', attachment=True, help="The signed form, the email, a call note.")
    evidence_filename = fields.Char('Evidence File Name')
    note = fields.Text('Note', help="For a phone answer: who said what.")
    user_id = fields.Many2one('res.users', 'Recorded By', required=True, default=lambda self: self.env.user, readonly=True)

    @api.depends('lead_id')
    def _compute_case_fields(self):
        for consent in self:
            consent.partner_id = consent.lead_id.partner_id
            consent.plan_id = consent.lead_id.closure_plan_id
            consent.company_id = consent.lead_id.company_id

    @api.onchange('transfer_id', 'decision')
    def _onchange_transfer_id(self):
        if self.decision == 'accept' and self.transfer_id:
            self.receiver_id = self.transfer_id.receiver_id
        elif self.decision == 'decline':
            self.receiver_id = False

    @api.constrains('decision', 'receiver_id', 'data_category_ids', 'channel', 'evidence', 'note', 'transfer_id', 'lead_id')
    def _check_consent(self):
        for consent in self:
            if consent.decision in ('accept', 'pick_another'):
                if not consent.receiver_id:
                    raise ValidationError(_("Consent of %(customer)s: say which receiver they accept.",
                                            customer=consent.partner_id.display_name))
                if not consent.data_category_ids:
                    raise ValidationError(_(
                        "Consent of %(customer)s: record which data they agree to hand over to %(receiver)s.",
                        customer=consent.partner_id.display_name, receiver=consent.receiver_id.display_name))
            if consent.channel in ('paper', 'email') and not consent.evidence:
                raise ValidationError(_(
                    "Consent of %(customer)s given by %(channel)s: attach the evidence (the signed form or the email).",
                    customer=consent.partner_id.display_name, channel=consent._channel_label()))
            if consent.channel == 'phone' and not consent.note and not consent.evidence:
                raise ValidationError(_(
                    "Consent of %(customer)s given by phone: write a short note of the call (who said what) "
                    "or attach one.", customer=consent.partner_id.display_name))
            if consent.transfer_id and consent.transfer_id.lead_id != consent.lead_id:
                raise ValidationError(_("The transfer answered belongs to another case."))
            if consent.decision == 'accept' and consent.transfer_id \
                    and consent.receiver_id != consent.transfer_id.receiver_id:
                raise ValidationError(_(
                    "Consent of %(customer)s: they accept the proposed receiver %(receiver)s; "
                    "to record another receiver choose 'Pick another receiver'.",
                    customer=consent.partner_id.display_name, receiver=consent.transfer_id.receiver_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        consents = super().create(vals_list)
        for consent in consents:
            consent._apply()
        return consents

    def write(self, vals):
        if PROTECTED_FIELDS & vals.keys():
            raise UserError(_("A recorded consent is evidence and cannot be changed: record the customer's new answer instead."))
        return super().write(vals)

    def _decision_label(self):
        return dict(self._fields['decision']._description_selection(self.env))[self.decision]

    def _channel_label(self):
        return dict(self._fields['channel']._description_selection(self.env))[self.channel]

    def _apply(self):
        """Act on the answer: the live transfer of the case is accepted or
        declined; picking another receiver declines the proposed one and
        proposes the chosen one, already accepted by the customer."""
        self.ensure_one()
        lead = self.lead_id
        Transfer = self.env['closure.transfer']
        live = Transfer.search([('lead_id', '=', lead.id), ('state', 'in', LIVE_STATES)], limit=1)
        if live and live.state not in OPEN_STATES:
            raise UserError(_(
                "The data of %(customer)s is already handed over to %(receiver)s: record the answer as a note "
                "and ask the receiver to act on it (PIPL Art. 47).",
                customer=lead.partner_id.display_name, receiver=live.receiver_id.display_name))
        if self.transfer_id and self.transfer_id != live:
            raise UserError(_(
                "%(transfer)s is no longer under way (status: %(state)s): record the answer on the case instead.",
                transfer=self.transfer_id.display_name, state=self.transfer_id._state_label()))
        if self.decision == 'decline':
            if live:
                live._record_customer_answer(self)
            lead.write({'closure_transfer_declined': True})
            return
        lead.write({'closure_transfer_declined': False})
        if live and live.receiver_id == self.receiver_id:
            live._record_customer_answer(self)
            return
        if self.decision == 'accept' and not live:
            raise UserError(_(
                "%(customer)s has no transfer under way to accept: choose 'Pick another receiver' "
                "to record the receiver they chose.", customer=lead.partner_id.display_name))
        if live:
            live._record_customer_answer(self, decision='decline')
        values = self.env['closure.transfer.matcher']._transfer_values(lead, self.receiver_id)
        transfer = Transfer.create(dict(values, origin='customer'))
        transfer._record_customer_answer(self)
