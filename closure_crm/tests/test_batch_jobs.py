import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.models import closure_plan_cases, closure_transfer

from .common import CommittedDataCase
from .transfer_common import TransferCommon

GENERATE = 'closure_crm.ir_cron_closure_generate_cases'
INTRODUCE = 'closure_crm.ir_cron_closure_transfer_introduce'


class BatchJobsProgressCase(TransferCommon):
    """The long jobs moved onto the closure jobs' batch protocol (case
    generation, erasure, introductions) as the scheduler sees them: each call
    handles one batch, reports how much it did and how much is left, and
    wakes the job up again at once while something is left; the call that
    finishes leaves no trigger behind. (closure_crm_data tests its erasure
    job on this base.)"""

    def _run_job(self, xmlid, method, max_calls=10):
        """Call the job as Odoo's scheduler does until it reports nothing
        left; per call (done, remaining, woken up again at once)."""
        job = self.env.ref(xmlid)
        Trigger = self.env['ir.cron.trigger'].sudo()
        calls = []
        progress = []
        for _i in range(max_calls):
            progress.clear()
            before = Trigger.search([('cron_id', '=', job.id)])
            with patch.object(type(self.env['ir.cron']), '_notify_progress',
                              lambda cron, done, remaining, deactivate=False: progress.append((done, remaining))):
                method()
            triggers = Trigger.search([('cron_id', '=', job.id)]) - before
            self.assertEqual(len(progress), 1, "one progress report per call")
            done, remaining = progress[0]
            calls.append((done, remaining, any(t.call_at <= fields.Datetime.now() for t in triggers)))
            self.env.invalidate_all()
            if not remaining:
                return calls
        self.fail(f"{job.name} did not finish in {max_calls} calls: {calls}")


