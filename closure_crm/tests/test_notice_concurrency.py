import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from unittest.mock import patch

from odoo.tests.common import tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.models import closure_notice_wave, ir_cron

from .common import CommittedDataCase

CASES = 12


@tagged('post_install', '-at_install')
class TestNoticeConcurrency(CommittedDataCase):
    """Two workers, or two users, sending the same wave at the same time, each
    in its own database transaction (as Odoo's onboarding concurrency test
    does): every case still gets its notice exactly once."""

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            plan = env['closure.plan'].create({
                'name': f'Concurrency test {self._testMethodName}',
                'decision_date': date(2026, 6, 1),
                'notice_reminder_days': 0,
                # a wave is sent only with a data export channel
                'notice_export_url': 'https://export.example.com/concurrency',
            })
            plan.action_start()
            partners = env['res.partner'].create([{
                'name': f'Concurrent {index}', 'email': f'concurrent{index}@example.com',
            } for index in range(CASES)])
            cases = env['crm.lead'].create([{
                'name': partner.name, 'type': 'opportunity', 'partner_id': partner.id,
                'closure_plan_id': plan.id, 'team_id': plan.team_id.id, 'closure_tier': 'c',
            } for partner in partners])
            wave = env['closure.notice.wave'].create({'name': 'Concurrent wave', 'plan_id': plan.id})
            self.ids = {'plan': plan.id, 'team': plan.team_id.id, 'partners': partners.ids,
                        'cases': cases.ids, 'wave': wave.id}
        self.addCleanup(self._delete_data)

    def _delete_data(self):
        with self.committed_env() as env:
            cases = env['crm.lead'].with_context(active_test=False).browse(self.ids['cases']).exists()
            env['mail.mail'].search([('model', '=', 'crm.lead'), ('res_id', 'in', cases.ids)]).unlink()
            env['closure.notice.wave'].browse(self.ids['wave']).exists().unlink()
            cases.unlink()
            env['res.partner'].browse(self.ids['partners']).exists().unlink()
            self._delete_plan_team(env, self.ids['plan'], self.ids['team'])

    def _notices_per_case(self):
        with self.registry.cursor() as cr:
            cr.execute("""SELECT l.id, COUNT(m.id)
                            FROM crm_lead l
                            LEFT JOIN (mail_mail m
                                       JOIN mail_message mm ON mm.id = m.mail_message_id
                                       JOIN mail_mail_res_partner_rel rel ON rel.mail_mail_id = m.id)
                                   ON mm.model = 'crm.lead' AND mm.res_id = l.id AND rel.res_partner_id = l.partner_id
                           WHERE l.id IN %s
                           GROUP BY l.id""", [tuple(self.ids['cases'])])
            counts = dict(cr.fetchall())
            cr.execute("""SELECT state, COUNT(*) FROM closure_notice_recipient
                           WHERE wave_id = %s GROUP BY state""", [self.ids['wave']])
            return [counts.get(case_id, 0) for case_id in self.ids['cases']], dict(cr.fetchall())

    def test_two_workers_never_send_the_same_case(self):
        """Worker 1 claims a batch and keeps its transaction open; worker 2
        skips the locked rows and sends the rest; then worker 1 commits."""
        with self.committed_env() as env:
            wave = env['closure.notice.wave'].browse(self.ids['wave'])
            wave.state = 'in_queue'
            wave._start_sending()
        def batch(limit):
            return lambda env: env['closure.notice.wave'].browse(self.ids['wave'])._process_batch(limit=limit)

        done_1, done_2 = self.run_beside_open_batch(batch(5), batch(100))
        self.assertEqual((done_1, done_2), (5, CASES - 5))
        per_case, states = self._notices_per_case()
        self.assertEqual(per_case, [1] * CASES)
        self.assertEqual(states, {'queued': CASES})

    @mute_logger('odoo.sql_db', 'odoo.service.model')
    def test_two_users_press_send_together(self):
        results = self.run_together(
            lambda env: env['closure.notice.wave'].browse(self.ids['wave']).action_send())
        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        per_case, states = self._notices_per_case()
        self.assertEqual(per_case, [1] * CASES)
        self.assertEqual(states, {'queued': CASES})
        with self.registry.cursor() as cr:
            cr.execute("SELECT state FROM closure_notice_wave WHERE id = %s", [self.ids['wave']])
            self.assertEqual(cr.fetchone()[0], 'done')

    @mute_logger('odoo.sql_db')
    def test_two_servers_run_the_job_at_once(self):
        """The job run by two servers (or a server and a manual run): the
        second one's snapshot still sees as pending the rows the first has
        just queued; the batch protocol takes them again in a new transaction,
        records no error on the wave, and every case gets its notice once.
        (Replaces the test of the removed job lanes: one job per task.)"""
        with self.committed_env() as env:
            cron = env.ref('closure_crm.ir_cron_closure_notice_waves')
            self.assertEqual(env['ir.cron'].with_context(active_test=False).search_count(
                [('code', '=', cron.code)]), 1, "one scheduled job, no copies")
        with self.committed_env() as env:
            wave = env['closure.notice.wave'].browse(self.ids['wave'])
            wave.write({'state': 'in_queue', 'scheduled_date': '2026-01-01 00:00:00'})
        with patch.object(closure_notice_wave, 'NOTICE_BATCH', 5):
            self.run_on_two_servers(lambda env: env['closure.notice.wave']._cron_process_waves(),
                                    snapshot_sql="SELECT 1 FROM closure_notice_wave")
            for _i in range(5):  # the job goes on, each batch in a new transaction
                with self.committed_env() as env:
                    env['closure.notice.wave']._cron_process_waves()
        per_case, states = self._notices_per_case()
        self.assertEqual(per_case, [1] * CASES)
        self.assertEqual(states, {'queued': CASES})
        with self.registry.cursor() as cr:
            cr.execute("SELECT state, error_message FROM closure_notice_wave WHERE id = %s", [self.ids['wave']])
            self.assertEqual(cr.fetchone(), ('done', None))

    @mute_logger('odoo.sql_db')
    def test_deadlock_with_the_score_job_resolves_itself(self):
        """A job that updates every case of the plan in one statement (as
        closure_crm_score's case scores do) while the wave's batch moves the
        same cases: PostgreSQL aborts one of them on a deadlock. The batch protocol rolls the batch back and runs it
        again in a new transaction: no error for a manager, the wave goes on,
        every case gets its notice once."""
        with self.committed_env() as env:
            wave = env['closure.notice.wave'].browse(self.ids['wave'])
            wave.write({'state': 'in_queue', 'scheduled_date': '2026-01-01 00:00:00'})
        last = self.ids['cases'][-1]
        score_holds_last, wave_pid = threading.Event(), []
        outcome = {}

        def score_job():
            with self.committed_env() as env:
                # the score statement's first row is the wave's last case
                env.cr.execute("UPDATE crm_lead SET write_date = write_date WHERE id = %s", [last])
                score_holds_last.set()
                with self.registry.cursor() as watch:
                    for _i in range(600):  # until the wave's batch waits for that case
                        watch.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                      [wave_pid[0] if wave_pid else 0])
                        row = watch.fetchone()
                        if row and row[0] == 'Lock':
                            break
                        watch.rollback()
                        threading.Event().wait(0.05)
                try:
                    env.cr.execute("""UPDATE crm_lead SET write_date = write_date
                                       WHERE closure_plan_id = %s""", [self.ids['plan']])
                    outcome['score'] = 'done'
                except Exception as error:  # noqa: BLE001 - the test looks at who lost
                    outcome['score'] = error.__class__.__name__
                    env.cr.rollback()

        def wave_job():
            assert score_holds_last.wait(timeout=60)
            with self.committed_env() as env:
                env.cr.execute("SELECT pg_backend_pid()")
                wave_pid.append(env.cr.fetchone()[0])
                env['closure.notice.wave']._cron_process_waves()

        retried = []
        with patch.object(ir_cron._logger, 'info', side_effect=lambda *args: retried.append(args)), \
                ThreadPoolExecutor(max_workers=2) as executor:
            futures = [executor.submit(score_job), executor.submit(wave_job)]
            for future in futures:
                future.result(timeout=120)
        wave_lost = any('DeadlockDetected' in args for args in retried)
        self.assertTrue(wave_lost or outcome['score'] == 'DeadlockDetected', (outcome, retried))
        per_case, states = self._notices_per_case()
        self.assertEqual(per_case, [1] * CASES)
        self.assertEqual(states, {'queued': CASES})
        with self.registry.cursor() as cr:
            cr.execute("SELECT state, error_message FROM closure_notice_wave WHERE id = %s", [self.ids['wave']])
            self.assertEqual(cr.fetchone(), ('done', None), "no error for a manager")
