import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from psycopg2 import errors

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import tagged

from .common import CommittedDataCase
from .transfer_common import TransferCommon


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
        cls.obligation = cls.env['closure.obligation'].create({
            'lead_id': cls.case.id, 'obligation_type': 'prepaid', 'name': 'Prepaid card', 'amount': 300.0,
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
        self.assertIn('Cases Anonymised: 1', action['params']['message'])
        self.env.invalidate_all()
        self.assertEqual(self.customer.name, 'Erase Me 0')
        self.assertFalse(self.plan.erasure_id)
        with self.assertRaises(AccessError):
            self.env['closure.erasure'].with_user(self.rep_1)._preview_counts(self.plan)

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
        self.assertFalse(self.env['ir.attachment'].search([
            ('res_model', 'in', ('crm.lead', 'closure.consent', 'closure.transfer')),
            ('res_id', 'in', self.case.ids + self.consent.transfer_id.ids + self.consent.ids)]))
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
            'closure_crm.report_closure_erasure', erasure.ids)[0])
        self.assertIn('Certificate of Erasure', html)
        self.assertIn('Court order 2026/17', html)
        self.assertIn('Cases Anonymised', html)
        # printing: the report, or first Odoo's document layout set-up on a new company
        self.assertIn(erasure.action_print_certificate()['type'], ('ir.actions.report', 'ir.actions.act_window'))

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
        job = self.env.ref('closure_crm.ir_cron_closure_erasure')
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
        claimed, release = threading.Event(), threading.Event()

        def worker(limit, hold):
            with self.committed_env() as env:
                erasure = env['closure.erasure'].browse(self.ids['erasure'])
                done = erasure._erase_batch(limit=limit)
                if hold:
                    claimed.set()
                    assert release.wait(timeout=60), "worker 2 did not finish"
                else:
                    while batch := erasure._erase_batch(limit=limit):
                        done += batch
                return done

        with ThreadPoolExecutor(max_workers=2) as executor:
            first = executor.submit(worker, 5, True)
            self.assertTrue(claimed.wait(timeout=60))
            second = executor.submit(worker, 7, False)
            done_2 = second.result(timeout=60)
            release.set()
            done_1 = first.result(timeout=60)
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