@tagged('post_install', '-at_install')
class TestBatchJobsProgress(BatchJobsProgressCase):

    def test_case_generation_reports_and_comes_back(self):
        customers = self._create_customers(7, prefix='Queued Buyer')
        self.env['closure.revenue.line'].create([{
            'plan_id': self.plan.id, 'partner_id': customer.id, 'date': '2026-05-01', 'amount': 10,
        } for customer in customers])
        self.plan.revenue_source = 'import'
        missing = len(self.plan._missing_case_partner_ids())  # with the database's other open business
        batch = -(-missing // 3)
        with patch.object(closure_plan_cases, 'GENERATION_BATCH', batch):
            self.plan.action_generate_cases()
            self.assertTrue(self.plan.generation_pending)
            calls = self._run_job(GENERATE, self.env['closure.plan']._cron_generate_cases)
        expected, left = [], missing
        while left:
            done = min(batch, left)
            left -= done
            expected.append((done, left, bool(left)))
        self.assertEqual(calls, expected)
        self.assertFalse(self.plan.generation_pending)
        self.assertEqual(len(self.plan.case_ids), missing)
        self.assertLessEqual(customers, self.plan.case_ids.partner_id)
        self.assertEqual(len(self.plan.message_ids.filtered(
            lambda m: 'All customer cases are generated' in (m.body or ''))), 1)

    def test_introductions_report_and_come_back(self):
        receiver = self._create_receiver('Batch Job Harbour', capacity=10)
        cases = self._create_need_cases(5, prefix='Introduced By Job')
        transfers = self.env['closure.transfer'].create([
            {'lead_id': case.id, 'receiver_id': receiver.id} for case in cases])
        with patch.object(closure_transfer, 'INTRODUCTION_BATCH', 2):
            transfers.action_introduce()
            self.assertEqual(transfers.mapped('introduction_pending'), [True] * 5)
            calls = self._run_job(INTRODUCE, self.env['closure.transfer']._cron_send_introductions)
        self.assertEqual(calls, [(2, 3, True), (2, 1, True), (1, 0, False)])
        self.assertEqual(set(transfers.mapped('state')), {'introduced'})
        for transfer in transfers:
            self.assertEqual(len(transfer.message_ids.filtered(lambda m: 'Introduction sent' in (m.body or ''))), 1)


class BatchJobsTwoServersCase(CommittedDataCase):
    """The same jobs run by two servers on one database, each call in its own
    committed transaction as Odoo's cron workers do: a server never takes
    the rows another one is working on, none is done twice, none is left.
    (closure_crm_data tests its erasure job on this base.)"""

    CUSTOMERS = 8

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            plan = env['closure.plan'].create({
                'name': f'Batch jobs {self._testMethodName}',
                'decision_date': date.today() - timedelta(days=200),
                'revenue_source': 'import',
            })
            plan.action_start()
            receivers = env['res.partner'].create([{
                'name': f'Batch Receiver {index}', 'is_company': True, 'closure_is_receiver': True,
                'closure_dpa_date': date(2026, 5, 1), 'email': f'batch.receiver{index}@example.com',
            } for index in range(self.CUSTOMERS)])
            env['closure.receiver.capacity'].create([{
                'plan_id': plan.id, 'partner_id': receiver.id, 'capacity': self.CUSTOMERS,
            } for receiver in receivers])
            partners = env['res.partner'].create([{
                'name': f'Batch customer {index}', 'is_company': True, 'email': f'batch{index}@example.com',
            } for index in range(self.CUSTOMERS)])
            env['closure.revenue.line'].create([{
                'plan_id': plan.id, 'partner_id': partner.id, 'date': date.today() - timedelta(days=300),
                'amount': 10} for partner in partners])
            env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            self.ids = {'plan': plan.id, 'team': plan.team_id.id, 'receivers': receivers.ids,
                        'partners': partners.ids, 'trigger': env.cr.fetchone()[0]}
        self.addCleanup(self._delete_data)

    def _delete_data(self):
        with self.committed_env() as env:
            plan = env['closure.plan'].browse(self.ids['plan'])
            cases = env['crm.lead'].with_context(active_test=False).search([('closure_plan_id', '=', plan.id)])
            env.cr.execute("DELETE FROM closure_transfer WHERE lead_id IN %s", [tuple(cases.ids) or (0,)])
            env['mail.mail'].search([('model', 'in', ('crm.lead', 'closure.transfer')),
                                     ('res_id', 'in', cases.ids + [0])]).unlink()
            env.invalidate_all()
            cases.unlink()
            env['closure.revenue.line'].search([('plan_id', '=', plan.id)]).unlink()
            env['closure.receiver.capacity'].search([('plan_id', '=', plan.id)]).unlink()
            env['res.partner'].browse(self.ids['partners'] + self.ids['receivers']).exists().unlink()
            self._delete_plan_team(env, plan.id, self.ids['team'])
            # the jobs' wake-ups of this test: no scheduler runs them
            env.cr.execute("DELETE FROM ir_cron_trigger WHERE id > %s", [self.ids['trigger']])

    def _holding_first(self, run, run_other, until_waiting=False):
        """Server 1 runs ``run`` and keeps its transaction open (its batch
        under way) while server 2 runs ``run_other``, one call per committed
        transaction until it has nothing it can take; then server 1 commits
        (``until_waiting``: as soon as server 2 waits for a row server 1
        holds). Returns (server 1's result, server 2's results)."""
        started, finished = threading.Event(), threading.Event()
        server_2_pid = []

        def server_1():
            with self.committed_env() as env:
                result = run(env)
                started.set()
                if not until_waiting:
                    assert finished.wait(timeout=60), "server 2 waited for server 1's batch"
                    return result
                with self.registry.cursor() as watch:
                    for _i in range(600):
                        watch.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                      [server_2_pid[0] if server_2_pid else 0])
                        row = watch.fetchone()
                        if (row and row[0] == 'Lock') or finished.is_set():
                            break
                        watch.rollback()
                        finished.wait(0.05)
                return result

        def server_2():
            assert started.wait(timeout=60)
            results = []
            try:
                for _i in range(10):
                    with self.committed_env() as env:
                        env.cr.execute("SELECT pg_backend_pid()")
                        server_2_pid[:] = [env.cr.fetchone()[0]]
                        results.append(run_other(env))
                    if not results[-1]:
                        break
            finally:
                finished.set()
            return results

        with ThreadPoolExecutor(max_workers=2) as executor:
            first, second = executor.submit(server_1), executor.submit(server_2)
            return first.result(timeout=120), second.result(timeout=120)

    def _run_until_done(self, method, calls=20):
        for _i in range(calls):
            with self.committed_env() as env:
                if not method(env):
                    return
        self.fail("the job did not finish")

    def _cases(self, env):
        """A case for each of this test's customers only (an erasure must
        not reach the demo's customers)."""
        return env['closure.plan'].browse(self.ids['plan'])._create_cases(self.ids['partners'])


