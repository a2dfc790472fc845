from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

from .notice_common import NoticeCommon
from .notice_figures import assert_history_agrees, wave_figures


class WorkerKilled(Exception):
    pass


@tagged('post_install', '-at_install')
class TestNoticeWave(NoticeCommon):

    # ------------------------------------------------------------------
    # Templates: per tier, segment and language
    # ------------------------------------------------------------------
    def test_template_choice_per_tier_and_segment(self):
        Template = self.env['mail.template']
        for tier in ('a', 'b', 'c'):
            for segment in ('b2b', 'b2c'):
                self.assertEqual(
                    Template._closure_find('notice', tier, segment),
                    self.env.ref(f'closure_crm.mail_template_notice_{tier}_{segment}'))
        self.assertEqual(
            Template._closure_find('reminder', 'b', 'b2c'), self.env.ref('closure_crm.mail_template_reminder')
        )

        cases = {}
        for tier in ('a', 'b', 'c'):
            cases[tier, 'b2c'] = self._notice_cases(1, prefix=f'Person {tier}', tier=tier)
            cases[tier, 'b2b'] = self._notice_cases(1, prefix=f'Firm {tier}', tier=tier, is_company=True)
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(wave.state, 'done')
        for (tier, segment), case in cases.items():
            template = self.env.ref(f'closure_crm.mail_template_notice_{tier}_{segment}')
            row = wave.recipient_ids.filtered(lambda r, case=case: r.lead_id == case)
            self.assertEqual(row.template_id, template, f'tier {tier} {segment}')
            self.assertMailMail(case.partner_id, 'outgoing', fields_values={'subject': template._render_field(
                'subject', case.ids, compute_lang=True)[case.id]})
        # the tier decides who speaks: founder's letter (A), named rep (B), hotline (C)
        mails = self._mails_of(self.env['crm.lead'].concat(*cases.values()))
        self.assertIn('With my personal regards', mails[cases['a', 'b2b']].body_html)
        self.assertIn('Closure Manager', mails[cases['a', 'b2b']].body_html)
        self.assertIn('Rep One', mails[cases['b', 'b2c']].body_html)
        self.assertIn('+86 21 5555 0101', mails[cases['b', 'b2c']].body_html)
        self.assertIn('+86 400 800 1234', mails[cases['c', 'b2c']].body_html)
        self.assertIn('processes that depend on our service', mails[cases['c', 'b2b']].body_html)
        self.assertNotIn('processes that depend on our service', mails[cases['c', 'b2c']].body_html)

    def test_customer_language_picks_the_version(self):
        case_en = self._notice_cases(1, prefix='English', tier='c')
        case_zh = self._notice_cases(1, prefix='Chinese', tier='c', lang='zh_CN')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        mails = self._mails_of(case_en | case_zh)
        self.assertIn('the end of our service', mails[case_en].subject)
        self.assertIn('Your data', mails[case_en].body_html)
        self.assertIn('服务', mails[case_zh].subject)
        self.assertNotIn('Your data', mails[case_zh].body_html)
        self.assertIn('您的数据', mails[case_zh].body_html)
        # dates in the customer's format
        self.assertIn(format_date(self.env, self.plan.service_end_date, lang_code='zh_CN'), mails[case_zh].body_html)

    # ------------------------------------------------------------------
    # Content of the notice
    # ------------------------------------------------------------------
    def test_notice_names_receiver_dates_money_and_link(self):
        case = self._notice_cases(1, prefix='Receiver', tier='b', is_company=True)
        self.env['closure.obligation'].create({
            'lead_id': case.id, 'name': 'Prepaid card', 'obligation_type': 'prepaid', 'amount': 1234.5})
        receiver = self.env['res.partner'].create({
            'name': 'Able Successor Ltd', 'is_company': True,
            'email': 'hello@successor.example.com', 'phone': '+86 10 8888 0000'})
        Lead = type(self.env['crm.lead'])
        with patch.object(Lead, '_closure_notice_receivers', lambda leads: {case.id: receiver}), \
                self.mock_mail_gateway():
            self._new_wave().action_send()
            mail = self._mails_of(case)[case]
            self.assertFalse(case.closure_notified_date, "notified once the mail is actually sent")
            mail.send()
        # the customer's link, with its token, only in the mail that went out
        body = next(m['body'] for m in self._mails if case.partner_id.email in str(m['email_to']))
        case.invalidate_recordset()
        plan = self.plan
        for expected in [
            plan.reason,
            'Able Successor Ltd', 'hello@successor.example.com', '+86 10 8888 0000',
            format_date(self.env, plan.service_end_date),
            format_date(self.env, plan.data_export_deadline),
            format_date(self.env, plan.data_erasure_date),
            'https://export.example.com/closing',
            format_amount(self.env, 1234.5, case.company_currency),
            format_date(self.env, case.closure_claim_deadline),
            case.closure_answer_url,
        ]:
            self.assertIn(expected, body)
        self.assertNotIn(case.sudo().closure_access_token, mail.body_html, "the kept mail has no token")
        # the claim period runs from the notice: notice date + 30 days
        self.assertEqual(case.closure_notified_date, fields.Date.today())
        self.assertEqual(case.closure_claim_deadline, fields.Date.today() + timedelta(days=plan.claim_notice_days))
        self.assertIn(f'/closure/answer/{case.id}?access_token=', case.closure_answer_url)
        # the notice is kept in the case's history, replies thread on it
        self.assertEqual(mail.mail_message_id.model, 'crm.lead')
        self.assertEqual(mail.mail_message_id.res_id, case.id)
        self.assertTrue(mail.is_notification)
        self.assertIn('Notice sent (Test wave)', mail.mail_message_id.body, "one line in the case's history")
        self.assertEqual(mail.mail_message_id.subject, mail.subject)

    def test_notices_are_odoos_own_mails(self):
        """The wave queues its mails with Odoo's batched mail.mail create (as
        the composer in mass mode): the case's history shows the notice at
        once, the mail carries the full text, its own Message-Id and the
        customer as recipient. (Replaces the tests of the removed copies of
        create() and of the rendering: Odoo's own code is used.)"""
        cases = (self._notice_cases(2, prefix='Batch', tier='b')
                 | self._notice_cases(2, prefix='批量', tier='c', lang='zh_CN', is_company=True))
        wave = self._new_wave()
        with self.mock_mail_gateway():
            history = cases[0].message_ids  # the case's history, read (and cached) before the wave
            wave.action_send()
            self.assertEqual(len(cases[0].message_ids), len(history) + 1, "the history is not stale")
            self.assertIn('Notice sent', cases[0].message_ids[:1].body)
            for case in cases:
                self.assertMailMail(case.partner_id, 'outgoing')
        mails = self._mails_of(cases)
        self.assertEqual([len(mails[case]) for case in cases], [1] * 4)
        message_ids = [mails[case].message_id for case in cases]
        self.assertEqual(len(set(message_ids)), 4)
        self.assertEqual([mails[case].references for case in cases], message_ids)
        self.assertIn('您', str(mails[cases[3]].body_html))

    def test_notice_names_the_live_transfer_receiver(self):
        """With closure.transfer: the receiver of the case's live transfer is
        the one the notice names; a declined transfer names nobody."""
        if 'closure.transfer' not in self.env:
            self.skipTest("no transfer model")
        receiver = self.env['res.partner'].create({
            'name': 'Harbour Services Co', 'is_company': True, 'closure_is_receiver': True,
            'email': 'welcome@harbour.example.com', 'phone': '+86 21 6666 0000'})
        self.env['closure.receiver.capacity'].create(
            {'plan_id': self.plan.id, 'partner_id': receiver.id, 'capacity': 5}
        )
        case = self._notice_cases(1, prefix='Moving', tier='c', is_company=True)
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': receiver.id})
        self.assertEqual(case._closure_notice_receiver(), receiver)
        with self.mock_mail_gateway():
            self._new_wave().action_send()
        body = self._mails_of(case)[case].body_html
        for expected in ('Harbour Services Co', 'welcome@harbour.example.com', '+86 21 6666 0000'):
            self.assertIn(expected, body)
        transfer.write({'state': 'customer_declined'})
        case.invalidate_recordset(['closure_receiver_id'])
        self.assertFalse(case._closure_notice_receiver())
        self.assertFalse(case.closure_receiver_id)

    def test_no_receiver_named_without_transfer(self):
        case = self._notice_cases(1, prefix='Alone', tier='c')
        self.assertFalse(case._closure_notice_receiver())
        with self.mock_mail_gateway():
            self._new_wave().action_send()
        self.assertIn('We are selecting capable partners', self._mails_of(case)[case].body_html)

    def test_stage_moves_to_notified(self):
        cases = self._notice_cases(3, tier='c')
        answered = self._notice_cases(1, prefix='Answered', tier='c')
        answered._closure_set_stage('answered')
        wave = self._new_wave()
        self.assertEqual(wave.stage_ids, self.stage_to_notify, "a wave picks the cases still to notify by default")
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(set(cases.mapped('closure_stage_code')), {'notified'})
        self.assertEqual(answered.closure_stage_code, 'answered')
        self.assertFalse(wave.recipient_ids.filtered(lambda r: r.lead_id == answered))

    # ------------------------------------------------------------------
    # Tier A: personal contact first
    # ------------------------------------------------------------------
    def test_tier_a_personal_contact_instead_of_mail(self):
        self.plan.notice_tier_a_mode = 'activity'
        case_a = self._notice_cases(1, prefix='Key', tier='a', user_id=self.rep_2.id)
        case_b = self._notice_cases(1, prefix='Regular', tier='b')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertFalse(self._mails_of(case_a)[case_a])
        self.assertTrue(self._mails_of(case_b)[case_b])
        activity = case_a.activity_ids
        self.assertEqual(len(activity), 1)
        # the plan's signatory (the founder) calls or meets a tier A customer, not the rep
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.activity_type_id, self.env.ref('mail.mail_activity_data_call'))
        self.assertEqual(wave.recipient_ids.filtered(lambda r: r.lead_id == case_a).state, 'personal')
        self.assertEqual(wave.personal_count, 1)
        self.assertEqual(case_a.closure_stage_code, 'to_notify', "notified once the owner has talked to them")

    def test_tier_a_personal_contact_before_mail(self):
        self.plan.write({'notice_tier_a_mode': 'activity_mail', 'notice_tier_a_delay_days': 2})
        case_a = self._notice_cases(1, prefix='Key', tier='a')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(len(case_a.activity_ids), 1)
        mail = self._mails_of(case_a)[case_a]
        self.assertEqual(mail.state, 'outgoing')
        self.assertEqual(mail.scheduled_date.date(), fields.Date.today() + timedelta(days=2))
        # the claim period runs from the day the letter goes out: the letter
        # states that deadline, the case counts as notified once it is sent
        deadline = fields.Date.today() + timedelta(days=2 + self.plan.claim_notice_days)
        self.assertIn(format_date(self.env, deadline), mail.body_html)
        self.assertFalse(case_a.closure_notified_date)

    # ------------------------------------------------------------------
    # Addresses
    # ------------------------------------------------------------------
    def test_invalid_addresses_listed_others_sent(self):
        good = self._notice_cases(2, prefix='Good', tier='c')
        missing = self._notice_cases(1, prefix='Missing', tier='c')
        missing.partner_id.email = False
        invalid = self._notice_cases(1, prefix='Invalid', tier='c')
        invalid.partner_id.email = 'not an address'
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(wave.state, 'done')
        self.assertEqual((wave.queued_count, wave.sent_count, wave.invalid_count), (2, 0, 2))
        rows = {row.lead_id: row for row in wave.recipient_ids}
        self.assertEqual((rows[missing].state, rows[missing].failure_reason), ('invalid', 'missing_email'))
        self.assertEqual((rows[invalid].state, rows[invalid].failure_reason), ('invalid', 'invalid_email'))
        self.assertEqual(rows[invalid].address, 'not an address')
        for case in good:
            self.assertMailMail(case.partner_id, 'outgoing')
        self.assertFalse(self._mails_of(missing | invalid)[missing] | self._mails_of(invalid)[invalid])
        listed = self.env['closure.notice.recipient'].search(
            wave.action_view_invalid()['domain'] + [('state', '=', 'invalid')]
        )
        self.assertEqual(listed.lead_id, missing | invalid)

    # ------------------------------------------------------------------
    # Idempotence, gate, batches
    # ------------------------------------------------------------------
    def test_resend_after_crash_half_way_sends_each_case_once(self):
        cases = self._notice_cases(12, tier='c')
        wave = self._new_wave()
        wave.write({'state': 'in_queue'})  # queued for the scheduled job
        with self.mock_mail_gateway():
            wave._start_sending()
            self.assertEqual(wave._process_batch(limit=5), 5)   # first batch, "committed"
            MailMail = type(self.env['mail.mail'])
            original_create = MailMail.create

            def create_then_die(model, *args, **kwargs):
                original_create(model, *args, **kwargs)
                raise WorkerKilled()  # mails created, rows not yet marked queued
            with patch.object(MailMail, 'create', create_then_die), self.assertRaises(WorkerKilled), \
                    self.env.cr.savepoint():
                wave._process_batch(limit=5)
            # the worker restarts: the killed batch rolled back, every case gets its notice once
            while wave._process_batch(limit=5):
                pass
            wave._check_done()
            wave.action_send()  # pressing send again changes nothing
        mails = self._mails_of(cases)
        self.assertEqual([len(mails[case]) for case in cases], [1] * 12)
        self.assertEqual(wave.state, 'done')
        self.assertEqual(wave.queued_count, 12)

    def test_send_checks_the_gate(self):
        self._notice_cases(2, tier='c')
        wave = self._new_wave()
        Plan = type(self.plan)

        def closed_gate(plan, gate, users=None):
            self.assertEqual(gate, 'send_wave')
            # a test double: the text is asserted, never shown
            # pylint: disable-next=translation-required
            raise UserError("Certification required")
        with patch.object(Plan, '_check_closure_gate', closed_gate), self.assertRaises(UserError):
            wave.action_send()
        self.assertEqual(wave.state, 'draft')
        self.assertFalse(wave.recipient_ids)

    def test_managers_send_reps_do_not(self):
        cases = self._notice_cases(2, tier='b')
        wave = self._new_wave()
        with self.assertRaises(AccessError):
            wave.with_user(self.rep_1).action_send()
        with self.mock_mail_gateway():
            wave.with_user(self.manager).action_send()
        self.assertEqual(wave.state, 'done')
        for case in cases:
            self.assertMailMail(case.partner_id, 'outgoing', content='Rep One')
        # reps see the notices of their own cases
        self.assertEqual(self.env['closure.notice.recipient'].with_user(self.rep_1).search(
            [('wave_id', '=', wave.id)]).lead_id, cases)
        self.assertFalse(self.env['closure.notice.recipient'].with_user(self.rep_2).search([('wave_id', '=', wave.id)]))

    def test_large_wave_goes_through_the_cron_in_batches(self):
        cases = self._notice_cases(7, tier='c')
        wave = self._new_wave(scheduled_date=fields.Datetime.now() - timedelta(minutes=1))
        with patch('odoo.addons.closure_crm.models.closure_notice_wave.NOTICE_BATCH', 3), \
                self.mock_mail_gateway():
            wave.action_send()
            self.assertEqual(wave.state, 'in_queue', "more cases than a batch: left to the scheduled job")
            progress = []
            with patch.object(type(self.env['ir.cron']), '_notify_progress',
                              lambda cron, done, remaining, deactivate=False: progress.append((done, remaining))):
                for _i in range(4):
                    self.env['closure.notice.wave']._cron_process_waves()
        self.assertEqual(progress, [(3, 4), (3, 1), (1, 0), (0, 0)])
        self.assertEqual(wave.state, 'done')
        self.assertEqual([len(mail) for mail in self._mails_of(cases).values()], [1] * 7)

    def test_scheduled_wave_waits_for_its_time(self):
        self._notice_cases(2, tier='c')
        wave = self._new_wave(scheduled_date=fields.Datetime.now() + timedelta(days=1))
        wave.action_send()
        self.assertEqual(wave.state, 'in_queue')
        self.env['closure.notice.wave']._cron_process_waves()
        self.assertEqual(wave.state, 'in_queue')
        self.assertFalse(wave.recipient_ids)

    def test_batch_queries_do_not_grow_with_cases(self):
        """One batch costs the same number of queries for 5 or 25 cases."""
        def queries_for(count, prefix):
            cases = self._notice_cases(count, prefix=prefix, tier='c')
            wave = self._new_wave(name=prefix)
            wave.write({'state': 'in_queue'})
            wave._start_sending()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.mock_mail_gateway():
                wave._process_batch()
                self.env.flush_all()
            self.assertEqual([len(mail) for mail in self._mails_of(cases).values()], [1] * count)
            return self.env.cr.sql_log_count - before

        queries_for(3, 'Warmup')
        small = queries_for(5, 'Small')
        large = queries_for(25, 'Large')
        self.assertLessEqual(large, small + 5, f"{small} queries for 5 cases, {large} for 25")
        cases = self._notice_cases(10, prefix='Guard', tier='c')
        wave = self._new_wave(name='Guard')
        wave.write({'state': 'in_queue'})
        wave._start_sending()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.mock_mail_gateway(), self.assertQueryCount(__system__=small + 10):
            wave._process_batch()
            self.env.flush_all()
        self.assertEqual([len(mail) for mail in self._mails_of(cases).values()], [1] * 10)

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    def _age_contacts(self, wave, days):
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE closure_notice_recipient SET last_contact_date = last_contact_date - make_interval(days => %s)
                WHERE wave_id = %s AND reminder_number = 0""", days, wave.id))
        self.env.invalidate_all()

    def test_reminders_after_n_days_and_cap(self):
        self.plan.write({'notice_reminder_days': 3, 'notice_reminder_max': 2})
        silent = self._notice_cases(2, prefix='Silent', tier='c')
        talker = self._notice_cases(1, prefix='Talker', tier='c')
        wave = self._new_wave()
        reminder = self.env.ref('closure_crm.mail_template_reminder')
        Wave = self.env['closure.notice.wave']
        with self.mock_mail_gateway():
            wave.action_send()
            self.assertEqual(Wave._send_reminders(), 0, "a notice still in the mail queue is not reminded")
            self._deliver()
            talker._closure_set_stage('answered')
            self.assertEqual(Wave._send_reminders(), 0, "not before 3 days")
            self._age_contacts(wave, 2)
            self.assertEqual(Wave._send_reminders(), 0, "still not before 3 days")
            self._age_contacts(wave, 1)
            self.assertEqual(Wave._send_reminders(), 2)
            self.assertEqual(Wave._send_reminders(), 0, "once per period")
            for case in silent:
                self.assertMailMail(
                    case.partner_id,
                    'outgoing',
                    content='we have not heard from you yet',
                    fields_values={'subject': reminder._render_field('subject', case.ids, compute_lang=True)[case.id]},
                )
                follow_up = case.activity_ids.filtered(lambda a: 'No answer' in a.summary)
                self.assertEqual(follow_up.user_id, self.rep_1)
                self.assertEqual(follow_up.date_deadline, fields.Date.today())
            self._age_contacts(wave, 3)
            self.assertEqual(Wave._send_reminders(), 2)
            self._age_contacts(wave, 30)
            self.assertEqual(Wave._send_reminders(), 0, "capped at 2 reminders")
        self.assertEqual(wave.reminder_count, 4)
        self.assertFalse(self._mails_of(talker)[talker].filtered(lambda m: 'reminder' in m.subject))
        rows = wave.recipient_ids.filtered(lambda r: r.lead_id == silent[0]).sorted('reminder_number')
        self.assertEqual(rows.mapped('reminder_number'), [0, 1, 2])
        self.assertEqual(rows[0].reminder_count, 2)

    def test_no_reminders_when_plan_disables_them(self):
        self.plan.notice_reminder_days = 0
        self._notice_cases(1, tier='c')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
            self._age_contacts(wave, 30)
            self.assertEqual(self.env['closure.notice.wave']._send_reminders(), 0)

    # ------------------------------------------------------------------
    # Other channels
    # ------------------------------------------------------------------
    def test_printed_letters(self):
        with_address = self._notice_cases(1, prefix='Posted', tier='c', lang='zh_CN')
        with_address.partner_id.write({'street': '1 Nanjing Road', 'city': 'Shanghai', 'zip': '200000'})
        no_address = self._notice_cases(1, prefix='Nowhere', tier='c')
        wave = self._new_wave(channel='letter')
        with self.mock_mail_gateway():
            wave.action_send()
        rows = {row.lead_id: row for row in wave.recipient_ids}
        self.assertEqual(rows[no_address].failure_reason, 'missing_address')
        letter = rows[with_address]
        self.assertEqual(letter.state, 'sent')
        self.assertIn('您的数据', letter.letter_body)
        self.assertEqual(letter.address, '1 Nanjing Road, 200000, Shanghai')
        self.assertEqual(with_address.closure_stage_code, 'notified')
        self.assertFalse(self._mails_of(with_address)[with_address], "a letter is posted, not mailed")
        html = self.env['ir.actions.report']._render_qweb_html(
            'closure_crm.action_report_closure_notice_letter', letter.ids)[0].decode()
        self.assertIn('您的数据', html)
        self.env.company.external_report_layout_id = self.env.ref('web.external_layout_standard')
        self.assertEqual(wave.action_print_letters()['report_name'], 'closure_crm.report_closure_notice_letter')

    def test_sms_channel_when_sms_is_installed(self):
        if not self.env['closure.notice.wave']._sms_installed():
            self.skipTest("the SMS app is not installed")
        self.assertIn('sms', dict(self.env['closure.notice.wave']._selection_channel()))
        case = self._notice_cases(1, prefix='Texted', tier='c')
        case.write({'phone': '+86 139 1234 5678'})
        case.partner_id.write({'phone': '+86 139 1234 5678'})
        no_phone = self._notice_cases(1, prefix='Silent', tier='c')
        no_phone.partner_id.write({'mobile': False, 'phone': False})
        wave = self._new_wave(channel='sms')
        wave.action_send()
        sms = self.env['sms.sms'].sudo().search([('partner_id', '=', case.partner_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn(case.closure_answer_url, sms.body)
        self.assertEqual(wave.recipient_ids.filtered(lambda r: r.lead_id == no_phone).failure_reason, 'missing_phone')
        self.assertEqual(case.closure_stage_code, 'notified')


@tagged('post_install', '-at_install')
class TestNoticeWaveRobustness(NoticeCommon):
    """Cancel and send again, a failing wave among others, reminders only
    after notices, and 'notified' meaning delivered."""

    def _row(self, wave, case):
        return wave.recipient_ids.filtered(lambda r: r.lead_id == case and not r.reminder_number)

    def test_cancel_reset_and_send_again_reaches_the_cancelled_cases(self):
        cases = self._notice_cases(4, prefix='Paused', tier='c')
        wave = self._new_wave()
        wave.write({'state': 'in_queue'})
        with self.mock_mail_gateway():
            wave._start_sending()
            self.assertEqual(wave._process_batch(limit=2), 2)
            wave.action_cancel()
            self.assertEqual(set(wave.recipient_ids.mapped('state')), {'queued', 'cancel'})
            wave.action_reset_draft()
            self.assertEqual(wave.state, 'draft')
            wave.action_send()
        self.assertEqual(wave.state, 'done')
        self.assertEqual(wave.queued_count, 4)
        mails = self._mails_of(cases)
        self.assertEqual([len(mails[case]) for case in cases], [1] * 4, "each customer once, the cancelled ones too")

    def test_failing_wave_does_not_block_the_others(self):
        broken_template = self.env['mail.template'].create({
            'name': 'Broken notice', 'model_id': self.env['ir.model']._get_id('crm.lead'),
            'closure_kind': 'notice', 'subject': 'Notice', 'partner_to': '{{ object.partner_id.id }}',
            'body_html': '<p><t t-out="object.partner_id.name.no_such_attribute"/></p>'})
        broken_cases = self._notice_cases(2, prefix='Broken', tier='b')
        good_cases = self._notice_cases(2, prefix='Good', tier='c')
        past = fields.Datetime.now() - timedelta(minutes=5)
        broken = self._new_wave(name='Broken wave', tier='b', mail_template_id=broken_template.id, scheduled_date=past)
        good = self._new_wave(name='Good wave', tier='c', scheduled_date=past + timedelta(minutes=1))
        (broken | good).write({'state': 'in_queue'})
        Wave = self.env['closure.notice.wave']
        with self.mock_mail_gateway():
            Wave._cron_process_waves()   # one run: the broken wave fails, the good one is sent
            self.assertTrue(broken.error_message)
            self.assertIn('Sending stopped on an error', broken.message_ids[0].body)
            self.assertEqual(good.state, 'done')
            self.assertEqual(good.queued_count, 2)
            # the broken wave's batch left nothing behind, and is skipped until retried
            self.assertEqual(broken.state, 'in_queue')
            self.assertFalse(broken.recipient_ids)
            self.assertEqual(set(broken_cases.mapped('closure_stage_code')), {'to_notify'})
            self.assertFalse(any(self._mails_of(broken_cases).values()))
            Wave._cron_process_waves()
            self.assertFalse(broken.recipient_ids)
            broken.action_retry()
            self.assertFalse(broken.error_message)
        self.assertEqual([len(mail) for mail in self._mails_of(good_cases).values()], [1, 1])

    def test_only_notice_waves_start_reminders(self):
        self.plan.write({'notice_reminder_days': 3, 'notice_reminder_max': 2})
        cases = self._notice_cases(2, prefix='Guided', tier='c')
        guide = self.env['mail.template'].search([('closure_kind', '=', 'guide')], limit=1)
        wave = self._new_wave(mail_template_id=guide.id)
        self.assertFalse(wave.is_notice)
        with self.mock_mail_gateway():
            wave.action_send()
            self._deliver()
        self.assertEqual(wave.sent_count, 2)
        self.assertFalse(any(wave.recipient_ids.mapped('last_contact_date')))
        cases._closure_set_stage('notified')
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE closure_notice_recipient SET last_contact_date = NOW() - interval '30 days' WHERE wave_id = %s",
            wave.id))
        self.env.invalidate_all()
        with self.mock_mail_gateway():
            self.assertEqual(self.env['closure.notice.wave']._send_reminders(), 0)
        self.assertEqual(wave.reminder_count, 0)

    def test_notified_only_once_the_mail_is_sent(self):
        case = self._notice_cases(1, prefix='Delivered', tier='c')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
            self.assertEqual(case.closure_stage_code, 'notified')
            self.assertFalse(case.closure_notified_date, "queued is not delivered")
            self._mails_of(case)[case].send()
        self.assertEqual(case.closure_notified_date, fields.Date.today())
        self.assertEqual(case.closure_claim_deadline, fields.Date.today() + timedelta(days=self.plan.claim_notice_days))
        self.assertEqual(self._row(wave, case).state, 'sent')

    def _send_one_failing(self, prefix, smtp_error):
        """A wave on one new case whose mail the SMTP server refuses with
        ``smtp_error``: (case, wave, mail)."""
        case = self._notice_cases(1, prefix=prefix, tier='c')
        wave = self._new_wave()
        IrMailServer = type(self.env['ir.mail_server'])
        with self.mock_mail_gateway():
            wave.action_send()
            mail = self._mails_of(case)[case]
            with patch.object(IrMailServer, 'send_email', side_effect=MailDeliveryException(
                    'Mail Delivery Failed', f"Mail delivery failed via SMTP server 'None'.\n{smtp_error}")):
                mail.send(raise_exception=False)
        return case, wave, mail

    def test_refused_address_fails_at_once(self):
        """A permanent failure (SMTP 5xx on the recipient) is marked at once,
        as an invalid address, with what the server said; nothing retried."""
        case, wave, mail = self._send_one_failing('Refused', "SMTPRecipientsRefused: "
                                                  "{'refused@example.com': (550, b'5.1.1 mailbox unavailable')}")
        self.assertEqual(mail.state, 'exception')
        row = self._row(wave, case)
        self.assertEqual((row.state, row.failure_reason, row.retry_count), ('invalid', 'refused', 0))
        self.assertIn('mailbox unavailable', row.failure_detail)
        self.assertFalse(case.closure_notified_date, "a notice that did not go out starts no claim period")
        self.assertEqual((wave.invalid_count, wave.failed_count, wave.queued_count, wave.sent_count), (1, 0, 0, 0))
        self.assertIn('could not be delivered', case.message_ids[0].body)
        figures = assert_history_agrees(self, wave, 'Wave delivered')
        self.assertEqual((figures['sent_count'], figures['invalid_count']), (0, 1))

    def test_permanent_server_failure_is_not_an_invalid_address(self):
        case, wave, _mail = self._send_one_failing('Rejected', "SMTPDataError: (554, b'5.7.1 message rejected')")
        row = self._row(wave, case)
        self.assertEqual((row.state, row.failure_reason), ('failed', 'server_refused'))
        self.assertEqual((wave.invalid_count, wave.failed_count, wave.failed_server_count, wave.failed_other_count),
                         (0, 1, 1, 0))

    def test_relay_refused_by_our_server_is_not_an_invalid_address(self):
        """Our server refusing to relay reports every recipient refused: the
        address is fine, the mail server is the cause."""
        case, wave, _mail = self._send_one_failing('Relay', "SMTPRecipientsRefused: "
                                                   "{'relay@example.com': (554, b'5.7.1 Relay access denied')}")
        row = self._row(wave, case)
        self.assertEqual((row.state, row.failure_reason), ('failed', 'server_refused'))
        self.assertEqual((wave.invalid_count, wave.failed_server_count), (0, 1))
        self.assertIn('Our mail server refused the mail', case.message_ids[0].body)

    def test_counters_agree_with_history_at_each_stage(self):
        """A wave's counters come from its notice rows, and so do the figures
        of its history messages: at each stage (queued, partly sent, a failure
        of each cause, delivered) both say the same, and the cases picked
        stay the wave's cases after they moved on to 'Notified'."""
        cases = self._notice_cases(5, prefix='Stage', tier='c')
        missing = self._notice_cases(1, prefix='Stage Missing', tier='c')
        missing.partner_id.email = False
        wave = self._new_wave()
        self.assertEqual(wave.case_count, 6, "before sending: what the filters pick")
        IrMailServer = type(self.env['ir.mail_server'])
        with self.mock_mail_gateway():
            wave.action_send()
            # queued: nothing sent yet, and the wave does not say "sent"
            self.assertEqual(wave.state, 'done')
            figures = assert_history_agrees(self, wave, 'Wave handed to the mail queue')
            self.assertEqual((figures['case_count'], figures['queued_count'], figures['sent_count'],
                              figures['invalid_count']), (6, 5, 0, 1))
            self.assertNotIn('Wave sent', wave.message_ids.mapped('body')[0])
            self.assertAlmostEqual(wave.progress, 100.0 / 6)
            self.assertEqual(self.env['crm.lead'].search_count(wave.action_view_cases()['domain']), 6,
                             "the cases picked are the wave's, though they left 'To Notify'")
            mails = self._mails_of(cases)
            # partly sent
            mails[cases[0]].send()
            self.assertEqual((wave_figures(wave)['sent_count'], wave_figures(wave)['queued_count']), (1, 4))
            # one failure of each cause
            failures = {
                cases[1]: "SMTPRecipientsRefused: {'x@example.com': (550, b'5.1.1 user unknown')}",
                cases[2]: "SMTPDataError: (554, b'5.7.1 message rejected')",
            }
            for case, error in failures.items():
                with patch.object(IrMailServer, 'send_email', side_effect=MailDeliveryException(
                        'Mail Delivery Failed', f"Mail delivery failed via SMTP server 'None'.\n{error}")):
                    mails[case].send(raise_exception=False)
            mails[cases[3]].cancel()
            figures = wave_figures(wave)
            self.assertEqual(
                (figures['sent_count'], figures['queued_count'], figures['invalid_count'],
                 figures['failed_server_count'], figures['failed_other_count']), (1, 1, 2, 1, 1))
            self.assertFalse(wave.message_ids.filtered(lambda m: 'Wave delivered' in (m.body or '')),
                             "not delivered while a mail is still queued")
            self.assertEqual(
                {row.lead_id: row.failure_reason for row in wave.recipient_ids if row.failure_reason},
                {missing: 'missing_email', cases[1]: 'refused', cases[2]: 'server_refused', cases[3]: 'send_failed'})
            # the last mail settles: the history's final figures are the counters
            mails[cases[4]].send()
        figures = assert_history_agrees(self, wave, 'Wave delivered')
        self.assertEqual((figures['sent_count'], figures['queued_count'], figures['invalid_count'],
                          figures['failed_server_count'], figures['failed_other_count']), (2, 0, 2, 1, 1))
        self.assertEqual(wave.progress, 100.0)
        self.assertEqual(self.env['closure.notice.recipient'].search_count(
            wave.action_view_failed_server()['domain'] + [('state', '=', 'failed'), (
                'failure_reason', 'in', ('server_refused', 'server_unreachable'))]), 1)

    def test_bounce_marks_the_notice_invalid(self):
        case = self._notice_cases(1, prefix='Bounced', tier='c')
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
            mail = self._mails_of(case)[case]
            mail.send()
        self.assertEqual(case.closure_notified_date, fields.Date.today())
        row = self._row(wave, case)
        message = row.message_id
        self.env['mail.thread']._routing_handle_bounce(None, {
            'bounced_email': case.partner_id.email_normalized, 'bounced_partner': case.partner_id,
            'bounced_msg_ids': [message.message_id], 'bounced_message': message,
            'body': '<p>Mailbox full</p>', 'email_from': 'MAILER-DAEMON@example.com',
            'to': 'bounce.test@test.mycompany.com', 'message_id': '<bounce-1@example.com>'})
        row.invalidate_recordset()
        self.assertEqual((row.state, row.failure_reason), ('invalid', 'bounced'))
        self.assertIn('Mailbox full', row.failure_detail)
        case.invalidate_recordset()
        self.assertFalse(case.closure_notified_date)


