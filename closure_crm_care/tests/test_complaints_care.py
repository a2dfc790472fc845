from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon

ANGRY = "This is unacceptable and ridiculous. You cheated us, I will file a complaint!"


@tagged('post_install', '-at_install')
class TestComplaintsAndCare(NoticeCommon):
    """Complaints in four steps and the three-day rule, on constructed cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env['closure.complaint']

    # ------------------------------------------------------------------
    # Complaints in four steps
    # ------------------------------------------------------------------
    def test_angry_reply_opens_a_complaint_with_a_24h_follow_up(self):
        case = self._notice_cases(1, prefix='Angry', tier='b')
        self._customer_says(case, ANGRY)
        complaint = case.closure_complaint_ids
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.state, 'open')
        self.assertIn('unacceptable', complaint.reply_excerpt)
        self.assertEqual(complaint.follow_up_deadline, complaint.date_opened + timedelta(hours=24))
        follow_up = case.activity_ids.filtered(lambda a: 'within 24 hours' in (a.summary or ''))
        self.assertEqual(follow_up.user_id, self.rep_1)
        self.assertEqual(follow_up.date_deadline, fields.Date.to_date(complaint.follow_up_deadline))
        # a second angry message while it is open: the same complaint
        self._customer_says(case, "Still furious, outrageous!")
        self.assertEqual(len(case.closure_complaint_ids), 1)
        # a worried message opens none
        worried = self._notice_cases(1, prefix='Worried', tier='b')
        self._customer_says(worried, "I'm worried: will I lose my data?")
        self.assertFalse(worried.closure_complaint_ids)

    def test_four_steps_in_order_with_cause_and_options(self):
        case = self._notice_cases(1, prefix='Steps', tier='c')
        complaint = self.Complaint.with_user(self.rep_1).create({'lead_id': case.id, 'followed_up': True})
        self.assertFalse(complaint.followed_up, "a complaint starts with its steps to do")
        with self.assertRefused(complaint, ValidationError, "comes after"):
            complaint.with_user(self.rep_1).write({'options_offered': True, 'options': 'Refund\nTransfer'})
        complaint.with_user(self.rep_1).listened = True
        with self.assertRefused(complaint, ValidationError, "Cause Named"):
            complaint.with_user(self.rep_1).apologised = True
        complaint.with_user(self.rep_1).write({'apologised': True, 'cause': 'Our notice came late.'})
        with self.assertRefused(complaint, ValidationError, "two or three concrete options"):
            complaint.with_user(self.rep_1).write({'options_offered': True, 'options': 'A refund'})
        with self.assertRefused(complaint, ValidationError, "holds 4"):
            complaint.with_user(self.rep_1).write({'options_offered': True, 'options': 'A\nB\nC\nD'})
        complaint.with_user(self.rep_1).write({
            'options_offered': True, 'options': 'Refund within 15 days\nMove to Harbour IT with a free month'})
        complaint.with_user(self.rep_1).followed_up = True
        self.assertEqual(complaint.state, 'done')
        self.assertTrue(complaint.follow_up_date)
        self.assertFalse(complaint.is_follow_up_late)
        with self.assertRefused(complaint, UserError, "keeps its steps"):
            complaint.with_user(self.rep_1).listened = False
        for user in (self.rep_1, self.manager):
            with self.assertRefused(complaint, AccessError):
                complaint.with_user(user).unlink()
            with self.assertRefused(complaint, UserError, "keeps its case"):
                complaint.with_user(user).write({'date_opened': '2026-01-01 00:00:00'})
        # another rep's case is not theirs
        with self.assertRaises(AccessError):
            complaint.with_user(self.rep_2).write({'listened': False})

    def test_complaint_rate_counts_complaints_not_angry_words(self):
        cases = self._notice_cases(4, prefix='Rate', tier='c')
        cases.write({'closure_notified_date': fields.Date.today()})
        cases[0].closure_reply_mood = 'angry'           # angry words alone: no complaint
        self.Complaint.create({'lead_id': cases[1].id})  # recorded by a rep from a call
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.cb_complaint_count, 1)
        self.assertEqual(self.plan.cb_complaint_rate, 0.25)

    # ------------------------------------------------------------------
    # The three-day rule
    # ------------------------------------------------------------------
    def test_three_day_rule_once_per_silence_and_never_to_who_said_no(self):
        waiting, recent, answered, no_contact, blacklisted = (
            self._notice_cases(1, prefix=prefix, tier='c') for prefix in
            ('Waiting', 'Recent', 'Answered', 'Leave Me', 'Blacklisted'))
        for case in (waiting, answered, no_contact, blacklisted):
            self._customer_says(case, "Who do I contact after the end date?", days_ago=4)
        self._customer_says(recent, "Who do I contact after the end date?", days_ago=1)
        answered.with_user(self.rep_1).message_post(
            body='Your contact stays Rep One.', message_type='comment', subtype_xmlid='mail.mt_comment')
        no_contact.closure_no_contact = True
        self.env['mail.blacklist'].sudo()._add(blacklisted.partner_id.email)
        Lead = self.env['crm.lead']
        due = Lead._closure_care_count_due()   # the demo data's waiting customers too
        self.assertGreaterEqual(due, 1)
        # the scheduled job: one batch on the closure jobs' protocol, progress reported
        with self.mock_mail_gateway(), patch.object(type(self.env['ir.cron']), '_notify_progress') as progress:
            Lead._cron_closure_care()
        progress.assert_called_once_with(done=due, remaining=0)
        self.assertEqual(Lead._closure_care_count_due(), 0)
        care = self._mails_of(waiting)[waiting]
        self.assertEqual(len(care), 1)
        self.assertIn('we have not forgotten you', care.subject)
        self.assertTrue(waiting.closure_care_sent_date)
        activity = waiting.activity_ids.filtered(lambda a: a.summary == 'Customer waiting: follow up today')
        self.assertEqual(activity.user_id, self.rep_1)
        for case in (recent, answered, no_contact, blacklisted):
            self.assertFalse(self._mails_of(case)[case].filtered(lambda m: 'not forgotten' in (m.subject or '')),
                             case.partner_id.name)
            self.assertFalse(case.closure_care_sent_date)
        # once per silence: the next run sends nothing more
        with self.mock_mail_gateway():
            self.assertFalse(self.env['crm.lead']._closure_send_care())
        # five days later the customer writes again and waits again: a new silence
        self.env.flush_all()
        self.env.cr.execute("UPDATE mail_message SET date = date - interval '5 days' WHERE model = 'crm.lead' "
                            "AND res_id = %s", [waiting.id])
        waiting.sudo().closure_care_sent_date -= timedelta(days=5)
        self.env.invalidate_all()
        self._customer_says(waiting, "Hello? Nobody answered me.", days_ago=3.5)
        with self.mock_mail_gateway():
            self.assertEqual(self.env['crm.lead']._closure_send_care(), waiting)
        # configurable per plan; 0 turns it off
        self.plan.care_silence_days = 0
        self._customer_says(recent, "Anyone there?", days_ago=10)
        with self.mock_mail_gateway():
            self.assertFalse(self.env['crm.lead']._closure_send_care())
        with self.assertRaisesRegex(ValidationError, 'Care Message After'):
            self.plan.care_silence_days = -1

    def test_three_day_rule_sends_an_sms_when_sms_is_installed(self):
        if 'sms.sms' not in self.env:
            self.skipTest("the sms add-on is not installed in this database")
        case = self._notice_cases(1, prefix='Mobile', tier='c')
        case.partner_id.mobile = '+86 138 0000 0001'
        self._customer_says(case, "Who do I contact?", days_ago=5)
        with self.mock_mail_gateway(), patch.object(type(self.env['sms.sms']), '_send', lambda self, **kw: None):
            self.env['crm.lead']._closure_send_care()
        sms = self.env['sms.sms'].sudo().search([('partner_id', '=', case.partner_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn('we have not forgotten your message', sms.body)
