from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, html_sanitize

RECIPIENT_STATES = [
    ('pending', 'To Send'),
    ('sent', 'Sent'),
    ('personal', 'Personal Contact'),
    ('invalid', 'Invalid Address'),
    ('cancel', 'Cancelled'),
]
FAILURE_REASONS = [
    ('missing_email', 'No email address'),
    ('invalid_email', 'Invalid email address'),
    ('missing_phone', 'No mobile or phone number'),
    ('invalid_phone', 'Invalid phone number'),
    ('missing_address', 'No postal address'),
    ('no_template', 'No template for this tier and segment'),
    ('send_failed', 'The mail could not be sent'),
    ('bounced', 'The mail bounced'),
]


class ClosureNoticeRecipient(models.Model):
    """One case in one wave: the notice (number 0) or the n-th reminder.

    The row is the wave's guarantee that a case gets a notice once: it is
    unique per wave, case and number, claimed with FOR UPDATE SKIP LOCKED and
    marked sent in the same transaction that queues the mail."""

    _name = 'closure.notice.recipient'
    _description = 'Closure Notice Recipient'
    _order = 'wave_id desc, id'
    _rec_name = 'lead_id'
    _check_company_auto = True

    wave_id = fields.Many2one('closure.notice.wave', required=True, ondelete='cascade', index=True)
    plan_id = fields.Many2one(related='wave_id.plan_id', string='Plan')
    # stored for the multi-company rule; the wave's INSERT fills it too
    company_id = fields.Many2one(related='wave_id.company_id', string='Company', store=True, index=True)
    lead_id = fields.Many2one('crm.lead', 'Case', required=True, ondelete='cascade', index=True, check_company=True)
    partner_id = fields.Many2one('res.partner', 'Customer', ondelete='set null')
    user_id = fields.Many2one(related='lead_id.user_id', string='Owner')
    tier = fields.Selection(related='lead_id.closure_tier')
    reminder_number = fields.Integer(
        'Reminder No.', default=0, required=True,
        help="0 for the wave's notice, then 1, 2... for the reminders that follow it.")
    channel = fields.Selection(
        [('email', 'Email'), ('sms', 'SMS'), ('letter', 'Printed Letter')], required=True)
    state = fields.Selection(RECIPIENT_STATES, 'Status', default='pending', required=True, index=True)
    failure_reason = fields.Selection(FAILURE_REASONS, 'Reason')
    address = fields.Char('Address Used', help="The email, number or postal address at the time of sending.")
    template_id = fields.Many2one('mail.template', ondelete='set null')
    mail_mail_id = fields.Many2one('mail.mail', 'Queued Email', ondelete='set null', index='btree_not_null')
    message_id = fields.Many2one(
        'mail.message', ondelete='set null', index='btree_not_null',
        help="The notice as kept in the case's history, with its body.")
    mail_body = fields.Html(
        'Notice Text', compute='_compute_mail_body', compute_sudo=True, sanitize='email_outgoing',
        help="The notice as mailed to the customer (kept while its mail is kept), without the "
             "secret of the customer's link.")
    sent_date = fields.Datetime('Sent On')
    scheduled_date = fields.Datetime(
        'Mail Scheduled For', help="Tier A cases get the personal letter after the personal contact.")
    letter_body = fields.Html('Letter', sanitize='email_outgoing', readonly=True,
                              help="The rendered letter, for printed notices.")
    last_contact_date = fields.Datetime(
        'Last Contact', help="When the notice or its last reminder went out; the next reminder "
                             "is due the plan's reminder delay after it.")
    reminder_count = fields.Integer('Reminders Sent', default=0)
    failure_detail = fields.Char(
        readonly=True, help="What the mail server or the bounce said.")

    _sql_constraints = [
        ('wave_case_number_uniq', 'UNIQUE(wave_id, lead_id, reminder_number)',
         'A case gets a wave\'s notice, and each of its reminders, once.'),
    ]

    @api.depends('mail_mail_id.body_html')
    def _compute_mail_body(self):
        for row in self:
            # shown in the back-end: sanitized as an outgoing mail body is
            row.mail_body = row.mail_mail_id.body_html and html_sanitize(
                row.mail_mail_id.body_html, sanitize_tags=False, sanitize_attributes=False,
                sanitize_conditional_comments=False, output_method='xml')

    def init(self):
        res = super().init()
        # the scheduled job claims and counts a wave's pending rows in id order
        self.env.cr.execute(SQL(
            """CREATE INDEX IF NOT EXISTS closure_notice_recipient_pending_idx
                   ON closure_notice_recipient (wave_id, id) WHERE state = 'pending'"""))
        return res

    def action_open_case(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'crm.lead',
            'res_id': self.lead_id.id,
            'view_mode': 'form',
        }

    def _closure_letter_html(self):
        """The printed letter: the kept body with the customer's own link,
        for a user who may work the case (the kept body has a placeholder)."""
        self.ensure_one()
        if not self.lead_id._filtered_access('read'):
            return self.letter_body
        return self.lead_id._closure_fill_answer_token(self.letter_body)

    # ------------------------------------------------------------------
    # Notified means delivered (mail.mail, mail.thread bounces)
    # ------------------------------------------------------------------
    @api.model
    def _closure_set_notified(self, rows, dates):
        """The cases of the notice rows ``rows`` not notified yet are
        notified on ``dates`` ({row id: date}): their claim period starts.
        One write per date."""
        by_date = defaultdict(lambda: self.env['crm.lead'])
        for row in rows.filtered(lambda r: r.reminder_number == 0 and r.wave_id.is_notice):
            if not row.lead_id.closure_notified_date:
                by_date[dates[row.id]] |= row.lead_id
        for notified_date, leads in by_date.items():
            leads.with_context(mail_notrack=True).write({'closure_notified_date': notified_date})

    @api.model
    def _closure_mail_sent(self, mails):
        """``mails`` went out: the cases of their notices are notified today."""
        # the mail queue runs as whoever triggered it: the rows are bookkeeping
        rows = self.sudo().search([('mail_mail_id', 'in', mails.ids), ('state', '=', 'sent')])
        if rows:
            today = fields.Date.context_today(self)
            self._closure_set_notified(rows, dict.fromkeys(rows.ids, today))

    @api.model
    def _closure_mail_failed(self, domain, reason, detail=False):
        """The mails of the rows in ``domain`` failed or bounced: the rows
        become invalid with the reason, and a notice that never arrived
        starts no claim period (unless another notice of the case arrived)."""
        rows = self.sudo().search(domain + [('state', '=', 'sent')])  # bookkeeping, as above
        if not rows:
            return rows
        rows.write({'state': 'invalid', 'failure_reason': reason,
                    'failure_detail': (detail or '').strip()[:250] or False})
        notices = rows.filtered(lambda r: r.reminder_number == 0 and r.wave_id.is_notice)
        if notices:
            delivered = self.sudo().search([
                ('lead_id', 'in', notices.lead_id.ids), ('reminder_number', '=', 0),
                ('wave_id.is_notice', '=', True), ('state', '=', 'sent')]).lead_id
            (notices.lead_id - delivered).filtered('closure_notified_date').with_context(
                mail_notrack=True).write({'closure_notified_date': False})
        return rows
