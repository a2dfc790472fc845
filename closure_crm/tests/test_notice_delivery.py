import smtplib
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

from .notice_common import NoticeCommon
from .notice_figures import assert_history_agrees

T0 = datetime(2026, 12, 7, 23, 59)


@tagged('post_install', '-at_install')
class TestNoticeDelivery(NoticeCommon):
    """A notice reaches its customer through faults of the mail server, and
    its row, its case and its wave say what happened: retried with a growing
    delay while the failure is temporary, failed at once when it is
    permanent, notified when (and only when) the mail finally goes out,
    whatever sent it."""

    def setUp(self):
        super().setUp()
        self.IrMailServer = type(self.env['ir.mail_server'])
        self.case = self._notice_cases(1, prefix='Faulty', tier='c')
        self.wave = self._new_wave()
        self.mail_cron = self.env.ref('mail.ir_cron_mail_scheduler_action')

    def _send_wave(self):
        with self.mock_datetime_and_now(T0), self.mock_mail_gateway():
            self.wave.action_send()
        self.mail = self._mails_of(self.case)[self.case]
        self.row = self.wave.recipient_ids
        self.assertEqual((self.row.state, self.mail.state), ('queued', 'outgoing'))

    def _run_queue(self, when, refuse=None, send_error=None):
        """Odoo's mail queue at ``when``; the server refuses connections
        (``refuse``) or raises ``send_error`` while sending."""
        with self.mock_datetime_and_now(when), self.mock_mail_gateway():
            patches = []
            if refuse:
                patches.append(patch.object(self.IrMailServer, 'connect', side_effect=refuse))
            if send_error:
                patches.append(patch.object(self.IrMailServer, 'send_email', side_effect=send_error))
            for patcher in patches:
                patcher.start()
            try:
                with mute_logger('odoo.addons.mail.models.mail_mail'):
                    # the notice's mail only (the database may hold others)
                    self.env['mail.mail'].sudo().process_email_queue(ids=self.mail.ids)
            finally:
                for patcher in patches:
                    patcher.stop()
        self.env.invalidate_all()

    def _day(self, when):
        """The day ``when`` is in the user's time zone (the notified date)."""
        return fields.Date.context_today(self.case, when)

    def _figures(self):
        self.wave.invalidate_recordset()
        return {name: self.wave[name] for name in ('queued_count', 'sent_count', 'invalid_count', 'failed_count')}

    def test_temporary_failure_is_retried_then_the_case_is_notified_when_sent(self):
        self._send_wave()
        triggers = self.env['ir.cron.trigger'].sudo().search([('cron_id', '=', self.mail_cron.id)])
        self.assertIn(T0, [t.call_at.replace(second=0, microsecond=0) for t in triggers],
                      "the mail queue is triggered for the new notices, not left to its hourly run")
        self._run_queue(T0, refuse=ConnectionRefusedError(111, 'Connection refused'))
        self.assertEqual(self.mail.state, 'outgoing', "back in Odoo's queue")
        self.assertEqual(self.mail.scheduled_date, T0 + timedelta(minutes=1))
        self.assertEqual((self.row.state, self.row.retry_count, self.row.first_failure_date), ('queued', 1, T0))
        self.assertIn('Connection refused', self.row.failure_detail)
        self.assertFalse(self.case.closure_notified_date)
        self.assertEqual(self._figures(), {'queued_count': 1, 'sent_count': 0, 'invalid_count': 0, 'failed_count': 0})
        # a retry is still in the queue: the wave says so, as its history did when it was handed over
        figures = assert_history_agrees(self, self.wave, 'Wave handed to the mail queue')
        self.assertEqual((figures['queued_count'], figures['sent_count']), (1, 0))
        self.assertEqual(self.wave.progress, 0.0)
        self.assertTrue(self.env['ir.cron.trigger'].sudo().search_count(
            [('cron_id', '=', self.mail_cron.id), ('call_at', '=', T0 + timedelta(minutes=1))]),
            "the mail queue comes back for the retry")

        # a 4xx answer is temporary too: the next delay is twice as long
        self._run_queue(T0 + timedelta(minutes=1), send_error=MailDeliveryException(
            'Mail Delivery Failed', "Mail delivery failed via SMTP server 'None'.\n"
            "SMTPDataError: (451, b'4.3.0 try again later')"))
        self.assertEqual(self.mail.scheduled_date, T0 + timedelta(minutes=3))
        self.assertEqual((self.row.state, self.row.retry_count), ('queued', 2))

        # the server is back after midnight: the claim period runs from the day the mail went out
        delivered = T0 + timedelta(minutes=4)
        self._run_queue(delivered)
        self.assertEqual(self.mail.state, 'sent')
        self.assertEqual((self.row.state, self.row.sent_date), ('sent', delivered))
        self.assertEqual(self.case.closure_notified_date, self._day(delivered))
        self.assertEqual(self.case.closure_claim_deadline,
                         self._day(delivered) + timedelta(days=self.plan.claim_notice_days))
        self.assertEqual(self.row.last_contact_date, delivered, "the reminders count from the delivery")
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 1, 'invalid_count': 0, 'failed_count': 0})
        figures = assert_history_agrees(self, self.wave, 'Wave delivered')
        self.assertEqual((figures['sent_count'], figures['queued_count']), (1, 0))

    def test_retries_stop_after_the_window_then_one_click_resend(self):
        self.env['ir.config_parameter'].sudo().set_param('closure_crm.notice_retry_hours', '1')
        self._send_wave()
        refused = ConnectionRefusedError(111, 'Connection refused')
        self._run_queue(T0, refuse=refused)
        self._run_queue(T0 + timedelta(minutes=30), refuse=refused)
        self.assertEqual((self.row.state, self.row.retry_count), ('queued', 2))
        self._run_queue(T0 + timedelta(hours=2), refuse=refused)
        self.assertEqual(self.mail.state, 'exception')
        self.assertEqual((self.row.state, self.row.failure_reason), ('failed', 'server_unreachable'),
                         "a server never reached is a failure of the mail server, not an invalid address")
        self.assertIn('Still failing after 1.0 hours', self.row.failure_detail)
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 0, 'invalid_count': 0, 'failed_count': 1})
        self.assertEqual((self.wave.failed_server_count, self.wave.failed_other_count), (1, 0))
        self.assertIn('could not be delivered: Our mail server could not be reached', self.case.message_ids[0].body)
        figures = assert_history_agrees(self, self.wave, 'Wave delivered')
        self.assertEqual((figures['sent_count'], figures['failed_server_count']), (0, 1))

        # a rep cannot resend; the manager's one click puts the same mail back in the queue
        with self.assertRaises(AccessError):
            self.wave.recipient_ids.with_user(self.rep_1).action_resend()
        self.wave.with_user(self.manager).action_resend_failed()
        self.assertEqual((self.mail.state, self.row.state, self.row.retry_count), ('outgoing', 'queued', 0))
        message_id = self.mail.message_id
        later = T0 + timedelta(days=1)
        self._run_queue(later)
        self.assertEqual((self.row.state, self.row.sent_date), ('sent', later))
        self.assertEqual(self.mail.message_id, message_id, "one Message-Id across retries")
        self.assertEqual(self.case.closure_notified_date, self._day(later))
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 1, 'invalid_count': 0, 'failed_count': 0})

    def test_connection_dropped_in_flight_is_retried_not_counted_sent(self):
        """Odoo marks the mail in flight failed with a placeholder reason and
        stops: the notice is put back in the queue, never counted sent."""
        self._send_wave()
        self._run_queue(T0, send_error=smtplib.SMTPServerDisconnected('Connection unexpectedly closed'))
        self.assertEqual(self.mail.state, 'outgoing')
        self.assertEqual((self.row.state, self.row.retry_count), ('queued', 1))
        self.assertIn('dropped', self.row.failure_detail)
        self.assertFalse(self.case.closure_notified_date)
        self.assertEqual(self._figures()['sent_count'], 0)

        # a worker died after Odoo wrote the failure: the next run of the queue recovers the mail
        self.mail.write({'state': 'exception', 'failure_type': False, 'failure_reason': (
            'Error without exception. Probably due to sending an email without computed recipients.')})
        self._run_queue(T0 + timedelta(minutes=1))
        self.assertEqual((self.row.state, self.row.retry_count), ('queued', 2))
        self._run_queue(T0 + timedelta(minutes=5))
        self.assertEqual(self.row.state, 'sent')
        self.assertEqual(self.case.closure_notified_date, self._day(T0 + timedelta(minutes=5)))

    def test_odoo_retry_button_notifies_the_case(self):
        self._send_wave()
        self._run_queue(T0, send_error=MailDeliveryException(
            'Mail Delivery Failed', "Mail delivery failed via SMTP server 'None'.\n"
            "SMTPDataError: (554, b'5.7.1 rejected by policy')"))
        self.assertEqual((self.mail.state, self.row.state), ('exception', 'failed'))
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 0, 'invalid_count': 0, 'failed_count': 1})
        self.mail.action_retry()  # Settings > Emails: Retry
        self.assertEqual((self.mail.state, self.row.state), ('outgoing', 'queued'))
        self.assertEqual(self._figures()['queued_count'], 1)
        with self.mock_datetime_and_now(T0 + timedelta(hours=3)), self.mock_mail_gateway():
            self.mail.send()  # Send Now
        self.env.invalidate_all()
        self.assertEqual((self.row.state, self.row.sent_date), ('sent', T0 + timedelta(hours=3)))
        self.assertEqual(self.case.closure_notified_date, self._day(T0 + timedelta(hours=3)))
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 1, 'invalid_count': 0, 'failed_count': 0})

    def test_failure_kinds(self):
        kind = self.env['mail.mail']._closure_failure_kind
        self.assertEqual(kind('mail_smtp', 'Connection refused'), 'temporary')
        self.assertEqual(kind('unknown', "Mail Delivery Failed\nSMTPDataError: (421, b'busy')"), 'temporary')
        self.assertEqual(kind('unknown', "Mail Delivery Failed\nTimeoutError: timed out"), 'temporary')
        self.assertEqual(kind('unknown', "Mail Delivery Failed\nConnectionResetError: [Errno 104] reset"),
                         'temporary')
        self.assertEqual(kind('unknown', "SMTPRecipientsRefused: {'a@b.c': (550, b'no such user')}"), 'address')
        self.assertEqual(kind('unknown', "SMTPDataError: (554, b'rejected')"), 'server')
        self.assertEqual(kind('mail_email_invalid', False), 'address')
        self.assertEqual(kind('mail_from_invalid', False), 'server')

    def test_worker_stopped_before_the_batch_bookkeeping(self):
        """Odoo commits each mail as sent right after the SMTP server took it;
        the notice rows of a batch are booked once the batch is done. A worker
        stopped in between leaves the row waiting: the next run of the queue
        books it at the moment its mail went out, and the case is notified
        that day (its claim period starts), not on the day of the recovery."""
        self._send_wave()
        delivered = T0 + timedelta(minutes=2)
        MailMail = type(self.env['mail.mail'])
        # the worker stops after Odoo's send, before the batch's bookkeeping
        with patch.object(MailMail, '_closure_mark_sent', lambda self, mails=None: None):
            self._run_queue(delivered)
        self.assertEqual((self.mail.state, self.row.state), ('sent', 'queued'))
        self.assertFalse(self.case.closure_notified_date)

        later = T0 + timedelta(days=1, hours=2)
        self._run_queue(later)
        self.assertEqual((self.row.state, self.row.sent_date), ('sent', delivered))
        self.assertEqual(self.case.closure_notified_date, self._day(delivered))
        self.assertEqual(self.row.last_contact_date, delivered, "the reminders count from the delivery")
        self.assertEqual(self._figures(), {'queued_count': 0, 'sent_count': 1, 'invalid_count': 0, 'failed_count': 0})

    def test_notice_mail_is_kept_and_other_mails_of_the_batch_may_go(self):
        """An admin ticked Auto Delete on the notice template: the notice's
        mail is kept all the same (the row follows it, and it is the evidence
        of what was sent). A mail of another kind sent in the same batch and
        deleted once sent (as a mass mailing's) does not disturb the
        bookkeeping."""
        self.env.ref('closure_crm.mail_template_notice_c_b2c').auto_delete = True
        self._send_wave()
        self.assertFalse(self.mail.auto_delete)
        other = self.env['mail.mail'].sudo().create({
            'subject': 'Newsletter', 'body_html': '<p>News</p>', 'email_to': 'reader@example.com',
            'auto_delete': True})
        with self.mock_datetime_and_now(T0), self.mock_mail_gateway(mail_unlink_sent=True):
            (self.mail | other).sudo().send()
        self.env.invalidate_all()
        self.assertFalse(other.exists(), "the other mail was sent and deleted")
        self.assertTrue(self.mail.exists())
        self.assertEqual((self.mail.state, self.row.state, self.row.sent_date), ('sent', 'sent', T0))
        self.assertEqual(self.case.closure_notified_date, self._day(T0))
