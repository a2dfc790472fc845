from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.trust import trusted
from .closure_evidence_mixin import PORTAL_KEY
from .closure_transfer import LIVE_STATES, OPEN_STATES
from .crm_lead import CASE_WORKFLOW_KEY

CONSENT_DECISIONS = [
    ('accept', 'Accept the proposed receiver'),
    ('pick_another', 'Pick another receiver'),
    ('decline', 'Decline any transfer'),
]
# the answer page passes the version (sha256) of the text the customer read
PAGE_VERSION_KEY = 'closure_consent_page_version'


class ClosureConsent(models.Model):
    """The customer's answer to a transfer, as evidence: what they decided,
    for which receiver, which data they agree to hand over, how and when they
    said so. Recorded by a rep (phone, paper, email) or by the customer on the
    portal. Nothing is handed over without one (PIPL Art. 22, GDPR Art. 6).
    Kept as evidence (closure.evidence.mixin): channel, date, file, note and
    recorder, written once."""
    _name = 'closure.consent'
    _inherit = ['closure.case.mixin', 'closure.evidence.mixin']
    _description = "Customer's Transfer Consent"
    _order = 'date desc, id desc'
    _rec_name = 'lead_id'
    _check_company_auto = True

    # the case and its customer, plan and company: closure.case.mixin
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

    @api.onchange('transfer_id', 'decision')
    def _onchange_transfer_id(self):
        if self.decision == 'accept' and self.transfer_id:
            self.receiver_id = self.transfer_id.receiver_id
        elif self.decision == 'decline':
            self.receiver_id = False

    @api.constrains('decision', 'receiver_id', 'data_category_ids', 'transfer_id', 'lead_id')
    def _check_consent(self):
        if self._closure_erasure_allowed():
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
            if consent.transfer_id and consent.transfer_id.lead_id != consent.lead_id:
                raise ValidationError(_("The transfer answered belongs to another case."))
            if consent.decision == 'accept' and consent.transfer_id \
                    and consent.receiver_id != consent.transfer_id.receiver_id:
                raise ValidationError(_(
                    "Consent of %(customer)s: they accept the proposed receiver %(receiver)s; "
                    "to record another receiver choose 'Pick another receiver'.",
                    customer=consent.partner_id.display_name, receiver=consent.transfer_id.receiver_id.display_name))

    # ------------------------------------------------------------------
    # CRUD: a consent is evidence, written once (closure.evidence.mixin)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        consents = super().create(vals_list)
        for consent in consents:
            consent._evidence_write_once(consent._snapshot_values())
            consent._apply()
        return consents

    def _evidence_messages(self):
        return {
            'file_missing': _(
                "Consent of %(customer)s given by %(channel)s: attach the evidence (the signed form or the email)."),
            'call_note_missing': _(
                "Consent of %(customer)s given by phone: write a short note of the call (who said what) "
                "or attach one."),
            'future_date': _("Consent of %(customer)s: the answer cannot be dated in the future (%(date)s)."),
            'frozen': _(
                "A recorded consent is evidence and cannot be changed (field '%(field)s'): record the customer's "
                "new answer instead."),
            'undeletable': _(
                "A recorded consent is evidence and cannot be deleted: record the customer's new answer instead."),
        }

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

    def _decision_label(self):
        return dict(self._fields['decision']._description_selection(self.env))[self.decision]

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
            lead.with_context(**trusted(CASE_WORKFLOW_KEY)).write({'closure_transfer_declined': True})
            return
        lead.with_context(**trusted(CASE_WORKFLOW_KEY)).write({'closure_transfer_declined': False})
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
