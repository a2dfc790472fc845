from psycopg2.extras import Json

from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import give_back_to_core, load_migration

# declared by closure_crm_care and new in it: no closure_crm record to take over
NEW_IN_CARE = {'closure_plan_view_kanban_dashboard_care'}


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """A database of closure_crm 18.0.1.2.0 held the care records under
    closure_crm: the update hands every one of them to closure_crm_care
    before closure_crm loads, and strips the care fields from closure_crm's
    own views that showed them."""

    def test_every_care_record_changes_module(self):
        cr = self.env.cr
        # as before the split: the care records were closure_crm's (the ids
        # closure_crm also has, e.g. ir.model rows of extended models, stay apart)
        before = give_back_to_core(cr, 'closure_crm_care', NEW_IN_CARE)
        self.assertIn('mail_template_care', before)
        self.assertIn('field_crm_lead__closure_no_contact', before)
        # closure_crm's view that showed care fields beside its own (18.0.1.2.0)
        view = self.env.ref('closure_crm.crm_lead_view_form_closure_care')
        cr.execute("UPDATE ir_ui_view SET arch_db = %s WHERE id = %s", [Json({'en_US': (
            '<xpath expr="//field[@name=\'closure_news_opt_in\']" position="after">\n'
            '    <field name="closure_no_contact"/>\n'
            '    <field name="closure_care_sent_date"/>\n'
            '    <field name="closure_need_match"/>\n'
            '</xpath>')}), view.id])

        load_migration('18.0.1.3.0', 'pre-split-care').migrate(cr, '18.0.1.2.0')

        cr.execute("SELECT name FROM ir_model_data WHERE module = 'closure_crm' AND name IN %s", [tuple(before)])
        self.assertEqual([name for name, in cr.fetchall()], [], "left to closure_crm")
        cr.execute("SELECT arch_db->>'en_US' FROM ir_ui_view WHERE id = %s", [view.id])
        arch = cr.fetchone()[0]
        self.assertNotIn('closure_no_contact', arch)
        self.assertNotIn('closure_care_sent_date', arch)
        self.assertIn('closure_need_match', arch)
        # the add-on is installed here: its state stays
        self.assertEqual(self.env['ir.module.module'].search([('name', '=', 'closure_crm_care')]).state, 'installed')
