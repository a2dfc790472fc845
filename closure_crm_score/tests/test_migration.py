from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import give_back_to_core, load_migration

# declared by closure_crm_score and new in it: no closure_crm record to take over
NEW_IN_SCORE = {'crm_lead_view_form_closure_score', 'crm_lead_view_list_closure_work_score',
                'crm_lead_view_search_closure_score', 'closure_plan_view_form_score'}


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """A database of closure_crm 18.0.1.3.0 held the case score under
    closure_crm: the update hands its fields and job to closure_crm_score
    before closure_crm loads, and empties closure_crm's views that showed the
    score (closure_crm's files write them again without it)."""

    def test_every_score_record_changes_module(self):
        cr = self.env.cr
        before = give_back_to_core(cr, 'closure_crm_score', NEW_IN_SCORE)
        for name in ('field_crm_lead__closure_score', 'field_crm_lead__closure_need_match',
                     'field_closure_plan__score_senior_user_id', 'ir_cron_closure_scores'):
            self.assertIn(name, before)
        view = self.env.ref('closure_crm.crm_lead_view_list_closure_work')
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'closure_crm_score'")

        load_migration('18.0.1.4.0', 'pre-split-score').migrate(cr, '18.0.1.3.0')

        cr.execute("SELECT name FROM ir_model_data WHERE module = 'closure_crm' AND name IN %s", [tuple(before)])
        self.assertEqual([name for name, in cr.fetchall()], [], "left to closure_crm")
        cr.execute("SELECT arch_db->>'en_US' FROM ir_ui_view WHERE id = %s", [view.id])
        self.assertEqual(cr.fetchone()[0], '<data/>', "closure_crm's update writes it again")
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'closure_crm_score'")
        self.assertEqual(cr.fetchone()[0], 'to upgrade', "loaded in the same update, keeping the job's schedule")
        self.env.invalidate_all()
