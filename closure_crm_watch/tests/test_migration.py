from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import give_back_to_core, load_migration

# declared by closure_crm_watch and new in it: no closure_crm record to take over
NEW_IN_WATCH = {'closure_plan_view_form_watch'}


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """A database of closure_crm 18.0.1.3.0 held the deadline watch under
    closure_crm: the update hands its fields (with the keys of the warnings
    already sent), job and banner template to closure_crm_watch before
    closure_crm loads."""

    def test_every_watch_record_changes_module(self):
        cr = self.env.cr
        before = give_back_to_core(cr, 'closure_crm_watch', NEW_IN_WATCH)
        for name in ('field_closure_plan__watch_warning_keys', 'ir_cron_closure_watch_deadlines',
                     'plan_watch_warnings'):
            self.assertIn(name, before)
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'closure_crm_watch'")

        load_migration('18.0.1.4.0', 'pre-split-watch').migrate(cr, '18.0.1.3.0')

        cr.execute("SELECT name FROM ir_model_data WHERE module = 'closure_crm' AND name IN %s", [tuple(before)])
        self.assertEqual([name for name, in cr.fetchall()], [], "left to closure_crm")
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'closure_crm_watch'")
        self.assertEqual(cr.fetchone()[0], 'to upgrade', "loaded in the same update, keeping the warnings sent")
        self.env.invalidate_all()
