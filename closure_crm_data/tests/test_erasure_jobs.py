from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.tests import test_batch_jobs
from odoo.addons.closure_crm_data.models import closure_erasure

ERASE = 'closure_crm_data.ir_cron_closure_erasure'


@tagged('post_install', '-at_install')
class TestErasureJobProgress(test_batch_jobs.BatchJobsProgressCase):
    """The erasure on the closure jobs' batch protocol, as the scheduler sees it."""

    def test_erasure_reports_and_closes_its_record(self):
        erasure = self.env['closure.erasure']
        self.assertEqual(erasure._count_due_work(), 0, "nothing else of the database to erase")
        self.plan.write({'decision_date': fields.Date.today() - timedelta(days=200)})
        cases = self._create_need_cases(3, prefix='Erase Job')
        with patch.object(closure_erasure, 'ERASURE_BATCH', 2):
            self.plan.with_user(self.manager).action_start_erasure()
            calls = self._run_job(ERASE, erasure._cron_erase)
        # the record counts as work until a call that sees every batch closes it
        self.assertEqual(calls, [(2, 1 + 1, True), (1, 0 + 1, True), (0, 0, False)])
        record = self.plan.erasure_id
        self.assertEqual((record.state, record.case_count), ('done', 3))
        self.assertTrue(all(case.closure_erased_date for case in cases))
        self.assertEqual(len(self.plan.message_ids.filtered(lambda m: 'Customer data erased' in (m.body or ''))), 1)
        # nothing left: the next daily run reports nothing and is not woken up again
        self.assertEqual(self._run_job(ERASE, erasure._cron_erase), [(0, 0, False)])


@tagged('post_install', '-at_install')
class TestErasureJobTwoServers(test_batch_jobs.BatchJobsTwoServersCase):
    """The erasure run by two servers on one database."""

    def setUp(self):
        with self.committed_env() as env:
            self.other_erasure_work = env['closure.erasure']._count_due_work()
        super().setUp()

    def _delete_data(self):
        with self.committed_env() as env:
            env['closure.erasure'].search([('plan_id', '=', self.ids['plan'])]).unlink()
        return super()._delete_data()

    @mute_logger('odoo.sql_db')
    def test_erasure_on_two_servers(self):
        """Server 2's transaction began before server 1 erased a batch: its
        job runs the batch again in a new transaction instead of failing;
        every case is erased once, counted once, and the record closed once."""
        with self.committed_env() as env:
            self.assertTrue(self._cases(env))
            if self.other_erasure_work:
                self.skipTest("other plans of this database have cases to erase: the job would erase them too")
            env['closure.plan'].browse(self.ids['plan']).action_start_erasure()
        with patch.object(closure_erasure, 'ERASURE_BATCH', 3):
            self.run_on_two_servers(lambda env: env['closure.erasure']._cron_erase(),
                                    snapshot_sql="SELECT 1 FROM crm_lead LIMIT 1")
            with self.registry.cursor() as cr:
                cr.execute("SELECT COUNT(*) FROM crm_lead"
                           " WHERE closure_plan_id = %s AND closure_erased_date IS NOT NULL", [self.ids['plan']])
                self.assertEqual(cr.fetchone()[0], 6, "both servers erased a batch")
            self._run_until_done(lambda env: env['closure.erasure']._cron_erase() or env['closure.erasure'].search(
                [('plan_id', '=', self.ids['plan']), ('state', '=', 'running')]))
        with self.registry.cursor() as cr:
            cr.execute("""SELECT COUNT(*) FILTER (WHERE closure_erased_date IS NOT NULL), COUNT(*)
                            FROM crm_lead WHERE closure_plan_id = %s""", [self.ids['plan']])
            erased, total = cr.fetchone()
            cr.execute("""SELECT e.state, SUM(b.case_count) FROM closure_erasure e
                            JOIN closure_erasure_batch b ON b.erasure_id = e.id
                           WHERE e.plan_id = %s GROUP BY e.state""", [self.ids['plan']])
            state, counted = cr.fetchone()
            cr.execute("""SELECT COUNT(*) FROM mail_message WHERE model = 'closure.plan' AND res_id = %s
                             AND body LIKE %s""", [self.ids['plan'], '%Customer data erased%'])
            closed = cr.fetchone()[0]
        self.assertEqual((erased, counted), (total, total), "every case erased and counted once")
        self.assertEqual((state, closed), ('done', 1))
