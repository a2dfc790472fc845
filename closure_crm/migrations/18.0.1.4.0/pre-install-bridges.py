"""The bridges that install themselves with an app (auto_install):
closure_crm_sale with Sales' CRM bridge (sale_crm), closure_crm_mass_mailing
with Email Marketing. Odoo installs such an add-on when its last dependency is
installed, not when closure_crm is updated: a database that had the app
before the bridge existed would go without it. Loaded in this update, as an
update (closure_crm/tools/addon_split.py), where its app is installed."""

from odoo.addons.closure_crm.tools.addon_split import load_as_update

# bridge -> the app's module it bridges closure_crm with
BRIDGES = {'closure_crm_sale': 'sale_crm', 'closure_crm_mass_mailing': 'mass_mailing'}


def migrate(cr, version):
    for bridge, app in BRIDGES.items():
        cr.execute("SELECT 1 FROM ir_module_module WHERE name = %s AND state IN ('installed', 'to upgrade')", [app])
        if cr.rowcount:
            load_as_update(cr, version, bridge)
