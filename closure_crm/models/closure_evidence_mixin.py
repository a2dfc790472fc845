from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.trust import is_trusted, trusted

EVIDENCE_CHANNELS = [
    ('phone', 'Phone'),
    ('paper', 'Paper form'),
    ('email', 'Email'),
    ('portal', 'Customer portal'),
]
# context keys set by trusted code only (tools/trust.py):
# the customer's answer page records an answer given on the portal
PORTAL_KEY = 'closure_consent_portal'
# the data erasure job may anonymise an answer and remove its evidence file
ERASURE_KEY = 'closure_consent_erasure'


class ClosureEvidenceMixin(models.AbstractModel):
    """A customer's answer kept as evidence (a transfer consent;
    closure_crm_privilege: a privilege opt-in): how and when they gave it, recorded by whom, with the call note
    or the signed form. Written once, never changed nor deleted; only the
    data erasure job may anonymise it. The channel 'customer portal' is the
    answer page's only, and the page dates the answer itself.

    Inheriting models have the customer in ``partner_id`` and word the
    messages of these rules for their kind of answer (``_evidence_messages``)."""
    _name = 'closure.evidence.mixin'
    _description = "Customer's Answer Kept as Evidence"

    channel = fields.Selection(EVIDENCE_CHANNELS, required=True, default='phone')
    date = fields.Datetime('Answered On', required=True, default=fields.Datetime.now)
    evidence = fields.Binary(attachment=True, help="The signed form, the email, a call note.")
    evidence_filename = fields.Char('Evidence File Name')
    note = fields.Text(help="For a phone answer: who said what.")
    user_id = fields.Many2one(
        'res.users', 'Recorded By', required=True, default=lambda self: self.env.user, readonly=True,
        ondelete='restrict', help="The user who recorded the answer, always the one logged in.")

    @api.constrains('channel', 'evidence', 'note')
    def _check_evidence(self):
        if self._closure_erasure_allowed():
            return  # the erasure empties the note and the file these rules ask for
        messages = self._evidence_messages()
        for answer in self:
            if answer.channel in ('paper', 'email') and not answer.evidence:
                raise ValidationError(messages['file_missing'] % {
                    'customer': answer.partner_id.display_name, 'channel': answer._channel_label()})
            if answer.channel == 'phone' and not answer.note and not answer.evidence:
                raise ValidationError(messages['call_note_missing'] % {
                    'customer': answer.partner_id.display_name})

    @api.constrains('date')
    def _check_evidence_date(self):
        now = fields.Datetime.now()
        for answer in self:
            if answer.date > now:
                raise ValidationError(self._evidence_messages()['future_date'] % {
                    'customer': answer.partner_id.display_name, 'date': answer.date})

    # ------------------------------------------------------------------
    # CRUD: evidence is written once
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
        return super().create(vals_list)

    def write(self, vals):
        if vals and not self._closure_erasure_allowed():
            fname = next(iter(vals))
            field = self._fields.get(fname)
            raise UserError(self._evidence_messages()['frozen'] % {
                'field': field._description_string(self.env) if field else fname})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self._evidence_messages()['undeletable'])

    def _evidence_write_once(self, values):
        """Write ``values`` on answers being recorded, past the guard of
        write(): for the inheriting models' ``create`` only (e.g. the
        snapshot of what the customer saw)."""
        return super().write(values)

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _evidence_messages(self):
        """The messages of the evidence rules, translated, worded for this
        kind of answer (a dict, values formatted with ``%``):

        - ``file_missing``: a paper or email answer without its file
          (``%(customer)s``, ``%(channel)s``);
        - ``call_note_missing``: a phone answer with neither note nor file
          (``%(customer)s``);
        - ``future_date``: dated in the future (``%(customer)s``, ``%(date)s``);
        - ``frozen``: a write (may name ``%(field)s``, the first field written);
        - ``undeletable``: an unlink."""
        raise NotImplementedError(f"{self._name} words the messages of its evidence rules")

    @api.model
    def _closure_erasure_allowed(self):
        """True inside the data erasure job (``_closure_for_erasure``): the
        only writer of recorded evidence."""
        return is_trusted(self.env, ERASURE_KEY)

    # ------------------------------------------------------------------
    # Trusted paths (see tools/trust.py)
    # ------------------------------------------------------------------
    def _closure_for_erasure(self):
        """The erasure hook: these answers, allowed to be anonymised and to
        have their evidence file rewritten or removed. For the data erasure
        job only, once the plan's erasure date has come (PIPL Art. 47, GDPR
        Art. 17); an answer itself is never deleted."""
        return self.with_context(**trusted(ERASURE_KEY))

    @api.model
    def _closure_erasure_context(self):
        """Context for the erasure job's writes on evidence files
        (ir.attachment of an answer, a transfer's data package)."""
        return trusted(ERASURE_KEY)

    def _channel_label(self):
        return dict(self._fields['channel']._description_selection(self.env))[self.channel]
