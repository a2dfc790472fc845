import logging
import re
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, html_sanitize

_logger = logging.getLogger(__name__)

RECIPIENT_STATES = [
    ('pending', 'To Send'),
    ('queued', 'In the Mail Queue'),
    ('sent', 'Sent'),
    ('personal', 'Personal Contact'),
    ('invalid', 'Invalid Address'),
    ('failed', 'Delivery Failed'),
    ('cancel', 'Cancelled'),
]
FAILURE_REASONS = [
    ('missing_email', 'No email address'),
    ('invalid_email', 'Invalid email address'),
    ('missing_phone', 'No mobile or phone number'),
    ('invalid_phone', 'Invalid phone number'),
    ('missing_address', 'No postal address'),
    ('no_template', 'No template for this tier and segment'),
    ('refused', 'The receiving server refused the address'),
    ('server_refused', 'Our mail server refused the mail'),
    ('server_unreachable', 'Our mail server could not be reached'),
    ('send_failed', 'The mail could not be sent'),
    ('bounced', 'The mail bounced'),
]
# the reasons that say the customer's address is wrong (the others: our mail server)
ADDRESS_REASONS = ('missing_email', 'invalid_email', 'missing_phone', 'invalid_phone', 'missing_address',
                   'refused', 'bounced')
# the reasons that say our mail server refused the mail or could not be reached (the rest: other causes)
SERVER_REASONS = ('server_refused', 'server_unreachable')
# what a mail server says when the sending side is refused: a policy or authentication
# status (RFC 3463 5.7.x), relaying denied, the sender refused
SERVER_REFUSAL_TEXT = re.compile(
    r'\b[45]\.7\.\d{1,3}\b|relay|authenticat|SMTPSenderRefused|SMTPAuthenticationError|sender address rejected',
    re.IGNORECASE)
# what says the mail server could not be reached or dropped the connection
SERVER_UNREACHABLE_TEXT = re.compile(
    r'Connection (refused|reset|unexpectedly closed|timed out)|timed out|\[Errno (32|101|104|110|111|113)\]'
    r'|SMTPServerDisconnected|SMTPConnectError|gaierror|Name or service not known|unreachable',
    re.IGNORECASE)
SMTP_REPLY = re.compile(r'\(\d{3},|\bSMTP\w*(Error|Refused)\b')


