from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.trust import is_trusted, trusted
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
# context keys set by trusted code only (tools/trust.py):
# the customer's answer page records a consent given on the portal
PORTAL_KEY = 'closure_consent_portal'
# the data erasure job may anonymise a consent and remove its evidence file
ERASURE_KEY = 'closure_consent_erasure'
# the answer page passes the version (sha256) of the text the customer read
PAGE_VERSION_KEY = 'closure_consent_page_version'


class ClosureConsent(models.Model):
    """The customer's answer to a transfer, as evidence: what they decided,
    for which receiver, which data they agree to hand over, how and when they
    said so. Recorded by a rep (phone, paper, email) or by the customer on the
    portal. Nothing is handed over without one (PIPL Art. 22, GDPR Art. 6)."""
    _name = 'closure.consent'
    _description = "Customer's Transfer Consent"
    _order = 'date desc, id desc'
    _rec_name = 'lead_id'
    _check_company_auto = True

    lead_id = fields.Many2one(
        'crm.lead', 'Case', required=True, index=True, ondelete='cascade', check_company=True,
        domain="[('closure_plan_id', '!=', False)]")
    # copied from the case when the answer is recorded, then frozen like the
    # rest of the evidence; depending on lead_id only also keeps crm's own
    # flows (assignment, merge) from looking up consents on every lead write
    partner_id = fields.Many2one(
        'res.partner', 'Customer', compute='_compute_case_fields', store=True, precompute=True, index=True)
    plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', compute='_compute_case_fields', store=True, precompute=True, index=True)
    company_id = fields.Many2one(
        'res.company', compute='_compute_case_fields', store=True, precompute=True, index=True)
    transfer_id = fields.Many2one(
        'closure.transfer', 'Transfer Answered', index='btree_not_null', ondelete='set null',
        check_company=True, domain="[('lead_id', '=', lead_id)]")
    decision = fields.Selection(CONSENT_DECISIONS, required=True, default='accept')
    receiver_id = fields.Many2one(
        'res.partner', domain="[('closure_is_receiver', '=', True)]", ondelete='restrict',
        help="The receiver the customer accepts: the proposed one, or the one they picked instead.")
    data_category_ids = fields.Many2many(
        'closure.data.category', 'closure_consent_data_category_rel', 'consent_id', 'category_id',
        string='Data They Agree to Share',
        help="Only these categories go into the data package handed over to the receiver.")
    channel = fields.Selection(CONSENT_CHANNELS, required=True, default='phone')
    date = fields.Datetime('Answered On', required=True, default=fields.Datetime.now)
    evidence = fields.Binary(attachment=True, help="The signed form, the email, a call note.")
    evidence_filename = fields.Char('Evidence File Name')
    note = fields.Text(help="For a phone answer: who said what.")
    user_id = fields.Many2one(
        'res.users', 'Recorded By', required=True, default=lambda self: self.env.user, readonly=True,
        ondelete='restrict', help="The user who recorded the answer, always the one logged in.")
    # what the customer saw and agreed to, frozen when the answer is recorded
    # (PIPL Art. 22: the recipient's name and contact)
    receiver_name = fields.Char('Receiver Shown', readonly=True)
    receiver_contact_name = fields.Char('Receiver Contact Shown', readonly=True)
    receiver_contact_email = fields.Char('Receiver Email Shown', readonly=True)
    receiver_contact_phone = fields.Char('Receiver Phone Shown', readonly=True)
    category_labels = fields.Text(
        'Data Categories Shown', readonly=True, help="The data categories as the customer read them, in their language."
    )
    snapshot_lang = fields.Char('Language Shown', readonly=True)
    page_version = fields.Char(
        readonly=True,
        help="sha256 of the explanatory text of the answer page the customer answered on.")

    @api.depends('lead_id')
    def _compute_case_fields(self):
        for consent in self:
            consent.partner_id = consent.lead_id.partner_id
            consent.plan_id = consent.lead_id.closure_plan_id
            consent.company_id = consent.lead_id.company_id or consent.lead_id.closure_plan_id.company_id

    @api.onchange('transfer_id', 'decision')
    def _onchange_transfer_id(self):
        if self.decision == 'accept' and self.transfer_id:
            self.receiver_id = self.transfer_id.receiver_id
        elif self.decision == 'decline':
            self.receiver_id = False

    @api.constrains(
        'decision', 'receiver_id', 'data_category_ids', 'channel', 'evidence', 'note', 'transfer_id', 'lead_id'
    )
    def _check_consent(self):
        if self._closure_consent_erasure_allowed():
            return  # erasure anonymises what the rules below ask for
        for consent in self:
            if not consent.lead_id.closure_plan_id:
                raise ValidationError(_("%(case)s is not a closure case: a consent answers a closure case's transfer.",
                                        case=consent.lead_id.display_name))
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

    @api.constrains('date')
    def _check_date(self):
        now = fields.Datetime.now()
        for consent in self:
            if consent.date > now:
                raise ValidationError(_(
                    "Consent of %(customer)s: the answer cannot be dated in the future (%(date)s).",
                    customer=consent.partner_id.display_name, date=consent.date))

    # ------------------------------------------------------------------
    # CRUD: a consent is evidence, written once
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        portal = is_trusted(self.env, PORTAL_KEY)
        for vals in vals_list:
            # recorded by the user who is logged in, whatever the client says
            vals['user_id'] = self.env.uid
            if portal:
                vals.update(channel='portal', date=fields.Datetime.now())
            elif vals.get('channel') == 'portal':
                raise UserError(_(
                    "Channel 'Customer portal' is recorded by the customer's answer page only: choose how the "
                    "customer answered you (phone, paper form, email)."))
        consents = super().create(vals_list)
        for consent in consents:
            # super(): the snapshot is written once, here, past the guard of write()
            super(ClosureConsent, consent).write(consent._snapshot_values())
            consent._apply()
        return consents

    def write(self, vals):
        if vals and not self._closure_consent_erasure_allowed():
            field = self._fields.get(next(iter(vals)))
            raise UserError(_(
                "A recorded consent is evidence and cannot be changed (field '%(field)s'): record the customer's "
                "new answer instead.", field=field._description_string(self.env) if field else next(iter(vals))))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_(
            "A recorded consent is evidence and cannot be deleted: record the customer's new answer instead."))

    def _snapshot_values(self):
        """What the customer saw when answering: the receiver's name and
        contact, the data categories in the customer's language, and the
        version of the answer page's text (given by the page only)."""
        self.ensure_one()
        lang = self.lead_id.partner_id.lang or self.env.lang
        receiver = self.receiver_id
        contact = receiver.closure_transfer_contact_id or receiver
        page_version = self.env.context.get(PAGE_VERSION_KEY) if self.channel == 'portal' else False
        return {
            'receiver_name': receiver.name or False,
            'receiver_contact_name': contact.name or False,
            'receiver_contact_email': contact.email or False,
            'receiver_contact_phone': contact.phone or contact.mobile or False,
            'category_labels': ', '.join(self.data_category_ids.with_context(lang=lang).mapped('name')) or False,
            'snapshot_lang': lang,
            'page_version': page_version if isinstance(page_version, str) else False,
        }

    # ------------------------------------------------------------------
    # Trusted paths (see tools/trust.py)
    # ------------------------------------------------------------------
    @api.model
    def _closure_portal_context(self, page_version=False):
        """Context for the customer's answer page: it records the answer as
        given on the portal, with the version of the text shown."""
        return dict(trusted(PORTAL_KEY), **{PAGE_VERSION_KEY: page_version})

    def _closure_for_erasure(self):
        """The erasure hook: these consents, allowed to be anonymised and to
        have their evidence file rewritten or removed. For the data erasure
        job only, once the plan's erasure date has come (PIPL Art. 47, GDPR
        Art. 17); a consent itself is never deleted."""
        return self.with_context(**trusted(ERASURE_KEY))

    @api.model
    def _closure_erasure_context(self):
        """Context for the erasure job's writes on evidence files
        (ir.attachment of a consent, a transfer's data package)."""
        return trusted(ERASURE_KEY)

    @api.model
    def _closure_consent_erasure_allowed(self):
        """True inside the erasure job (``_closure_for_erasure``)."""
        return is_trusted(self.env, ERASURE_KEY)

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
        transfer = Transfer._workflow().create(dict(values, origin='customer'))
        transfer._record_customer_answer(self)
