"""What every benchmark needs: Odoo's add-ons path, a database with the
add-ons installed (no demo data, en_US and zh_CN), an Odoo environment on it,
timings, VACUUM between runs, a reset retried on concurrent updates, and the
figures printed in the same words (rates, ratios, checks, targets). Imported
by the bench_*.py scripts, which run from the repository root with the python3
that imports Odoo 18.0."""
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# data/bench_data.py loads the generated data sets with COPY
sys.path.insert(0, os.path.join(ROOT, 'data'))


def odoo_addons_path():
    """This checkout and Odoo's own add-ons."""
    import odoo
    return f"{ROOT},{os.path.join(os.path.dirname(odoo.__file__), 'addons')}"


def odoo_server_command():
    """The command that starts an Odoo server: odoo-bin when the tree has
    one (a multi-process server starts its websocket process by running its
    own script again, which ``python3 -m odoo`` cannot do), else ``-m odoo``."""
    import odoo
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), 'odoo-bin')
    return [sys.executable, odoo_bin] if os.path.isfile(odoo_bin) else [sys.executable, '-m', 'odoo']


def modules_installed(db, modules):
    """True when ``db`` exists with every one of ``modules`` installed."""
    import psycopg2
    conn = psycopg2.connect(dbname='postgres')
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            if not cr.fetchone():
                return False
    finally:
        conn.close()
    conn = psycopg2.connect(dbname=db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module')")
            if not cr.fetchone()[0]:
                return False
            cr.execute("SELECT count(*) FROM ir_module_module WHERE name IN %s AND state = 'installed'",
                       [tuple(modules)])
            return cr.fetchone()[0] == len(modules)
    finally:
        conn.close()


def ensure_database(db, addons_path, update, modules=('closure_crm',)):
    """Install ``modules`` in ``db`` (created when missing), or update them
    when ``update``; without demo data, with English and Chinese."""
    installed = modules_installed(db, modules)
    if installed and not update:
        return
    print(f"{'updating' if installed else 'installing'} {', '.join(modules)} in database {db}...", flush=True)
    # run from a neutral directory: nothing in the checkout shadows a module
    subprocess.run([sys.executable, '-m', 'odoo', '-d', db, f'--addons-path={addons_path}',
                    '-u' if installed else '-i', ','.join(modules),
                    '--without-demo=all', '--load-language=en_US,zh_CN', '--stop-after-init', '--no-http',
                    '--log-level=warn'],
                   cwd=tempfile.gettempdir(), check=True)


def checkout(rev):
    """The add-ons of an earlier git revision of this repository, checked
    out once under .state/bench-before/REV (a git worktree): what a
    benchmark's before figure runs on, in the same run as the current code."""
    tree = os.path.join(ROOT, '.state', 'bench-before', rev)
    if not os.path.isdir(tree):
        subprocess.run(['git', '-C', ROOT, 'worktree', 'add', '--detach', tree, rev], check=True)
    return tree


def ensure_demo_database(db, addons_path, modules=('closure_crm', 'closure_training')):
    """``db`` with ``modules`` and their demo data, as ./dev.sh demo makes it
    (Sales and Loyalty first, for the demo's books); created when missing."""
    if modules_installed(db, modules):
        return
    print(f"installing {', '.join(modules)} with their demo data in database {db}...", flush=True)
    for step in (('sale_management', 'loyalty'), modules):
        subprocess.run([sys.executable, '-m', 'odoo', '-d', db, f'--addons-path={addons_path}', '-i', ','.join(step),
                        '--stop-after-init', '--no-http', '--log-level=warn'],
                       cwd=tempfile.gettempdir(), check=True)


@contextmanager
def odoo_env(db, addons_path, context=None):
    """A superuser environment on ``db``; its cursor commits at the end."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    odoo.tools.config.parse_config(['-d', db, f'--addons-path={addons_path}', '--log-level=warn'])
    odoo.netsvc.init_logger()
    with Registry(db).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))


def timed(label, func, *args):
    """``func(*args)``, printing how long it took."""
    t0 = time.perf_counter()
    result = func(*args)
    print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    return result


def vacuum(db, tables, full=False):
    """VACUUM ANALYZE ``tables`` (outside any transaction), so every run
    starts from the same physical state: no dead row versions left by the
    previous run, fresh planner statistics. ``full``: VACUUM FULL, which
    rewrites the tables (their fillfactor then holds on every page)."""
    import psycopg2

    from odoo.sql_db import connection_info_for
    _name, info = connection_info_for(db)
    conn = psycopg2.connect(**info)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            for table in tables:
                cr.execute(f'VACUUM {"FULL " if full else ""}ANALYZE {table}')
    finally:
        conn.close()


def retry_transaction(env, label, func, *args, attempts=5, pause=1.0):
    """``func(*args)`` in a transaction of its own, committed. When a
    concurrent transaction touched the same rows (a serialization failure
    or a deadlock), the transaction is rolled back and run again, up to
    ``attempts`` times, ``pause`` x the attempt seconds apart; then the
    script stops with an error naming ``label``. ``func`` must be safe to
    run again (a reset, not an increment)."""
    from psycopg2 import errors
    for attempt in range(1, attempts + 1):
        env.cr.rollback()
        env.invalidate_all()
        try:
            result = func(*args)
            env.cr.commit()
            return result
        except (errors.SerializationFailure, errors.DeadlockDetected) as error:
            env.cr.rollback()
            env.invalidate_all()
            reason = (error.pgerror or str(error)).strip().splitlines()[0]
            if attempt == attempts:
                raise SystemExit(f"{label}: gave up after {attempts} attempts, a concurrent transaction kept "
                                 f"touching the same rows ({reason}); is an Odoo server running on the "
                                 f"database?") from error
            print(f"  {label}: {reason}; attempt {attempt + 1} of {attempts} in {pause * attempt:.0f} s",
                  flush=True)
            time.sleep(pause * attempt)
    return None


# ---------------------------------------------------------------------------
# Printing: the same figures in the same words in every script
# ---------------------------------------------------------------------------
def loaded_plan(env, name, counts):
    """The plan ``name`` an earlier run loaded, or None when there is none.
    ``counts``: (model, its plan field, the count this run expects, what it
    counts) for each kind of row the plan must hold; another count stops the
    script (the database holds other figures' data)."""
    plan = env['closure.plan'].search([('name', '=', name)], limit=1)
    if not plan:
        return None
    found = [(env[model].search_count([(field, '=', plan.id)]), expected, what)
             for model, field, expected, what in counts]
    if any(count != expected for count, expected, _what in found):
        sys.exit(f"plan {name!r} holds {' and '.join(f'{count} {what}' for count, _e, what in found)}, not "
                 f"{' and '.join(str(expected) for _c, expected, _w in found)}: use another database")
    print(f"data: reusing plan {plan.id} ({', '.join(f'{count} {what}' for count, _e, what in found)})")
    return plan


def rate(count, seconds, unit):
    """``count`` per second: '1234 mails/s'."""
    return f"{count / seconds:.0f} {unit}/s"


def in_seconds(count, seconds, unit):
    """How long ``count`` took and its rate: 'in 12.3 s = 1234 mails/s'."""
    return f"in {seconds:.1f} s = {rate(count, seconds, unit)}"


def times(value, reference=1.0):
    """``value`` as a multiple of ``reference`` (or a ratio as it is): '2.29x'."""
    return f"{value / reference:.2f}x"


def verdict(ok):
    """A target's outcome: 'OK' or 'MISSED'."""
    return 'OK' if ok else 'MISSED'


def print_checks(checks, flush=False):
    """One line per check ({label: passed}), '  ok: ...' or '  FAILED: ...';
    returns whether all passed."""
    for label, passed in checks.items():
        print(f"  {'ok' if passed else 'FAILED'}: {label}", flush=flush)
    return all(checks.values())


def print_loaded(t0):
    """The data set's loading time, from ``t0`` (``time.perf_counter()``)."""
    print(f"data: loaded in {time.perf_counter() - t0:.1f} s")


def print_left(label, left, seconds, indent='  '):
    """A long wait's progress: '  mail queue: 120 left, 30 s'."""
    print(f"{indent}{label}: {left} left, {seconds:.0f} s", flush=True)
