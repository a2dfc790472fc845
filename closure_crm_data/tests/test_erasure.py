import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tests.common import tagged

from odoo.addons.closure_crm.tests.common import CommittedDataCase
from odoo.addons.closure_crm.tests.transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestErasure(TransferCommon):
    """The erasure of a plan's customer data from its erasure date (PIPL
    Art. 47, GDPR Art. 17): what is gone, what is kept, the skipped cases,
    a re-run that erases nothing twice, the refusals, the certificate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({'decision_date': fields.Date.today() - timedelta(days=200)})
        cls.receiver = cls._create_receiver('Erase Harbour', industries=cls.retail, states=cls.shanghai)
        cls.case, cls.held, cls.disputed = cls._create_need_cases(3, prefix='Erase Me', industry=cls.retail)
        cls.held.write({'closure_legal_hold': True, 'closure_legal_hold_reason': 'Court order 2026/17'})
        cls.disputed.closure_dispute_open = True
        cls.customer = cls.case.partner_id
        cls.contact_person = cls.env['res.partner'].create({
            'name': 'Mr Person', 'parent_id': cls.customer.id, 'email': 'person@example.com'})
        # an unpaid milestone: nothing refundable, nothing declared, so nothing owed
        cls.obligation = cls.env['closure.obligation'].create({
            'lead_id': cls.case.id, 'obligation_type': 'milestone', 'name': 'Go-live milestone', 'amount': 300.0,
            'note': 'Customer said his wife paid.'})
        transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.receiver.id})
        cls.consent = cls.env['closure.consent'].create({
            'lead_id': cls.case.id, 'transfer_id': transfer.id, 'decision': 'accept',
            'receiver_id': cls.receiver.id, 'data_category_ids': [(6, 0, cls.cat_contact.ids)],
            'channel': 'email', 'evidence': base64.b64encode(b'signed form'), 'evidence_filename': 'form.pdf',
            'note': 'Answered from 203.0.113.7 (Firefox 128).'})
        cls.package = cls.env['ir.attachment'].create({
            'name': 'package.json', 'raw': b'{"email": "x"}', 'res_model': 'closure.transfer', 'res_id': transfer.id})
        for case in cls.case | cls.held | cls.disputed:
            case.message_post(body=f'Message from {case.partner_id.name}', author_id=case.partner_id.id,
                              message_type='comment', subtype_xmlid='mail.mt_comment',
                              attachments=[('scan.txt', b'scan')])
            case.message_post(body='Internal note', subtype_xmlid='mail.mt_note')
        cls.customer.message_post(body='A note on the contact', subtype_xmlid='mail.mt_note')
        cls.case.write({'closure_reply_terms': 'refund, lawyer', 'closure_reply_mood': 'rights'})
        cls.token = cls.case.closure_answer_url and cls.case.sudo().closure_access_token
        wave = cls.env['closure.notice.wave'].create({'name': 'Letters', 'plan_id': cls.plan.id, 'channel': 'letter'})
        cls.recipient = cls.env['closure.notice.recipient'].create({
            'wave_id': wave.id, 'lead_id': cls.case.id, 'partner_id': cls.customer.id, 'channel': 'letter',
            'state': 'sent', 'address': '1 Tea Street, Shanghai', 'letter_body': '<p>Dear Erase Me 0</p>'})
        cls.case._closure_schedule_activity('mail.mail_activity_data_todo', 'Call', 'Call them', fields.Date.today())

    def _messages(self, cases):
        return self.env['mail.message'].search([('model', '=', 'crm.lead'), ('res_id', 'in', cases.ids)])

    def _erase(self, user=None):
        self.plan.with_user(user or self.manager).action_start_erasure()
        erasure = self.plan.erasure_id
        self.assertEqual(erasure.state, 'running')
        erasure.with_user(user or self.manager)._run_until_done()
        self.env.invalidate_all()
        return erasure

    def test_preview_counts_without_changing_anything(self):
        counts = self.env['closure.erasure'].with_user(self.manager)._preview_counts(self.plan)
        self.assertEqual(counts['case_count'], 1)
        self.assertEqual(counts['partner_count'], 2, "the customer and their contact person")
        self.assertEqual(counts['evidence_count'], 1)
        self.assertEqual(counts['package_count'], 1)
        self.assertEqual(counts['attachment_count'], 1)
        self.assertEqual(counts['token_count'], 1)
        self.assertEqual(counts['triage_count'], 1)
        self.assertEqual(counts['recipient_count'], 1)
        self.assertEqual(counts['activity_count'], 1)
        self.assertGreaterEqual(counts['message_count'], 3)
        action = self.plan.with_user(self.manager).action_preview_erasure()
        self.assertEqual((action['type'], action['report_name'], action['report_type']),
                         ('ir.actions.report', 'closure_crm_data.report_closure_erasure_preview', 'qweb-html'))
        self.env.invalidate_all()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertFalse(self.plan.erasure_id)
        with self.assertRaises(AccessError):
            self.env['closure.erasure'].with_user(self.rep_1)._preview_counts(self.plan)

    def _preview_html(self, user):
        html, _kind = self.env['ir.actions.report'].with_user(user)._render_qweb_html(
            'closure_crm_data.report_closure_erasure_preview', self.plan.ids)
        return html.decode()

    def test_preview_report_after_the_date(self):
        """The manager's preview: what would be erased, what is kept by law,
        which cases are held back and why; nothing changes."""
        html = self._preview_html(self.manager)
        self.assertIn('has come', html)
        self.assertIn('Would be erased', html)
        self.assertRegex(html, r'Cases Anonymised</td>\s*<td class="text-end">1</td>')
        self.assertIn('Kept as the law requires', html)
        self.assertIn('Held back: <span>2</span> cases', html)
        self.assertRegex(html, r'Legal hold</td>\s*<td class="text-end">1</td>')
        self.assertRegex(html, r'Open dispute</td>\s*<td class="text-end">1</td>')
        self.assertIn('Court order 2026/17', html, "each held case with its reason")
        self.assertIn(self.disputed.name, html)
        self.assertNotIn(self.case.name + '</td>', html, "the erasable case is counted, not listed as held")
        self.env.invalidate_all()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertFalse(self.plan.erasure_id)
        # after an erasure, the preview says what is already gone
        self._erase()
        html = self._preview_html(self.manager)
        self.assertIn('Already erased: <strong>1</strong> cases', html)
        self.assertRegex(html, r'Cases Anonymised</td>\s*<td class="text-end">0</td>')

    def test_preview_report_before_the_date_and_refused_to_a_rep(self):
        """Before the erasure date the preview opens too (no error): it says
        nothing is erased before the date and what would be then."""
        self.plan.write({'decision_date': fields.Date.today()})
        self.assertGreater(self.plan.data_erasure_date, fields.Date.today())
        action = self.plan.with_user(self.manager).action_preview_erasure()
        self.assertEqual(action['type'], 'ir.actions.report')
        html = self._preview_html(self.manager)
        self.assertIn('Nothing is erased before the data erasure date', html)
        self.assertRegex(html, r'Cases Anonymised</td>\s*<td class="text-end">1</td>')
        self.assertIn('Court order 2026/17', html)
        # a rep: neither the button nor the report's own URL
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_preview_erasure()
        with self.assertRaises(AccessError):
            self._preview_html(self.rep_1)
        self.env.invalidate_all()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertFalse(self.plan.erasure_id)

    def test_start_erasure_says_what_it_started(self):
        action = self.plan.with_user(self.manager).action_start_erasure()
        self.assertEqual(action['tag'], 'display_notification')
        self.assertIn('erasing the data of 1 cases in the background; 2 cases are kept', action['params']['message'])

    def test_refused_before_the_date_and_for_a_rep(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_start_erasure()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1)._closure_erase_now()
        self.plan.write({'decision_date': fields.Date.today()})
        self.assertGreater(self.plan.data_erasure_date, fields.Date.today())
        with self.assertRaisesRegex(UserError, 'Data Erasure Date'):
            self.plan.with_user(self.manager).action_start_erasure()
        self.env['closure.erasure']._cron_erase()
        self.assertFalse(self.env['closure.erasure'].search([('plan_id', '=', self.plan.id)]))
        self.env.invalidate_all()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertEqual(self.case.sudo().closure_access_token, self.token)
        self.assertEqual(len(self._messages(self.case).filtered(lambda m: 'Message from' in (m.body or ''))), 1)

    def test_nobody_marks_a_case_erased_by_hand(self):
        """A case marked erased by hand would keep its data past the erasure:
        only the erasure sets it, whoever calls."""
        for user in (self.rep_1, self.manager):
            with self.assertRefused(self.case, UserError, 'set by the erasure'):
                self.case.with_user(user).write({'closure_erased_date': fields.Datetime.now()})
        with self.assertRefused(self.case, UserError, 'set by the erasure'):
            self.env['crm.lead'].with_user(self.manager).create({
                'name': 'Pre-erased', 'closure_plan_id': self.plan.id, 'closure_erased_date': fields.Datetime.now()})
        erasure = self._erase()
        self.assertEqual(self.case.closure_erasure_id, erasure)

    def test_erasure_erases_and_keeps(self):
        figures = (self.case.closure_tier, self.case.closure_refund_due, self.case.stage_id, self.obligation.amount)
        erasure = self._erase()
        self.assertEqual(erasure.state, 'done')
        # gone
        self.assertEqual(self.customer.name, f'Erased customer #{self.customer.id}')
        self.assertFalse(self.customer.email or self.customer.phone or self.customer.street)
        self.assertEqual(self.contact_person.name, f'Erased customer #{self.contact_person.id}')
        self.assertFalse(self.contact_person.email)
        self.assertEqual(self.case.name, f'Erased case #{self.case.id}')
        self.assertFalse(self.case.email_from or self.case.phone)
        self.assertFalse(self.case.sudo().closure_access_token)
        self.assertFalse(self.case.closure_reply_terms or self.case.closure_reply_mood)
        self.assertTrue(self.case.closure_erased_date)
        self.assertFalse(self._messages(self.case))
        self.assertFalse(self.env['mail.message'].search(
            [('model', '=', 'res.partner'), ('res_id', '=', self.customer.id)]))
        # each model with its own ids (a demo file on another case may share an id of a consent)
        self.assertFalse(self.env['ir.attachment'].search(
            ['|', '|',
             '&', ('res_model', '=', 'crm.lead'), ('res_id', 'in', self.case.ids),
             '&', ('res_model', '=', 'closure.transfer'), ('res_id', 'in', self.consent.transfer_id.ids),
             '&', ('res_model', '=', 'closure.consent'), ('res_id', 'in', self.consent.ids)]))
        self.assertFalse(self.package.exists())
        self.assertFalse(self.consent.note or self.consent.evidence or self.consent.evidence_filename)
        self.assertFalse(self.recipient.address or self.recipient.letter_body)
        self.assertFalse(self.obligation.note)
        self.assertFalse(self.env['mail.activity'].search(
            [('res_model', '=', 'crm.lead'), ('res_id', '=', self.case.id)]))
        # kept: the anonymous figures of the registers and the consent's decision
        self.assertEqual((self.case.closure_tier, self.case.closure_refund_due, self.case.stage_id,
                          self.obligation.amount), figures)
        self.assertEqual((self.consent.decision, self.consent.channel, self.consent.receiver_id),
                         ('accept', 'email', self.receiver))
        self.assertTrue(self.case.exists() and self.obligation.exists())
        # skipped and listed
        self.assertEqual(erasure.skipped_case_ids, self.held | self.disputed)
        for case in self.held | self.disputed:
            self.assertTrue(case.partner_id.name.startswith('Erase Me'))
            self.assertFalse(case.closure_erased_date)
            self.assertEqual(len(self._messages(case).filtered(lambda m: 'Message from' in (m.body or ''))), 1)
        # counted
        self.assertEqual((erasure.case_count, erasure.partner_count, erasure.evidence_count,
                          erasure.package_count, erasure.attachment_count, erasure.token_count,
                          erasure.triage_count, erasure.recipient_count, erasure.consent_count, erasure.activity_count),
                         (1, 2, 1, 1, 1, 1, 1, 1, 1, 1))
        self.assertGreaterEqual(erasure.message_count, 3)
        self.assertIn('Obligations: 1 kept', erasure.kept_note)
        self.assertIn('Customer data erased', self.plan.message_ids[0].body)
        # the certificate
        html = str(self.env['ir.actions.report']._render_qweb_html(
            'closure_crm_data.report_closure_erasure', erasure.ids)[0])
        self.assertIn('Certificate of Erasure', html)
        self.assertIn('Court order 2026/17', html)
        self.assertIn('Cases Anonymised', html)
        # printing: the report, or first Odoo's document layout set-up on a new company
        self.assertIn(erasure.action_print_certificate()['type'], ('ir.actions.report', 'ir.actions.act_window'))

    def test_erasure_never_precedes_what_is_owed(self):
        """A customer still owed money (an open refundable balance, a declared
        claim under review or unpaid) keeps their data and their page until
        the claim is settled; the erasure lists them with the reason."""
        owed_balance, owed_claim, waived = self._create_need_cases(3, prefix='Owed', industry=self.retail)
        Obligation = self.env['closure.obligation']
        balance = Obligation.create({'lead_id': owed_balance.id, 'obligation_type': 'prepaid',
                                     'name': 'Prepaid card', 'amount': 120.0})
        # a declared claim (paid, undelivered milestone), whatever its amount says
        claim = Obligation.create({'lead_id': owed_claim.id, 'obligation_type': 'milestone', 'name': 'Go-live',
                                   'amount': 0.0, 'claim_declared_date': fields.Date.today() - timedelta(days=3),
                                   'claim_channel': 'email'})
        gone = Obligation.create({'lead_id': waived.id, 'obligation_type': 'deposit', 'name': 'Deposit',
                                  'amount': 50.0})
        self.env.flush_all()
        # recorded outside this test's subject (payment and waiver have their own workflow and guards)
        self.env.cr.execute("UPDATE closure_obligation SET state = 'waived' WHERE id = %s", [gone.id])
        self.env.invalidate_all()
        counts = self.env['closure.erasure'].with_user(self.manager)._preview_counts(self.plan)
        self.assertEqual(counts['case_count'], 2, "the first case and the one whose deposit was waived")
        tokens = {case: case.sudo().closure_access_token for case in owed_balance | owed_claim}
        erasure = self._erase()
        self.assertEqual(erasure.state, 'done')
        self.assertEqual(erasure.skipped_case_ids, self.held | self.disputed | owed_balance | owed_claim)
        self.assertTrue(waived.closure_erased_date)
        for case in owed_balance | owed_claim:
            self.assertFalse(case.closure_erased_date, "a skipped case is not marked erased: its page stays open")
            self.assertTrue(case.partner_id.name.startswith('Owed'))
            self.assertEqual(case.sudo().closure_access_token, tokens[case])
            self.assertIn('claim is still owed', case.closure_erasure_skip_reason)
        self.assertEqual((balance.amount, claim.state), (120.0, 'open'))
        # past the erasure date, the owed customers' pages stay open; an erased one's is closed
        self.assertLess(self.plan.data_erasure_date, fields.Date.today())
        self.assertFalse(owed_balance._closure_answer_link_expired() or owed_claim._closure_answer_link_expired())
        self.assertTrue(waived._closure_answer_link_expired())
        self.assertIn('Court order 2026/17', self.held.closure_erasure_skip_reason)
        self.assertIn('still owed', erasure.kept_note)
        html = str(self.env['ir.actions.report']._render_qweb_html(
            'closure_crm_data.report_closure_erasure', erasure.ids)[0])
        self.assertIn('claim is still owed', html)
        # settled, the scheduled job takes the erasure up again and erases them
        self.env.cr.execute("UPDATE closure_obligation SET state = 'settled' WHERE id IN %s",
                            [(balance.id, claim.id)])
        self.env.invalidate_all()
        self.env['closure.erasure']._cron_erase()
        self.assertEqual((erasure.state, erasure.run_count), ('running', 2))
        self.env['closure.erasure']._cron_erase()
        self.env.invalidate_all()
        self.assertEqual(erasure.state, 'done')
        self.assertEqual(erasure.skipped_case_ids, self.held | self.disputed)
        self.assertTrue(owed_balance.closure_erased_date and owed_claim.closure_erased_date)
        self.assertTrue(owed_balance.partner_id.name.startswith('Erased customer'))

    def test_rerun_erases_nothing_twice(self):
        erasure = self._erase()
        before = erasure.read(['case_count', 'partner_count', 'message_count', 'attachment_count'])[0]
        name = self.customer.name
        again = self._erase()
        self.assertEqual(again, erasure)
        self.assertEqual(erasure.read(['case_count', 'partner_count', 'message_count', 'attachment_count'])[0], before)
        self.assertEqual(erasure.run_count, 2)
        self.assertEqual(self.customer.name, name)
        # a hold lifted: the next run erases that case, and only it
        self.held.write({'closure_legal_hold': False})
        self._erase()
        self.assertEqual(erasure.case_count, 2)
        self.assertEqual(erasure.skipped_case_ids, self.disputed)
        self.assertTrue(self.held.partner_id.name.startswith('Erased customer'))

    def test_batch_queries_do_not_grow_with_the_cases(self):
        def queries_to_erase(count):
            plan = self.env['closure.plan'].create({
                'name': f'Query guard {count}', 'decision_date': fields.Date.today() - timedelta(days=200)})
            cases = self._create_need_cases(count, prefix=f'Guard {count}', plan=plan)
            for case in cases:
                case.message_post(body='hello', author_id=case.partner_id.id, message_type='comment',
                                  subtype_xmlid='mail.mt_comment', attachments=[('a.txt', b'a')])
            erasure = self.env['closure.erasure']._ensure_for_plan(plan)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(erasure._erase_batch(), count)
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_to_erase(2), queries_to_erase(8))

    def test_scheduled_job(self):
        job = self.env.ref('closure_crm_data.ir_cron_closure_erasure')
        Trigger = self.env['ir.cron.trigger'].sudo()
        triggers = Trigger.search_count([('cron_id', '=', job.id)])
        self.env['closure.erasure']._cron_erase()
        erasure = self.plan.erasure_id
        self.assertEqual(erasure.case_count, 1)
        self.assertEqual(erasure.state, 'running')
        # the last batch: the job comes back at once to close the record, not at its next daily run
        # (another worker that ran meanwhile saw this batch's cases still to do, and left the record open)
        self.assertGreater(Trigger.search_count([('cron_id', '=', job.id)]), triggers)
        self.env['closure.erasure']._cron_erase()
        self.assertEqual(erasure.state, 'done')
        self.assertEqual(erasure.case_count, 1)

    def test_posted_invoice_keeps_the_customer_identity(self):
        if 'account.move' not in self.env:
            self.skipTest("Invoicing is not installed in this database")
        self.customer.vat = 'CN91310000MA1FL0XXXX'
        invoice = self.env['account.move'].create({
            'move_type': 'out_invoice', 'partner_id': self.customer.id,
            'invoice_line_ids': [(0, 0, {'name': 'Service', 'quantity': 1, 'price_unit': 100.0})]})
        invoice.action_post()
        erasure = self._erase()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertEqual(self.customer.vat, 'CN91310000MA1FL0XXXX')
        self.assertFalse(self.customer.email or self.customer.phone)
        self.assertEqual(invoice.state, 'posted')
        self.assertEqual((erasure.identity_kept_count, erasure.kept_move_count), (1, 1))


CASES = 24


@tagged('post_install', '-at_install')
class TestErasureConcurrency(CommittedDataCase):
    """Two workers erasing the same plan at once, each in its own committed
    transaction: every case is erased once and counted once."""

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            plan = env['closure.plan'].create({
                'name': f'Erasure concurrency {self._testMethodName}',
                'decision_date': date.today() - timedelta(days=200),
            })
            plan.action_start()
            partners = env['res.partner'].create([{
                'name': f'Concurrent erase {index}', 'email': f'erase{index}@example.com',
            } for index in range(CASES)])
            cases = env['crm.lead'].create([{
                'name': partner.name, 'type': 'opportunity', 'partner_id': partner.id,
                'closure_plan_id': plan.id, 'team_id': plan.team_id.id,
            } for partner in partners])
            for case in cases:
                case.message_post(body='hello', author_id=case.partner_id.id, message_type='comment',
                                  subtype_xmlid='mail.mt_comment')
            erasure = env['closure.erasure']._ensure_for_plan(plan)
            self.ids = {'plan': plan.id, 'team': plan.team_id.id, 'partners': partners.ids,
                        'cases': cases.ids, 'erasure': erasure.id}
        self.addCleanup(self._delete_data)

    def _delete_data(self):
        with self.committed_env() as env:
            env['closure.erasure'].browse(self.ids['erasure']).exists().unlink()
            env['crm.lead'].with_context(active_test=False).browse(self.ids['cases']).exists().unlink()
            env['res.partner'].browse(self.ids['partners']).exists().unlink()
            self._delete_plan_team(env, self.ids['plan'], self.ids['team'])

    def _state(self):
        with self.registry.cursor() as cr:
            cr.execute("""SELECT COUNT(*) FILTER (WHERE closure_erased_date IS NOT NULL),
                                 COUNT(*) FILTER (WHERE name LIKE 'Erased case #%%')
                            FROM crm_lead WHERE id IN %s""", [tuple(self.ids['cases'])])
            erased = cr.fetchone()
            cr.execute("""SELECT COUNT(*) FROM mail_message WHERE model = 'crm.lead' AND res_id IN %s""",
                       [tuple(self.ids['cases'])])
            messages = cr.fetchone()[0]
            cr.execute("""SELECT e.state, SUM(b.case_count), SUM(b.partner_count), SUM(b.message_count)
                            FROM closure_erasure e JOIN closure_erasure_batch b ON b.erasure_id = e.id
                           WHERE e.id = %s GROUP BY e.state""", [self.ids['erasure']])
            return erased, messages, cr.fetchone()

    def test_a_worker_skips_the_cases_another_holds(self):
        def erase_one_batch(env):
            return env['closure.erasure'].browse(self.ids['erasure'])._erase_batch(limit=5)

        def erase_the_rest(env):
            erasure, done = env['closure.erasure'].browse(self.ids['erasure']), 0
            while batch := erasure._erase_batch(limit=7):
                done += batch
            return done

        done_1, done_2 = self.run_beside_open_batch(erase_one_batch, erase_the_rest)
        self.assertEqual((done_1, done_2), (5, CASES - 5))
        with self.committed_env() as env:
            self.assertTrue(env['closure.erasure'].browse(self.ids['erasure'])._finish())
        erased, messages, (state, case_count, partner_count, message_count) = self._state()
        self.assertEqual(erased, (CASES, CASES))
        self.assertEqual(messages, 0)
        self.assertEqual((state, case_count, partner_count), ('done', CASES, CASES))
        self.assertGreaterEqual(message_count, CASES)

    def test_two_workers_run_the_job_together(self):
        """Two workers start together and erase batches, each committing
        after every batch, until none is left."""
        barrier = threading.Barrier(2)

        def run():
            done = 0
            with self.committed_env() as env:
                erasure = env['closure.erasure'].browse(self.ids['erasure'])
                barrier.wait(timeout=30)
                try:
                    while True:
                        try:
                            batch = erasure._erase_batch(limit=4)
                        except errors.SerializationFailure:
                            # the other worker committed a case this snapshot saw to do
                            env.cr.rollback()
                            continue
                        if not batch:
                            break
                        done += batch
                        env.cr.commit()
                except Exception as error:  # noqa: BLE001 - the test shows it
                    return error, done
            return None, done

        with ThreadPoolExecutor(max_workers=2) as executor:
            futures = [executor.submit(run) for _i in range(2)]
            results = [future.result(timeout=120) for future in futures]
        self.assertFalse([error for error, _done in results if error], results)
        results = [done for _error, done in results]
        self.assertEqual(sum(results), CASES, results)
        with self.committed_env() as env:
            env['closure.erasure'].browse(self.ids['erasure'])._finish()
        erased, messages, (state, case_count, partner_count, _messages) = self._state()
        self.assertEqual(erased, (CASES, CASES))
        self.assertEqual((state, case_count, partner_count), ('done', CASES, CASES))

    def test_two_workers_close_the_record_at_once(self):
        """A worker whose transaction began before another one closed the
        record leaves it closed, without failing the scheduled job."""
        with self.committed_env() as env:
            erasure = env['closure.erasure'].browse(self.ids['erasure'])
            while erasure._erase_batch():
                pass
        with self.committed_env() as env_late:
            late = env_late['closure.erasure'].browse(self.ids['erasure'])
            self.assertEqual(late.state, 'running')  # its snapshot: the record still running
            with self.committed_env() as env_first:
                self.assertTrue(env_first['closure.erasure'].browse(self.ids['erasure'])._finish())
            self.assertFalse(late._finish())
            env_late.cr.execute("SELECT 1")  # its transaction still usable
        _erased, _messages, (state, case_count, _partners, _messages_count) = self._state()
        self.assertEqual((state, case_count), ('done', CASES))


# markers of one customer: none may be left anywhere in the database after the erasure
MARKERS = {
    'name': 'Zqxmarker', 'email': 'zqxmail', 'phone': '6543 2198', 'phone_sanitized': '65432198',
    'street': 'Qzvstreet', 'bank': '4433221100998877',
}
# where a marker may stay, and why (the certificate says the same)
KEPT_PLACES = {
    ('mail_blacklist', 'email'): "the suppression list: the customer is never mailed again",
}


@tagged('post_install', '-at_install')
class TestErasureLeavesNoTrace(TransferCommon):
    """A customer touching every place the closure puts personal data:
    after the erasure, none of their name, email, phone, street or bank
    account number is left in any text column of any table, except the
    documented suppression list."""
    # the tables the customer's data is put in, checked before the erasure
    # (add-ons' tests add theirs: closure_crm_care's complaints)
    TRACE_TABLES = ('res_partner', 'crm_lead', 'res_users', 'res_partner_bank', 'calendar_event', 'mail_activity',
                    'mail_message', 'ir_attachment', 'closure_consent', 'closure_notice_recipient', 'mail_blacklist')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({'decision_date': fields.Date.today() - timedelta(days=200)})
        cls.receiver = cls._create_receiver('Trace Harbour', industries=cls.retail, states=cls.shanghai)
        cls.customer = cls.env['res.partner'].create({
            'name': 'Zqxmarker Trading', 'is_company': True, 'email': 'zqxmail@example.com',
            'phone': '+86 21 6543 2198', 'mobile': '+86 138 6543 2198', 'street': '9 Qzvstreet Road',
            'city': 'Shanghai', 'country_id': cls.china.id, 'comment': 'Zqxmarker likes tea.',
            'function': 'Zqxmarker owner', 'website': 'https://zqxmail.example.com',
        })
        cls.case = cls._create_cases(cls.customer, user_id=cls.rep_1.id, closure_industry_id=cls.retail.id)
        cls.case.write({'email_from': 'zqxmail@example.com', 'contact_name': 'Zqxmarker Boss',
                        'description': '<p>Zqxmarker asked at 9 Qzvstreet Road</p>'})
        cls.person = cls.env['res.partner'].create({
            'name': 'Zqxmarker Person', 'parent_id': cls.customer.id, 'email': 'zqxmail.person@example.com',
            'phone': '+86 21 6543 2198', 'street': '9 Qzvstreet Road'})
        # a portal user of the customer
        cls.portal_user = new_test_user(
            cls.env, login='zqxmail.portal@example.com', name='Zqxmarker Portal', groups='base.group_portal',
            email='zqxmail.portal@example.com', signature='<p>Zqxmarker Portal, 9 Qzvstreet Road</p>')
        cls.portal_user.partner_id.write({'parent_id': cls.customer.id, 'phone': '+86 21 6543 2198'})
        cls.bank = cls.env['res.partner.bank'].create({
            'partner_id': cls.customer.id, 'acc_number': '4433221100998877', 'acc_holder_name': 'Zqxmarker Trading'})
        # the personal meeting
        cls.event = cls.env['calendar.event'].create({
            'name': 'Meeting Zqxmarker', 'location': '9 Qzvstreet Road', 'opportunity_id': cls.case.id,
            'partner_ids': [Command.set((cls.customer | cls.rep_1.partner_id).ids)],
            'start': fields.Datetime.now(), 'stop': fields.Datetime.now() + timedelta(hours=1)})
        # the case's chatter, with a file
        cls.case.message_post(body='Zqxmarker wrote from zqxmail@example.com', author_id=cls.customer.id,
                              message_type='comment', subtype_xmlid='mail.mt_comment',
                              attachments=[('zqxmarker-contract.txt', b'Zqxmarker 4433221100998877')])
        # a transfer with its activity, messages, consent and data package
        transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.receiver.id})
        transfer.activity_schedule('mail.mail_activity_data_todo', summary='Call Zqxmarker',
                                   note='+86 21 6543 2198', user_id=cls.rep_1.id)
        transfer.message_post(body='Zqxmarker asked about the receiver', subtype_xmlid='mail.mt_note')
        cls.env['closure.consent'].create({
            'lead_id': cls.case.id, 'transfer_id': transfer.id, 'decision': 'accept',
            'receiver_id': cls.receiver.id, 'data_category_ids': [Command.set(cls.cat_contact.ids)],
            'channel': 'email', 'evidence': base64.b64encode(b'Zqxmarker signed'),
            'evidence_filename': 'zqxmarker-form.pdf', 'note': 'Zqxmarker answered from zqxmail@example.com'})
        cls.env['ir.attachment'].create({
            'name': 'zqxmarker-package.json', 'raw': b'{"email": "zqxmail@example.com"}',
            'res_model': 'closure.transfer', 'res_id': transfer.id})
        # notice rows: the address used, the letter, the bounce
        wave = cls.env['closure.notice.wave'].create({'name': 'Trace', 'plan_id': cls.plan.id, 'channel': 'email'})
        Recipient = cls.env['closure.notice.recipient']
        Recipient.create({
            'wave_id': wave.id, 'lead_id': cls.case.id, 'partner_id': cls.customer.id, 'channel': 'email',
            'state': 'sent', 'address': 'zqxmail@example.com',
            'failure_detail': '550 zqxmail@example.com: mailbox unavailable'})
        Recipient.create({
            'wave_id': wave.id, 'lead_id': cls.case.id, 'partner_id': cls.customer.id, 'channel': 'letter',
            'reminder_number': 1, 'state': 'sent', 'address': '9 Qzvstreet Road',
            'letter_body': '<p>Dear Zqxmarker Trading</p>'})
        # the plan's chatter names the customer; another customer's note stays
        cls.plan.message_post(body='Zqxmarker Trading asked for a call at +86 21 6543 2198',
                              subtype_xmlid='mail.mt_note')
        cls.plan.message_post(body='Weekly figures sent to the board', subtype_xmlid='mail.mt_note')
        # the suppression list, the website visit
        cls.env['mail.blacklist']._add('zqxmail@example.com')
        if 'website.visitor' in cls.env:
            cls.env['website.visitor'].create({'partner_id': cls.customer.id, 'access_token': cls.customer.id})

    def _find_markers(self):
        """{(table, column): [marker names]} wherever a marker is in the
        database: every text, varchar and jsonb column of every table."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""SELECT c.table_name, c.column_name FROM information_schema.columns c
                        JOIN information_schema.tables t ON t.table_name = c.table_name
                                                        AND t.table_schema = c.table_schema
                       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                         AND c.data_type IN ('text', 'character varying', 'jsonb')
                       ORDER BY 1, 2""")
        columns = {}
        for table, column in cr.fetchall():
            columns.setdefault(table, []).append(column)
        patterns = {key: f'%{value.lower()}%' for key, value in MARKERS.items()}
        found = {}
        for table, names in columns.items():
            checks = ', '.join(
                f"BOOL_OR(LOWER(\"{name}\"::text) LIKE %(p_{key})s)" for name in names for key in patterns)
            cr.execute(f'SELECT {checks} FROM "{table}"', {f'p_{key}': value for key, value in patterns.items()})
            row = cr.fetchone()
            index = 0
            for name in names:
                for key in patterns:
                    if row[index]:
                        found.setdefault((table, name), []).append(key)
                    index += 1
        return found

    def test_no_trace_left_but_the_suppression_list(self):
        before = self._find_markers()
        # the test reaches every place it means to
        for table in self.TRACE_TABLES:
            self.assertTrue([place for place in before if place[0] == table], f"no marker in {table} to erase")
        self.plan.with_user(self.manager).action_start_erasure()
        erasure = self.plan.erasure_id
        erasure.with_user(self.manager)._run_until_done()
        self.env.invalidate_all()
        self.assertEqual(erasure.state, 'done')
        left = {place: keys for place, keys in self._find_markers().items() if place not in KEPT_PLACES}
        self.assertEqual(left, {}, "personal data left behind by the erasure")
        self.assertTrue(self.env['mail.blacklist'].with_context(active_test=False).search(
            [('email', '=', 'zqxmail@example.com')]), "the suppression list keeps the customer out of mailings")
        # the portal user can no longer sign in; the meeting and the bank account are gone
        self.assertFalse(self.portal_user.with_context(active_test=False).active)
        self.assertFalse(self.bank.exists() or self.event.exists())
        self.assertTrue(self.plan.message_ids.filtered(lambda m: 'Weekly figures' in (m.body or '')),
                        "the plan's other messages stay")
        self.assertEqual((erasure.user_count, erasure.bank_count, erasure.event_count, erasure.blacklist_kept_count),
                         (1, 1, 1, 1))
        html = str(self.env['ir.actions.report']._render_qweb_html(
            'closure_crm_data.report_closure_erasure', erasure.ids)[0])
        self.assertIn('Suppression list', html)
        self.assertIn('Kept by law', html)