@tagged('post_install', '-at_install')
class TestBatchJobsTwoServers(BatchJobsTwoServersCase):

    def test_case_generation_on_two_servers(self):
        """Server 1 generates a batch of the plan; server 2's job finds the
        plan taken and creates nothing; the job goes on until every customer
        has exactly one case."""
        def generate(env):
            env['closure.plan']._cron_generate_cases()
            return env['crm.lead'].search_count([('closure_plan_id', '=', self.ids['plan'])])

        with self.committed_env() as env:
            plan = env['closure.plan'].browse(self.ids['plan'])
            missing = len(plan._missing_case_partner_ids())
        self.assertGreaterEqual(missing, self.CUSTOMERS)
        with patch.object(closure_plan_cases, 'GENERATION_BATCH', 3):
            with self.committed_env() as env:
                env['closure.plan'].browse(self.ids['plan']).action_generate_cases()
            first, second = self._holding_first(generate, generate)
            self.assertEqual(first, 3)
            self.assertEqual(second, [0], "the plan server 1 works on is left to it")
            self._run_until_done(lambda env: (env['closure.plan']._cron_generate_cases()
                                              or env['closure.plan'].browse(self.ids['plan']).generation_pending))
        with self.registry.cursor() as cr:
            cr.execute("""SELECT COUNT(*), COUNT(DISTINCT partner_id) FROM crm_lead
                           WHERE closure_plan_id = %s""", [self.ids['plan']])
            self.assertEqual(cr.fetchone(), (missing, missing), "each customer one case")
            cr.execute("""SELECT COUNT(*) FROM mail_message WHERE model = 'closure.plan' AND res_id = %s
                             AND body LIKE %s""", [self.ids['plan'], '%All customer cases are generated%'])
            self.assertEqual(cr.fetchone()[0], 1)

    def _queue_introductions(self, receiver_ids):
        """A transfer of each case to the receivers in turn, queued for the job."""
        with self.committed_env() as env:
            cases = self._cases(env)
            transfers = env['closure.transfer'].create([
                {'lead_id': case.id, 'receiver_id': receiver_ids[index % len(receiver_ids)]}
                for index, case in enumerate(cases)])
            transfers.action_introduce()
            return transfers.ids

    def _introduce(self, transfer_ids):
        def introduce(env):
            introduced = [('id', 'in', transfer_ids), ('date_introduced', '!=', False)]
            before = env['closure.transfer'].search_count(introduced)
            env['closure.transfer']._cron_send_introductions()
            return env['closure.transfer'].search_count(introduced) - before
        return introduce

    def _assert_introduced_once(self, transfer_ids):
        with self.registry.cursor() as cr:
            cr.execute("""SELECT t.state, t.introduction_pending,
                                 (SELECT COUNT(*) FROM mail_message m
                                   WHERE m.model = 'closure.transfer' AND m.res_id = t.id
                                     AND m.body LIKE '%%Introduction sent%%')
                            FROM closure_transfer t WHERE t.id IN %s ORDER BY t.id""", [tuple(transfer_ids)])
            self.assertEqual(cr.fetchall(), [('introduced', False, 1)] * self.CUSTOMERS,
                             "every transfer introduced, once")

    def test_introductions_on_two_servers(self):
        """Server 1 introduces a batch and keeps it open; server 2 introduces
        the others, never server 1's; each transfer is introduced once."""
        with patch.object(closure_transfer, 'INTRODUCTION_BATCH', 3):
            transfer_ids = self._queue_introductions(self.ids['receivers'])
            introduce = self._introduce(transfer_ids)
            first, second = self._holding_first(introduce, introduce)
        self.assertEqual(first, 3)
        self.assertEqual(second, [3, self.CUSTOMERS - 6, 0], "server 2 takes the transfers server 1 does not hold")
        self._assert_introduced_once(transfer_ids)

    @mute_logger('odoo.sql_db')
    def test_introductions_to_one_receiver_on_two_servers(self):
        """Both servers' batches go to the same receiver, whose capacity row
        each one locks: server 2 waits for server 1, then runs its batch
        again in a new transaction (its first one began before server 1
        committed) instead of failing; each transfer is introduced once."""
        with patch.object(closure_transfer, 'INTRODUCTION_BATCH', 3):
            transfer_ids = self._queue_introductions(self.ids['receivers'][:1])
            introduce = self._introduce(transfer_ids)
            first, second = self._holding_first(introduce, introduce, until_waiting=True)
            self._run_until_done(introduce)
        self.assertEqual(first, 3)
        self.assertEqual(second[0], 3, "server 2 introduced the next batch, not server 1's")
        self._assert_introduced_once(transfer_ids)
