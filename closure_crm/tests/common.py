import importlib.util
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import BaseCase, get_db_name


def load_migration(version, script, module='closure_crm'):
    """The migration script ``module/migrations/version/script.py`` as a
    Python module (Odoo's loader runs it the same way), for a test to call
    its ``migrate(cr, version)``."""
    path = f"{get_module_path(module)}/migrations/{version}/{script}.py"
    spec = importlib.util.spec_from_file_location(f"{module}_migration_{script}", path)  # its logger's name
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def give_back_to_core(cr, addon, new_in_addon):
    """Make this database look as before ``addon`` was split from
    closure_crm: every record of the add-on becomes closure_crm's again,
    except ``new_in_addon`` (declared by the add-on, no closure_crm record
    to take over) and the ids closure_crm also has (e.g. the ir.model rows
    of models both extend). Returns the names given back."""
    cr.execute("""
        UPDATE ir_model_data seam SET module = 'closure_crm'
         WHERE module = %s AND NOT name = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM ir_model_data core
                            WHERE core.module = 'closure_crm' AND core.name = seam.name)
     RETURNING name""", [addon, list(new_in_addon)])
    return {name for name, in cr.fetchall()}


class ClosureCommon(TransactionCase):
    """Shared fixtures: a closure manager, two reps, a plan with its team, and
    helpers building customers with won revenue and their cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, login='closure_manager', name='Closure Manager',
            groups='closure_crm.group_closure_manager', email='manager@example.com')
        cls.rep_1 = new_test_user(
            cls.env, login='closure_rep_1', name='Rep One',
            groups='closure_crm.group_closure_user', email='rep1@example.com')
        cls.rep_2 = new_test_user(
            cls.env, login='closure_rep_2', name='Rep Two',
            groups='closure_crm.group_closure_user', email='rep2@example.com')
        cls.plan = cls.env['closure.plan'].create({
            'name': 'Test Closure',
            'decision_date': date(2026, 6, 1),
            'user_id': cls.manager.id,
        })
        cls.sales_team = cls.env['crm.team'].create({'name': 'Regular Sales'})
        cls.won_stage = cls.env['crm.stage'].create({'name': 'Test Won', 'is_won': True, 'sequence': 90})

    @contextmanager
    def assertRefused(self, records, exception=UserError, regex=None, fnames=None):
        """The attempt in the block raises ``exception`` (matching ``regex``)
        and leaves ``records`` in the database as they were: every stored
        field read back after the attempt, as the superuser."""
        records = records.sudo()
        # flush and run the precommit hooks (tracking messages) before reading
        self.env.cr.flush()
        fnames = fnames or [name for name, field in records._fields.items()
                            if field.store and name not in ('write_date', 'write_uid')]
        before = records.read(fnames)
        count = records.search_count([('id', 'in', records.ids)])
        with (self.assertRaisesRegex(exception, regex) if regex else self.assertRaises(exception)) as caught, \
                self.env.cr.savepoint():
            yield caught
        self.env.invalidate_all()
        self.assertEqual(records.search_count([('id', 'in', records.ids)]), count, "a record was deleted")
        self.assertEqual(records.read(fnames), before, "the refused attempt changed the database")

    @classmethod
    def _create_customers(cls, count, prefix='Customer', is_company=False, **values):
        return cls.env['res.partner'].create([{
            'name': f'{prefix} {index}',
            'is_company': is_company,
            'email': f'{prefix.lower().replace(" ", "")}{index}@example.com',
            **values,
        } for index in range(count)])

    @classmethod
    def _create_won_revenue(cls, partner, amount, when=datetime(2026, 3, 1, 12, 0)):
        """A won opportunity of ``amount`` closed at ``when`` for ``partner``."""
        return cls.env['crm.lead'].create({
            'name': f'Deal {partner.name}',
            'type': 'opportunity',
            'partner_id': partner.id,
            'team_id': cls.sales_team.id,
            'stage_id': cls.won_stage.id,
            'expected_revenue': amount,
            'probability': 100,
            'date_closed': when,
        })

    @classmethod
    def _create_cases(cls, partners, plan=None, **values):
        plan = plan or cls.plan
        return cls.env['crm.lead'].create([{
            'name': partner.name,
            'type': 'opportunity',
            'partner_id': partner.id,
            'closure_plan_id': plan.id,
            'team_id': plan.team_id.id,
            **values,
        } for partner in partners])


class CommittedDataCase(BaseCase):
    """For concurrency tests: each worker works in its own committed
    transaction, as two Odoo workers would. The data is committed for real,
    so tests build it in setUp and delete it in a cleanup."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    @contextmanager
    def committed_env(self):
        """A superuser environment on a new cursor, committed on exit."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _delete_plan_team(self, env, plan_id, team_id):
        """Delete a test plan, its team and the closure stages copied into it."""
        env['closure.plan'].browse(plan_id).exists().unlink()
        team = env['crm.team'].with_context(active_test=False).browse(team_id).exists()
        env['crm.stage'].search([('team_id', '=', team.id)]).unlink()
        team.unlink()

    def run_together(self, action, workers=2, timeout=120):
        """Run ``action(env)`` in ``workers`` threads that start at the same
        moment, each in its own transaction, retried on a concurrent update
        as Odoo's HTTP layer does. Returns each worker's result or exception."""
        barrier = threading.Barrier(workers)

        def work():
            with self.committed_env() as env:
                barrier.wait(timeout=30)
                try:
                    return retrying(partial(action, env), env)
                except Exception as error:  # noqa: BLE001 - the test inspects it
                    return error

        with ThreadPoolExecutor(max_workers=workers) as executor:
            futures = [executor.submit(work) for _i in range(workers)]
            return [future.result(timeout=timeout) for future in futures]

    def run_on_two_servers(self, job, snapshot_sql="SELECT 1", timeout=120):
        """A scheduled job picked by two servers at once: server 2's
        transaction (its snapshot, taken by ``snapshot_sql``) begins before
        server 1 runs ``job(env)`` and commits; then server 2 runs it on that
        snapshot, which still shows what server 1 has just done as to do."""
        snapshot_taken, first_done = threading.Event(), threading.Event()

        def server_1():
            assert snapshot_taken.wait(timeout=60)
            with self.committed_env() as env:
                job(env)
            first_done.set()

        def server_2():
            with self.committed_env() as env:
                env.cr.execute(snapshot_sql)  # its snapshot starts here
                snapshot_taken.set()
                assert first_done.wait(timeout=60)
                job(env)

        with ThreadPoolExecutor(max_workers=2) as executor:
            for future in [executor.submit(server_1), executor.submit(server_2)]:
                future.result(timeout=timeout)

    def run_beside_open_batch(self, first, second, timeout=60):
        """Worker 1 runs ``first(env)`` and keeps its transaction open (the
        rows it claimed stay locked) while worker 2 runs ``second(env)`` in
        its own; then worker 1 commits. Returns what each returned."""
        claimed, release = threading.Event(), threading.Event()

        def worker_1():
            with self.committed_env() as env:
                done = first(env)
                env.flush_all()
                claimed.set()
                assert release.wait(timeout=timeout), "worker 2 did not finish"
                return done

        def worker_2():
            with self.committed_env() as env:
                return second(env)

        with ThreadPoolExecutor(max_workers=2) as executor:
            future_1 = executor.submit(worker_1)
            assert claimed.wait(timeout=timeout), "worker 1 did not claim its batch"
            future_2 = executor.submit(worker_2)
            try:
                done_2 = future_2.result(timeout=timeout)
            finally:
                release.set()
            return future_1.result(timeout=timeout), done_2