@tagged('post_install', '-at_install')
class TestNoticeAnswerPage(HttpCase):
    """The personal link in every notice opens the customer's page only with
    the right token (the page itself: test_answer_page.py)."""

    def test_personal_link_needs_its_token(self):
        plan = self.env['closure.plan'].create({'name': 'Link test', 'notice_hotline': '+86 400 000 0000'})
        partner = self.env['res.partner'].create({'name': 'Linked Customer', 'email': 'linked@example.com'})
        case = self.env['crm.lead'].create({
            'name': 'Linked', 'type': 'opportunity', 'partner_id': partner.id,
            'closure_plan_id': plan.id, 'team_id': plan.team_id.id})
        url = case.closure_answer_url
        token = case.sudo().closure_access_token
        self.assertTrue(token)
        self.assertTrue(url.endswith(f'/closure/answer/{case.id}?access_token={token}'))
        response = self.url_open(f'/closure/answer/{case.id}?access_token={token}')
        self.assertEqual(response.status_code, 200, response.text[-3000:])
        self.assertIn('Linked Customer', response.text)
        self.assertIn('+86 400 000 0000', response.text)
        for bad in (f'/closure/answer/{case.id}?access_token=wrong', f'/closure/answer/{case.id}',
                    f'/closure/answer/{case.id + 100000}?access_token={token}'):
            self.assertEqual(self.url_open(bad).status_code, 404, bad)
