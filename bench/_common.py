"""What every benchmark needs: Odoo's add-ons path, a database with the
add-ons installed (no demo data, en_US and zh_CN), an Odoo environment on it,
timings, and VACUUM between runs. Imported by the bench_*.py scripts, which
run from the repository root with the python3 that imports Odoo 18.0."""
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