class ClosureNoticeRecipient(models.Model):
    """One case in one wave: the notice (number 0) or the n-th reminder.

    The row is the wave's guarantee that a case gets a notice once: it is
    unique per wave, case and number, claimed with FOR UPDATE SKIP LOCKED and
    marked queued in the same transaction that queues the mail. Its state then
    follows the mail (mail.mail): sent when Odoo's mail queue delivers it
    (the case is notified then), back in the queue while a temporary failure
    is retried, failed or invalid when it fails for good. The row moves its
    own states (the methods of the section "States"); the wave orchestrates."""

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
    retry_count = fields.Integer(
        'Delivery Retries', readonly=True,
        help="How many times the mail failed for a temporary reason and was put back in the mail queue.")
    first_failure_date = fields.Datetime(
        'First Failure', readonly=True,
        help="When the mail first failed for a temporary reason: it is retried until the retry window "
             "(Settings, closure_crm.notice_retry_hours, one day by default) has passed.")

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

    def action_resend(self):
        """Resend the failed notices: their own mails go back to Odoo's mail
        queue (same Message-Id), as the mail's Retry button does."""
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_("Only a closure manager can resend notices."))
        rows = self.filtered(lambda r: r.state in ('failed', 'invalid') and r.mail_mail_id)
        mails = rows.mail_mail_id.sudo()  # the queue's records: the rows were checked above
        mails.filtered(lambda m: m.state in ('exception', 'cancel')).mark_outgoing()
        return True

    # ------------------------------------------------------------------
    # States: the only places that move a row
    # ------------------------------------------------------------------
    @api.model
    def _create_for_wave(self, wave, cases, reason, address):
        """One pending row per case of ``cases`` (a query) in ``wave``, or
        invalid with ``reason`` (an SQL expression on the partner ``p``, NULL
        when the address is fine). Idempotent: the rows already there are
        kept. One INSERT for the whole wave."""
        self.env['crm.lead'].flush_model()
        self.env['res.partner'].flush_model()
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO closure_notice_recipient
                      (wave_id, company_id, lead_id, partner_id, reminder_number, reminder_count, retry_count,
                       channel, state, failure_reason, address, create_uid, create_date, write_uid, write_date)
               SELECT %(wave)s, %(company)s, l.id, l.partner_id, 0, 0, 0, %(channel)s,
                      CASE WHEN r.reason IS NULL THEN 'pending' ELSE 'invalid' END, r.reason, r.address,
                      %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                 FROM crm_lead l
                 JOIN res_partner p ON p.id = l.partner_id
                 CROSS JOIN LATERAL (SELECT %(reason)s AS reason, %(address)s AS address) r
                WHERE l.id IN %(cases)s
                ORDER BY l.id
               ON CONFLICT (wave_id, lead_id, reminder_number) DO NOTHING""",
            wave=wave.id, company=wave.company_id.id, channel=wave.channel, uid=self.env.uid,
            reason=reason, address=address, cases=cases.subselect()))
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    @api.model
    def _claim(self, wave, limit):
        """Lock up to ``limit`` pending notice rows of ``wave`` in id order;
        rows another transaction holds are skipped, so two workers never send
        the same."""
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT id FROM closure_notice_recipient
                WHERE wave_id = %s AND reminder_number = 0 AND state = 'pending'
                ORDER BY id LIMIT %s
                  FOR UPDATE SKIP LOCKED""", wave.id, limit))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _claim_due_reminders(self, limit):
        """Lock up to ``limit`` delivered notices due for a reminder (see
        _due_reminders_sql), skipping the rows another worker holds."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "%s ORDER BY r.last_contact_date, r.id LIMIT %s FOR UPDATE OF r SKIP LOCKED",
            self._due_reminders_sql(SQL('r.id')), limit))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _count_due_reminders(self):
        self.env.flush_all()
        self.env.cr.execute(self._due_reminders_sql(SQL('COUNT(*)')))
        return self.env.cr.fetchone()[0]

    @api.model
    def _due_reminders_sql(self, select):
        """Delivered notices whose case is still waiting for an answer N days
        (plan setting) after its last notice or reminder, below the plan's cap."""
        return SQL(
            """SELECT %(select)s
                 FROM closure_notice_recipient r
                 JOIN closure_notice_wave w ON w.id = r.wave_id
                 JOIN closure_plan p ON p.id = w.plan_id
                 JOIN crm_lead l ON l.id = r.lead_id
                WHERE r.reminder_number = 0 AND r.state = 'sent' AND r.last_contact_date IS NOT NULL AND w.is_notice
                  AND p.state = 'in_progress' AND p.notice_reminder_days > 0
                  AND r.reminder_count < p.notice_reminder_max
                  AND r.last_contact_date + make_interval(days => p.notice_reminder_days) <= %(now)s
                  AND l.active AND l.closure_stage_code = 'notified'""",
            select=select, now=fields.Datetime.now())

    def _mark_cancelled(self):
        self.write({'state': 'cancel'})

    def _mark_personal(self, now):
        self.write({'state': 'personal', 'sent_date': now})

    def _mark_unsendable(self, reason):
        """Rows that cannot be sent at all: no address for the channel (an
        invalid address) or no template (a failure of ours)."""
        self.write({'state': 'invalid' if reason in ADDRESS_REASONS else 'failed', 'failure_reason': reason})

    def _mark_queued(self, template, mails, scheduled=None):
        """The rows' mails (same order) are in Odoo's mail queue. One UPDATE."""
        self._closure_update_each(template, mails=mails, messages=mails.mail_message_id,
                                  state='queued', scheduled=scheduled or {})

    def _mark_delivered(self, template, when, messages=None, reminders=False):
        """Rows delivered outside the mail queue (a printed letter, an SMS):
        sent now; a notice starts its claim period and its reminders."""
        self._closure_update_each(template, messages=messages, state='sent', sent=when, reminders=reminders)
        self._closure_set_notified(self, dict.fromkeys(self.ids, when.date()))

    def _mark_reminded(self, now):
        """The notices whose reminder was just queued: one more reminder, the
        next one counts from now."""
        self.flush_recordset()
        self.env.cr.execute(SQL(
            """UPDATE closure_notice_recipient
                  SET reminder_count = reminder_count + 1, last_contact_date = %(now)s,
                      write_uid = %(uid)s, write_date = %(now)s
                WHERE id IN %(ids)s""", now=now, uid=self.env.uid, ids=tuple(self.ids)))
        self.invalidate_recordset(['reminder_count', 'last_contact_date'])

    def _closure_update_each(self, template, state, mails=None, messages=None, sent=None, scheduled=None,
                             reminders=False):
        """Set ``state`` and each row's own mail, message, date, in one UPDATE
        (a batch is a thousand rows with a thousand different values)."""
        if not self:
            return
        scheduled = scheduled or {}
        self.flush_recordset()
        now = fields.Datetime.now()
        params = []
        for index, row in enumerate(self):
            params.append((
                row.id,
                mails[index].id if mails else None,
                messages[index].id if messages and messages[index] else None,
                sent if sent else None,
                scheduled.get(row.id),
            ))
        self.env.cr.execute(SQL(
            """UPDATE closure_notice_recipient r
                  SET state = %(state)s, failure_reason = NULL, failure_detail = NULL,
                      template_id = %(template)s, mail_mail_id = v.mail_id, message_id = v.message_id,
                      sent_date = v.sent, scheduled_date = v.scheduled,
                      last_contact_date = CASE WHEN r.reminder_number = 0 AND %(reminders)s THEN v.sent END,
                      write_uid = %(uid)s, write_date = %(now)s
                 FROM (SELECT unnest(%(ids)s::int[]) AS id, unnest(%(mails)s::int[]) AS mail_id,
                              unnest(%(messages)s::int[]) AS message_id,
                              unnest(%(sents)s::timestamp[]) AS sent,
                              unnest(%(scheduled)s::timestamp[]) AS scheduled) v
                WHERE r.id = v.id""",
            state=state, template=template.id or None, now=now, uid=self.env.uid, reminders=bool(reminders),
            ids=[p[0] for p in params], mails=[p[1] for p in params], messages=[p[2] for p in params],
            sents=[p[3] for p in params], scheduled=[p[4] for p in params]))
        self.invalidate_recordset()

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
    def _closure_rows_of(self, mails):
        # the mail queue runs as whoever triggered it: the rows are bookkeeping
        return self.sudo().search([('mail_mail_id', 'in', mails.ids), ('state', '!=', 'cancel')])

    def _closure_mail_sent(self):
        """The mails of these rows went out, whatever sent them (the queue's
        first try, an automatic retry, Retry, Send Now, a resend): the rows
        are sent at the moment Odoo marked their mail sent, and the cases of
        their notices notified that day, when their claim period starts; the
        next reminder counts from then. One UPDATE, one write per day."""
        rows = self.filtered(lambda r: r.state != 'sent' and r.mail_mail_id)
        if not rows:
            return rows
        rows.flush_recordset()
        self.env.cr.execute(SQL(
            """UPDATE closure_notice_recipient r
                  SET state = 'sent', sent_date = m.write_date, failure_reason = NULL, failure_detail = NULL,
                      last_contact_date = CASE WHEN r.reminder_number = 0 AND w.is_notice THEN m.write_date
                                               ELSE r.last_contact_date END,
                      write_uid = %(uid)s, write_date = %(now)s
                 FROM mail_mail m, closure_notice_wave w
                WHERE m.id = r.mail_mail_id AND w.id = r.wave_id AND r.id IN %(ids)s""",
            uid=self.env.uid, now=fields.Datetime.now(), ids=tuple(rows.ids)))
        rows.invalidate_recordset()
        notices = rows.filtered(lambda r: r.reminder_number == 0 and r.wave_id.is_notice)
        self._closure_set_notified(notices, {
            row.id: fields.Date.context_today(self, row.sent_date) for row in notices})
        rows.wave_id._closure_check_delivered()
        return rows

    def _closure_mail_retrying(self, detail):
        """The mails of these rows failed for a temporary reason and are back
        in the queue: the rows stay queued, with the attempt and what the
        server said."""
        now = fields.Datetime.now()
        detail = (detail or '').strip()[:250] or False
        for (retry_count, first_failure), rows in self.grouped(
                lambda r: (r.retry_count, r.first_failure_date)).items():
            rows.write({'state': 'queued', 'retry_count': retry_count + 1,
                        'first_failure_date': first_failure or now, 'failure_detail': detail})

    @api.model
    def _closure_mail_requeued(self, mails):
        """``mails`` are back in the queue by hand (Retry, a resend): their
        failed rows are queued again, with a fresh retry window."""
        rows = self._closure_rows_of(mails).filtered(lambda r: r.state in ('failed', 'invalid'))
        rows.write({'state': 'queued', 'retry_count': 0, 'first_failure_date': False})
        return rows

    @api.model
    def _closure_failure_cause(self, reason, detail):
        """The reason a notice failed, told apart by what the server said:
        our mail server refusing the mail (relaying, authentication, a policy)
        or never reached is no invalid address of the customer, and the
        server's own failures are counted apart from the other causes."""
        text = detail or ''
        if reason == 'refused' and SERVER_REFUSAL_TEXT.search(text):
            return 'server_refused'
        if reason == 'send_failed':
            if SERVER_UNREACHABLE_TEXT.search(text):
                return 'server_unreachable'
            if SMTP_REPLY.search(text) or SERVER_REFUSAL_TEXT.search(text):
                return 'server_refused'
        return reason

    @api.model
    def _closure_mail_failed(self, domain, reason, detail=False):
        """The mails of the rows in ``domain`` failed for good or bounced: the
        rows become invalid (the address) or failed (our side) with the
        reason, a notice that never arrived starts no claim period (unless
        another notice of the case arrived), and the case says so."""
        # bookkeeping of the mail queue and of bounces, as above
        rows = self.sudo().search(domain + [('state', 'in', ('queued', 'sent'))])
        if not rows:
            return rows
        reason = self._closure_failure_cause(reason, detail)
        rows.write({'state': 'invalid' if reason in ADDRESS_REASONS else 'failed', 'failure_reason': reason,
                    'failure_detail': (detail or '').strip()[:250] or False})
        notices = rows.filtered(lambda r: r.reminder_number == 0 and r.wave_id.is_notice)
        if notices:
            delivered = self.sudo().search([
                ('lead_id', 'in', notices.lead_id.ids), ('reminder_number', '=', 0),
                ('wave_id.is_notice', '=', True), ('state', '=', 'sent')]).lead_id
            (notices.lead_id - delivered).filtered('closure_notified_date').with_context(
                mail_notrack=True).write({'closure_notified_date': False})
        reason_label = dict(self._fields['failure_reason']._description_selection(self.env))[reason]
        log = self.env['ir.qweb']._render('closure_crm.message_paragraph', {'text': _(
            "The notice could not be delivered: %(reason)s. %(detail)s Fix the address if needed, then "
            "resend it from the wave (Delivery Failed).", reason=reason_label, detail=(detail or '').strip()[:200])})
        rows.lead_id._message_log_batch(bodies=dict.fromkeys(rows.lead_id.ids, log), subject=False)
        if reason != 'bounced':  # a bounce comes after the delivery was counted
            rows.wave_id._closure_check_delivered()
        return rows
