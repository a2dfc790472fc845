from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    """The full composer on a closure case warns, while the message is
    written, of the taboo phrases it holds and what to say instead; it sends
    such a message only once the author ticks "Send anyway" (recorded on the
    message). The refusal itself is crm.lead.message_post's."""
    _inherit = 'mail.compose.message'

    closure_taboo_warning = fields.Text(
        'Taboo Phrases', compute='_compute_closure_taboo_warning',
        help="The taboo phrases of the handbook this message to a closure case's customer holds, "
             "with the wording to use instead.")
    closure_taboo_confirmed = fields.Boolean(
        'Send Anyway',
        help="Send the message with the phrases above as it is; the confirmation is recorded on the message "
             "and counted by procedure compliance.")

    @api.depends('body', 'subject', 'model', 'res_ids', 'composition_mode', 'subtype_id')
    def _compute_closure_taboo_warning(self):
        Phrase = self.env['closure.phrase']
        for composer in self:
            lead_id = composer._closure_case_id()
            hits = Phrase.check_text(
                '\n'.join(filter(None, [composer.subject, composer.body])), 'crm.lead', lead_id) if lead_id else []
            composer.closure_taboo_warning = _(
                "This message contains %(phrases)s.",
                phrases='; '.join(_("\"%(phrase)s\" (say instead: \"%(suggestion)s\")", **hit) for hit in hits),
            ) if hits else False

    def _closure_case_id(self):
        """The crm.lead this composer writes to, when it writes one comment
        to a customer (not a note, not a mass mailing); else False."""
        self.ensure_one()
        if self.model != 'crm.lead' or self.composition_mode != 'comment' or self.subtype_is_log:
            return False
        res_ids = self._evaluate_res_ids()
        return res_ids[0] if len(res_ids) == 1 else False

    def _action_send_mail_comment(self, res_ids):
        if self.closure_taboo_confirmed:
            self = self.with_context(closure_taboo_confirmed=True)
        return super()._action_send_mail_comment(res_ids)

    def action_schedule_message(self, scheduled_date=False):
        # a scheduled message is posted later by the job: warned and confirmed now
        for composer in self:
            if composer.closure_taboo_warning and not composer.closure_taboo_confirmed:
                raise UserError(_("%(warning)s Edit the wording, or tick \"Send Anyway\".",
                                  warning=composer.closure_taboo_warning))
        return super().action_schedule_message(scheduled_date=scheduled_date)
