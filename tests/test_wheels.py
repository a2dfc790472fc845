"""The add-ons as OCA ships add-ons: one wheel each, built by whool from the
add-on's pyproject.toml, installed into a fresh virtual environment next to
Odoo and loaded from there, with an add-ons path that does not hold the
checkout: both are found and imported, their data files are all there, and
they install in a scratch database.

Odoo is made visible to the fresh environment the way dev.sh does it, by a
.pth file naming its source tree; that tree has no distribution metadata, so
a stub ``odoo-18.0.dist-info`` stands for it and the wheels' ``odoo==18.0.*``
requirement is met. The packages the add-ons and Odoo import (numpy,
xlsxwriter, lxml...) are seen through a second .pth line naming the project
venv's site-packages; pip, run with ``--no-index``, must then find every
requirement of the wheels installed or among the wheels just built.
"""
import ast
import email
import os
import subprocess
import sys
import sysconfig
import zipfile

import odoo
from odoo.sql_db import close_db, db_connect
from odoo.tools import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# closure_crm, its parts that install with it (auto_install), closure_training
ADDONS = ('closure_crm', 'closure_crm_books', 'closure_crm_care', 'closure_crm_data', 'closure_crm_privilege',
          'closure_crm_score', 'closure_crm_watch', 'closure_training')
PARTS = ('closure_crm_books', 'closure_crm_care', 'closure_crm_data', 'closure_crm_privilege', 'closure_crm_score',
         'closure_crm_watch')
TIMEOUT = 600


def _run(cmd, log_path, **kwargs):
    with open(log_path, 'w', encoding='utf-8') as log:
        result = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, timeout=TIMEOUT, check=False, **kwargs)
    with open(log_path, encoding='utf-8') as log:
        output = log.read()
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{output[-4000:]}"
    return output


def _wheel_metadata(path):
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        meta = next(name for name in names if name.endswith('.dist-info/METADATA'))
        return names, email.message_from_bytes(archive.read(meta))


def _manifest_versions():
    versions = []
    for addon in ADDONS:
        with open(os.path.join(ROOT, addon, '__manifest__.py'), encoding='utf-8') as f:
            versions.append(ast.literal_eval(f.read())['version'])
    return versions


def _drop_database(name):
    close_db(name)
    with db_connect('postgres').cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _odoo_addons_dirs():
    """Odoo's own add-ons directories, as dev.sh gives them (never the checkout)."""
    tree = os.path.dirname(os.path.dirname(odoo.__file__))
    dirs = [os.path.join(tree, 'addons'), os.path.join(tree, 'odoo', 'addons')]
    return [d for d in dirs if os.path.isdir(d)]


