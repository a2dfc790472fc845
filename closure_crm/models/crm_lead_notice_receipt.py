from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.trust import is_trusted, trusted

RECEIPT_KEY = 'closure_notice_receipt'


class CrmLead(models.Model):
    """A printed letter's receipt, recorded with its evidence: the customer's
    30 days to declare a claim run from the day the letter was received, not
    the day it was printed (Company Law 2023, Art. 235)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_notice_received_date = fields.Date(
        'Letter Received On', readonly=True, copy=False, tracking=True,
        help="The day the customer received the printed notice (the postal receipt): their claim "
             "period runs from it.")

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get('closure_notice_received_date') for vals in vals_list):
            raise UserError(_("A letter's receipt is recorded with Record Letter Receipt, with its evidence."))
        return super().create(vals_list)

    def write(self, vals):
        if 'closure_notice_received_date' in vals and not is_trusted(self.env, RECEIPT_KEY):
            raise UserError(_("A letter's receipt is recorded with Record Letter Receipt, with its evidence."))
        return super().write(vals)

    def _closure_letter_only_ids(self):
        """Ids of these cases notified by printed letter only (no mail or
        message sent as notice): one grouped query."""
        notified = self.filtered(lambda lead: lead.id and lead.closure_notified_date)
        if not notified:
            return set()
        # notice rows are the wave's bookkeeping; the claim period of the case depends on them.
        # A wave marks its cases notified before it marks the rows sent: rows on their way count.
        rows = self.env['closure.notice.recipient'].sudo()._read_group(
            [('lead_id', 'in', notified.ids), ('reminder_number', '=', 0), ('wave_id.is_notice', '=', True),
             ('state', 'in', ('pending', 'queued', 'sent'))], ['lead_id', 'channel'], ['__count'])
        channels = {}
        for lead, channel, _count in rows:
            channels.setdefault(lead.id, set()).add(channel)
        return {lead_id for lead_id, kinds in channels.items() if kinds == {'letter'}}

    def _closure_record_notice_receipt(self, received, evidence_url=False, attachment=None):
        """Record that the printed notice of this case was received on
        ``received``, with its evidence (a link and/or an attachment). The
        customer's claim deadline then runs from it."""
        self.ensure_one()
        self.check_access('write')
        received = fields.Date.to_date(received)
        today = fields.Date.context_today(self)
        if not received or received > today:
            raise UserError(_("Letter Received On (%(date)s) cannot be empty or in the future.", date=received))
        if self.closure_notified_date and received < self.closure_notified_date:
            raise UserError(_("Letter Received On (%(date)s) cannot be before the letter was sent (%(sent)s).",
                              date=received, sent=self.closure_notified_date))
        if self.closure_notice_received_date:
            raise UserError(_("The letter's receipt is already recorded (%(date)s); it is evidence.",
                              date=self.closure_notice_received_date))
        if not ((evidence_url or '').strip() or attachment):
            raise UserError(_("Record the letter's receipt with its evidence: a file (the postal receipt) or a link."))
        self.with_context(**trusted(RECEIPT_KEY)).write({'closure_notice_received_date': received})
        self.message_post(
            body=_("Letter received on %(date)s (recorded by %(user)s). Evidence: %(evidence)s",
                   date=fields.Date.to_string(received), user=self.env.user.name,
                   evidence=(evidence_url or '').strip() or _("attached file")),
            attachment_ids=attachment.ids if attachment else [])
        return True
