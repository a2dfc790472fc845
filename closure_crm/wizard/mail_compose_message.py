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
        """A closure case this composer writes to (the first of them), when it
        writes to customers (a message or a mass mailing, not a note); else
        False. The check reads the text as written, the same for each."""
        self.ensure_one()
        if self.model != 'crm.lead' or self.composition_mode not in ('comment', 'mass_mail') \
                or (self.composition_mode == 'comment' and self.subtype_is_log):
            return False
        res_ids = self._evaluate_res_ids()
        if not res_ids:
            return False
        return self.env['crm.lead'].search([('id', 'in', res_ids), ('closure_plan_id', '!=', False)], limit=1).id

    def _action_send_mail_comment(self, res_ids):
        if self.closure_taboo_confirmed:
            self = self.with_context(closure_taboo_confirmed=True)
        return super()._action_send_mail_comment(res_ids)

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        # a confirmation answers for one reply to one customer: a mass mailing
        # to closure customers never holds a taboo phrase (as the notices)
        user = self.env.user
        if self.closure_taboo_warning and user._is_internal() and not user._is_superuser():
            raise UserError(_("%(warning)s A mass mailing to closure customers cannot be sent with it: "
                              "edit the wording.", warning=self.closure_taboo_warning))
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)

    def action_schedule_message(self, scheduled_date=False):
        # a scheduled message is posted later by the job: warned and confirmed now
        for composer in self:
            if composer.closure_taboo_warning and not composer.closure_taboo_confirmed:
                raise UserError(_("%(warning)s Edit the wording, or tick \"Send Anyway\".",
                                  warning=composer.closure_taboo_warning))
        return super().action_schedule_message(scheduled_date=scheduled_date)