def test_wheels_install_next_to_odoo_and_load(tmp_path):
    # 1. one wheel per add-on, named and versioned the OCA way, with its
    #    dependencies taken from its manifest
    dist = tmp_path / 'dist'
    _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index',
          '-w', str(dist), *(os.path.join(ROOT, addon) for addon in ADDONS)], tmp_path / 'build.log')
    wheels = {}
    for addon in ADDONS:
        found = sorted(dist.glob(f'odoo_addon_{addon}-18.0.*-py3-none-any.whl'))
        assert len(found) == 1, f"one wheel for {addon} in {os.listdir(dist)}"
        wheels[addon] = found[0]
    names, meta = _wheel_metadata(wheels['closure_crm'])
    assert meta['Name'] == 'odoo-addon-closure_crm'
    assert sorted(meta.get_all('Requires-Dist')) == ['numpy', 'odoo==18.0.*', 'xlsxwriter']
    for path in ('__manifest__.py', 'security/ir.model.access.csv', 'i18n/zh_CN.po', 'views/closure_plan_views.xml'):
        assert f'odoo/addons/closure_crm/{path}' in names, path
    names, meta = _wheel_metadata(wheels['closure_training'])
    assert meta['Name'] == 'odoo-addon-closure_training'
    assert sorted(meta.get_all('Requires-Dist')) == ['odoo-addon-closure_crm==18.0.*', 'odoo==18.0.*']
    assert 'odoo/addons/closure_training/__manifest__.py' in names
    for part in PARTS:
        names, meta = _wheel_metadata(wheels[part])
        assert meta['Name'] == f'odoo-addon-{part}'
        assert 'odoo-addon-closure_crm==18.0.*' in meta.get_all('Requires-Dist'), meta.get_all('Requires-Dist')
        assert f'odoo/addons/{part}/i18n/zh_CN.po' in names, part

    # 2. a fresh venv that sees Odoo and its requirements through a .pth
    venv = tmp_path / 'venv'
    _run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], tmp_path / 'venv.log')
    python = venv / 'bin' / 'python'
    site = subprocess.check_output(
        [python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], text=True).strip()
    tree = os.path.dirname(os.path.dirname(odoo.__file__))
    with open(os.path.join(site, 'closure-odoo.pth'), 'w', encoding='utf-8') as pth:
        pth.write(f"{tree}\n{sysconfig.get_paths()['purelib']}\n")
    stub = os.path.join(site, 'odoo-18.0.dist-info')
    os.makedirs(stub)
    with open(os.path.join(stub, 'METADATA'), 'w', encoding='utf-8') as f:
        f.write('Metadata-Version: 2.1\nName: odoo\nVersion: 18.0\n')
    with open(os.path.join(stub, 'INSTALLER'), 'w', encoding='utf-8') as f:
        f.write('closure-test-stub\n')

    # 3. pip installs closure_training and closure_crm's parts, which pull
    #    closure_crm's wheel by their manifest dependency; nothing comes from an index
    out = _run([sys.executable, '-m', 'pip', '--python', str(python), 'install', '--no-index',
                '--find-links', str(dist), 'odoo-addon-closure_training', *(f'odoo-addon-{part}' for part in PARTS)],
               tmp_path / 'install.log')
    for addon in ADDONS:
        assert f'odoo-addon-{addon}' in out, out

    # 4. Odoo, run from the fresh venv with an add-ons path that does not hold
    #    the checkout, finds both add-ons in site-packages, imports them and
    #    every data file their manifests list is there
    addons_path = ','.join(_odoo_addons_dirs())
    assert ROOT not in addons_path
    check = subprocess.run([python, '-c', f"""
import importlib, os
import odoo
from odoo.modules.module import get_manifest, get_module_path
from odoo.tools import config
config.parse_config(['--addons-path={addons_path}'])
for addon in {ADDONS!r}:
    path = get_module_path(addon)
    manifest = get_manifest(addon)
    importlib.import_module('odoo.addons.' + addon)
    missing = [f for key in ('data', 'demo') for f in manifest[key] if not os.path.isfile(os.path.join(path, f))]
    print(addon, path, manifest['version'], missing)
"""], capture_output=True, text=True, cwd=tmp_path, check=False, timeout=TIMEOUT)
    assert check.returncode == 0, check.stderr[-4000:]
    assert check.stdout.splitlines() == [
        f"{addon} {os.path.join(site, 'odoo', 'addons', addon)} {version} []"
        for addon, version in zip(ADDONS, _manifest_versions(), strict=True)], check.stdout

    # 5. and installs them from there in a scratch database (without demo data:
    #    ~1 min of CPU): closure_training brings closure_crm, which brings its parts
    db = f"{config['db_name']}_wheels"
    db_args = [f'--{key}={config[key]}' for key in ('db_host', 'db_port', 'db_user', 'db_password') if config[key]]
    _drop_database(db)
    try:
        log = _run([python, '-m', 'odoo', '-d', db, '-i', 'closure_training', f'--addons-path={addons_path}',
                    f'--data-dir={tmp_path / "data"}', '--without-demo=all', '--stop-after-init', '--no-http',
                    '--log-level=warn', *db_args], tmp_path / 'odoo.log', cwd=tmp_path)
        assert ' ERROR ' not in log and ' CRITICAL ' not in log, log[-4000:]
        with db_connect(db).cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s ORDER BY name", [ADDONS])
            assert cr.fetchall() == [(addon, 'installed') for addon in ADDONS]
    finally:
        _drop_database(db)
