from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import give_back_to_core, load_migration

# declared by closure_crm_data and new in it: no closure_crm record to take over
NEW_IN_DATA = {'closure_plan_view_form_guide_erasure', 'model_report_closure_crm_data_report_closure_erasure_preview'}


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """A database of closure_crm 18.0.1.2.0 held the export and erasure
    records under closure_crm: the update hands every one of them to
    closure_crm_data before closure_crm loads; the plan's timeline and the
    case's erased date stay closure_crm's."""

    def test_every_data_record_changes_module(self):
        cr = self.env.cr
        # as before the split: the seam's records were closure_crm's (the ids
        # closure_crm also has, e.g. ir.model rows of extended models, stay apart)
        before = give_back_to_core(cr, 'closure_crm_data', NEW_IN_DATA)
        for name in ('model_closure_erasure', 'field_closure_erasure_batch__case_count', 'ir_cron_closure_erasure',
                     'action_report_closure_erasure', 'closure_erasure_rule_company',
                     'access_closure_erasure_batch_manager', 'field_crm_lead__closure_legal_hold',
                     'field_closure_plan__erasure_state', 'closure_answer_page_data_export'):
            self.assertIn(name, before)
        guide = self.env.ref('closure_crm.closure_plan_view_form_guide')

        load_migration('18.0.1.3.0', 'pre-split-data').migrate(cr, '18.0.1.2.0')

        cr.execute("SELECT name FROM ir_model_data WHERE module = 'closure_crm' AND name IN %s", [tuple(before)])
        self.assertEqual([name for name, in cr.fetchall()], [], "left to closure_crm")
        # the legal timeline and whether a case is erased stay in closure_crm
        for name in ('field_closure_plan__data_erasure_date', 'field_closure_plan__data_export_deadline',
                     'field_crm_lead__closure_erased_date'):
            self.assertTrue(self.env.ref(f'closure_crm.{name}', raise_if_not_found=False), name)
        cr.execute("SELECT arch_db->>'en_US' FROM ir_ui_view WHERE id = %s", [guide.id])
        self.assertEqual(cr.fetchone()[0], '<data/>', "closure_crm's update rewrites it")
        # the add-on is installed here: its state stays
        self.assertEqual(self.env['ir.module.module'].search([('name', '=', 'closure_crm_data')]).state, 'installed')
