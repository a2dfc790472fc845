from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import load_migration


@tagged('post_install', '-at_install')
class TestBridgesOnUpdate(TransactionCase):
    """A database that had Sales before this bridge existed gets it with
    closure_crm's update (Odoo installs an auto_install add-on only when its
    last dependency is installed)."""

    def test_update_loads_the_bridge_where_sales_is(self):
        cr = self.env.cr
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'closure_crm_sale'")

        load_migration('18.0.1.4.0', 'pre-install-bridges').migrate(cr, '18.0.1.3.0')

        cr.execute("SELECT state FROM ir_module_module WHERE name = 'closure_crm_sale'")
        self.assertEqual(cr.fetchone()[0], 'to upgrade')
        self.env.invalidate_all()
