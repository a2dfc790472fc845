from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import load_migration


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """Updating closure_crm from before the split (18.0.1.2.0) brings this
    add-on along: the external ids of the load and the reconciliation come
    here, with the constraints of their tables, and the add-on is loaded in
    the same update; the obligations' own fields stay in closure_crm."""

    SEAM = """(name LIKE '%%closure\\_books\\_%%' OR name LIKE 'field\\_closure\\_plan\\_\\_books\\_%%'
               OR name IN ('field_closure_plan__obligations_loaded_date', 'ir_cron_closure_load_obligations'))"""

    def _imd(self, module):
        self.env.cr.execute(f"SELECT name FROM ir_model_data WHERE module = %s AND {self.SEAM} ORDER BY name",
                            [module])
        return [row[0] for row in self.env.cr.fetchall()]

    def _constraints(self, module):
        self.env.cr.execute("""SELECT c.name FROM ir_model_constraint c JOIN ir_module_module m ON m.id = c.module
                                WHERE m.name = %s AND c.name LIKE 'closure\\_books\\_%%' ORDER BY c.name""",
                            [module])
        return [row[0] for row in self.env.cr.fetchall()]

    def test_books_move_to_the_add_on_with_their_data(self):
        cr = self.env.cr
        moved = self._imd('closure_crm_books')
        for name in ('model_closure_books_total', 'model_closure_books_difference',
                     'model_closure_books_reconciliation', 'field_closure_books_difference__reason',
                     'selection__closure_books_difference__reason__no_case', 'closure_books_difference_view_list',
                     'action_closure_books_difference', 'access_closure_books_total_manager',
                     'field_closure_plan__obligations_loaded_date', 'field_closure_plan__books_total_ids',
                     'ir_cron_closure_load_obligations'):
            self.assertIn(name, moved)
        constraints = self._constraints('closure_crm_books')
        self.assertTrue(constraints)
        cron = self.env.ref('closure_crm_books.ir_cron_closure_load_obligations')
        # as a database of 18.0.1.2.0 has them: the ids and constraints in closure_crm, the add-on unknown to it
        cr.execute(f"UPDATE ir_model_data SET module = 'closure_crm'"
                   f" WHERE module = 'closure_crm_books' AND {self.SEAM}")
        cr.execute("""UPDATE ir_model_constraint
                         SET module = (SELECT id FROM ir_module_module WHERE name = 'closure_crm')
                       WHERE name LIKE 'closure\\_books\\_%%'""")
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled', demo = FALSE WHERE name = 'closure_crm_books'")
        self.assertFalse(self._imd('closure_crm_books'))

        load_migration('18.0.1.3.0', 'pre-split-books').migrate(cr, '18.0.1.2.0')
        self.env.invalidate_all()

        self.assertEqual(self._imd('closure_crm_books'), moved)
        self.assertFalse(self._imd('closure_crm'))
        self.assertEqual(self._constraints('closure_crm_books'), constraints)
        self.assertEqual(self.env.ref('closure_crm_books.ir_cron_closure_load_obligations'), cron,
                         "the same daily job (its record and id), not a second one")
        # the obligations' own fields stay in closure_crm
        self.assertTrue(self.env.ref('closure_crm.field_closure_obligation__books_amount'))
        self.assertTrue(self.env.ref('closure_crm.field_closure_obligation__source_document'))
        add_on = self.env['ir.module.module'].search([('name', '=', 'closure_crm_books')])
        closure_crm = self.env['ir.module.module'].search([('name', '=', 'closure_crm')])
        self.assertEqual((add_on.state, add_on.demo), ('to upgrade', closure_crm.demo),
                         "loaded as an update: the records admins edited and the demo stay as they are")
