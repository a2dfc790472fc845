import logging
import re
import smtplib
from datetime import timedelta

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# how long a notice mail that fails for a temporary reason is retried (hours)
RETRY_HOURS_PARAM = 'closure_crm.notice_retry_hours'
RETRY_HOURS_DEFAULT = 24
# the first retry a minute after the failure, then twice as long each time, at most an hour apart
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 60

# what Odoo's failure reason names when the server or the network is away for a while
TEMPORARY_EXCEPTIONS = {
    'SMTPServerDisconnected', 'SMTPConnectError', 'ConnectionRefusedError', 'ConnectionResetError',
    'ConnectionAbortedError', 'BrokenPipeError', 'TimeoutError', 'timeout', 'gaierror',
}
TEMPORARY_TEXT = re.compile(
    r'Connection (refused|reset|unexpectedly closed)|timed out|\[Errno (32|101|104|110|111|113)\]', re.IGNORECASE)
EXCEPTION_NAME = re.compile(r'^(\w+): ', re.MULTILINE)
SMTP_CODE = re.compile(r'\((\d{3}),')


class MailMail(models.Model):
    """Closure notices go out through Odoo's mail queue; this override makes
    the queue deliver them through faults and tells their notice rows
    (closure.notice.recipient) what happened, whatever path sent the mail:

    - delivered (first try, automatic retry, Retry, Send Now, a resend):
      the row is sent and the case notified at the moment Odoo marked the
      mail sent, for the whole batch once ``send`` is done (and by the next
      run of the queue if the worker stopped before: ``_closure_mark_sent``);
    - a temporary failure (no connection, connection dropped, timeout, SMTP
      4xx): the mail goes back to the queue (``state`` outgoing, a later
      ``scheduled_date``, doubling from a minute up to an hour) until the
      retry window (``closure_crm.notice_retry_hours``, one day) has passed,
      then fails for good;
    - a permanent failure (SMTP 5xx, no valid recipient): failed at once,
      with its reason;
    - the mail in flight when the connection drops, which Odoo leaves failed
      with a placeholder reason and no post-processing: retried like a
      temporary failure (``send``, and every run of the queue).

    The mail keeps its Message-Id across retries, so a receiving server can
    drop a repeat (docs/operations.md)."""
    _inherit = 'mail.mail'

    # ------------------------------------------------------------------
    # Odoo's hooks
    # ------------------------------------------------------------------
    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        self._closure_mark_sent()
        self._closure_recover_in_flight()
        return super().process_email_queue(ids=ids, batch_size=batch_size)

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        try:
            res = super().send(auto_commit=auto_commit, raise_exception=raise_exception,
                               post_send_callback=post_send_callback)
        except smtplib.SMTPServerDisconnected:
            # Odoo stops the batch and leaves the mail in flight failed, unprocessed
            self._closure_recover_in_flight(self)
            # and reports the batch done: the notices after it go with the next run, soon
            if self._closure_notice_mails().filtered(lambda mail: mail.state == 'outgoing'):
                self._closure_trigger_queue(fields.Datetime.now() + timedelta(minutes=RETRY_FIRST_MINUTES))
            raise
        self._closure_mark_sent(self)
        return res

    def mark_outgoing(self):
        # Retry (form, list) and the closure resend: the notice rows wait for the mail again
        closure = self._closure_notice_mails()
        if closure:
            closure.write({'scheduled_date': False})
        res = super().mark_outgoing()
        if closure:
            self.env['closure.notice.recipient']._closure_mail_requeued(closure)
            self._closure_trigger_queue()
        return res

    def cancel(self):
        res = super().cancel()
        closure = self._closure_notice_mails()
        if closure:
            self.env['closure.notice.recipient']._closure_mail_failed(
                [('mail_mail_id', 'in', closure.ids)], 'send_failed', _("Cancelled in the mail queue."))
        return res

    def _personalize_outgoing_body(self, body, partner=False, recipients_follower_status=None):
        body = super()._personalize_outgoing_body(body, partner, recipients_follower_status)
        # the customer's answer link gets its secret only in the mail sent to
        # that customer; the kept mail and the history keep the placeholder
        if self.model == 'crm.lead' and self.res_id and body:
            body = self.env['crm.lead'].browse(self.res_id)._closure_fill_answer_token(
                body, partner or self.env['res.partner'])
        return body

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # Odoo calls this once it has tried a mail (state sent or exception
        # already written), in the transaction it commits right after the SMTP
        # server's answer: a failure is handled at once (retry or failed for
        # good); the delivered ones are booked for the batch (send)
        failed = self.filtered(lambda mail: mail.state != 'sent' and mail.model == 'crm.lead')
        closure = failed._closure_notice_mails() if failed else failed
        if closure:
            # no failure type and not sent: Odoo found no recipient to send to
            closure._closure_failed(failure_type or 'mail_email_missing', failure_reason)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type)

    # ------------------------------------------------------------------
    # Closure notices
    # ------------------------------------------------------------------
    def _closure_notice_mails(self):
        """The mails of ``self`` that carry a closure notice or reminder."""
        mails = self.filtered(lambda mail: mail.model == 'crm.lead')
        if not mails:
            return mails
        # the rows are bookkeeping: the mail queue runs as whoever triggered it
        rows = self.env['closure.notice.recipient'].sudo().search([('mail_mail_id', 'in', mails.ids)])
        return mails & rows.mail_mail_id

    @api.model
    def _closure_trigger_queue(self, at=None):
        """Odoo's mail queue runs hourly: what a closure job just queued or
        put back for a retry goes out when due. ``at``: a datetime or a list
        of them (default now)."""
        mail_cron = self.env.ref('mail.ir_cron_mail_scheduler_action', raise_if_not_found=False)
        if not mail_cron:
            return
        moments = at if isinstance(at, (list, tuple, set)) else [at or fields.Datetime.now()]
        mail_cron.sudo()._trigger(sorted(set(moments)))  # the queue's job, whoever queued the mail

    @api.model
    def _closure_failure_kind(self, failure_type, failure_reason):
        """'temporary', 'address' (the customer's address: refused, missing,
        invalid) or 'server' (a permanent failure on the sending side)."""
        if failure_type in ('mail_email_invalid', 'mail_email_missing'):
            return 'address'
        if failure_type == 'mail_smtp':  # Odoo could not connect to the mail server
            return 'temporary'
        if failure_type in ('mail_from_invalid', 'mail_from_missing'):
            return 'server'
        text = failure_reason or ''
        codes = [int(code) for code in SMTP_CODE.findall(text)]
        if codes:
            if all(400 <= code < 500 for code in codes):
                return 'temporary'
            return 'address' if 'SMTPRecipientsRefused' in text else 'server'
        if set(EXCEPTION_NAME.findall(text)) & TEMPORARY_EXCEPTIONS or TEMPORARY_TEXT.search(text):
            return 'temporary'
        return 'server'

    def _closure_failed(self, failure_type, failure_reason):
        """The notice mails ``self`` failed: back to the queue with a growing
        delay while the failure is temporary and the retry window lasts,
        else failed for good with the reason."""
        # a failed connection is passed without a reason: Odoo wrote it on the mails
        failure_reason = failure_reason or self[:1].failure_reason
        kind = self._closure_failure_kind(failure_type, failure_reason)
        Recipient = self.env['closure.notice.recipient']
        detail = (failure_reason or '').strip()
        if kind == 'address':
            reason = {'mail_email_missing': 'missing_email', 'mail_email_invalid': 'invalid_email'}.get(
                failure_type, 'refused')
            Recipient._closure_mail_failed([('mail_mail_id', 'in', self.ids)], reason, detail)
            return
        if kind == 'server':
            Recipient._closure_mail_failed([('mail_mail_id', 'in', self.ids)], 'send_failed', detail)
            return
        now = fields.Datetime.now()
        window = timedelta(hours=float(self.env['ir.config_parameter'].sudo().get_param(
            RETRY_HOURS_PARAM, RETRY_HOURS_DEFAULT)))
        rows = Recipient.sudo().search([('mail_mail_id', 'in', self.ids), ('state', '=', 'queued')])
        expired = rows.filtered(lambda r: r.first_failure_date and r.first_failure_date + window <= now)
        if expired:
            Recipient._closure_mail_failed([('id', 'in', expired.ids)], 'send_failed', _(
                "Still failing after %(hours)s hours of retries: %(reason)s",
                hours=round(window.total_seconds() / 3600, 1), reason=detail))
        retried = rows - expired
        for retry_count, group in retried.grouped('retry_count').items():
            at = now + timedelta(minutes=min(RETRY_FIRST_MINUTES * 2 ** retry_count, RETRY_MAX_MINUTES))
            # the same mail (and Message-Id) goes again; failure_reason says what happened last
            group.mail_mail_id.write({'state': 'outgoing', 'scheduled_date': at, 'failure_type': False})
            self._closure_trigger_queue(at)
        retried._closure_mail_retrying(detail)
        _logger.info("Closure notices: %s mails failed (%s), %s retried, %s failed for good",
                     len(self), kind, len(retried), len(expired))

    @api.model
    def _closure_mark_sent(self, mails=None):
        """Notified means delivered: the notice rows whose mail Odoo marked
        sent (of ``mails``, or all: a worker stopped between the mail's commit
        and the end of its batch) are sent, at the moment their mail was."""
        Recipient = self.env['closure.notice.recipient'].sudo()  # bookkeeping of the queue
        if mails is not None:
            # a mail of another kind may have been deleted once sent (auto_delete)
            mails = mails.exists().filtered(lambda mail: mail.model == 'crm.lead')
            if not mails:
                return Recipient
        self.env['mail.mail'].flush_model(['state'])
        domain = [('state', '=', 'queued'), ('mail_mail_id.state', '=', 'sent')]
        if mails is not None:
            domain.append(('mail_mail_id', 'in', mails.ids))
        return Recipient.search(domain)._closure_mail_sent()

    @api.model
    def _closure_recover_in_flight(self, mails=None):
        """Notice mails Odoo left failed without telling their rows (the
        connection dropped while they were being sent, a worker died after
        the failure was written): retried as a temporary failure. They may
        have reached the server: the repeat carries the same Message-Id."""
        Recipient = self.env['closure.notice.recipient'].sudo()  # bookkeeping of the queue
        domain = [('state', '=', 'queued'), ('mail_mail_id.state', '=', 'exception')]
        if mails is not None:
            domain.append(('mail_mail_id', 'in', mails.ids))
        stuck = Recipient.search(domain).mail_mail_id
        for failure_type, group in stuck.grouped('failure_type').items():
            if failure_type:
                group._closure_failed(failure_type, group[0].failure_reason)
            else:
                group._closure_failed('mail_smtp', _(
                    "The connection to the mail server dropped while this mail was being sent."))
        return stuck
