from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import give_back_to_core, load_migration


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """A database of closure_crm 18.0.1.3.0 with Email Marketing kept the
    plan's news list as an integer (news_list_ref) and the job that keeps it
    in step under closure_crm: the update hands the job to
    closure_crm_mass_mailing, and the integer becomes the bridge's link to
    the list, with its value."""

    def test_the_list_and_its_job_move_to_the_bridge(self):
        cr = self.env.cr
        plan = self.env['closure.plan'].create({'name': 'Migrated Plan'})
        news_list = self.env['mailing.list'].create({'name': 'News of the migrated plan'})
        gone = self.env['mailing.list'].create({'name': 'Deleted since'})
        other = self.env['closure.plan'].create({'name': 'Plan of a deleted list', 'news_list_id': gone.id})
        plan.news_list_id = news_list
        self.env.flush_all()
        # as before the split: the job was closure_crm's, the link an integer without a foreign key
        before = give_back_to_core(cr, 'closure_crm_mass_mailing', {'field_closure_plan__news_list_id'})
        self.assertIn('ir_cron_closure_sync_news_lists', before)
        cr.execute("ALTER TABLE closure_plan DROP CONSTRAINT IF EXISTS closure_plan_news_list_id_fkey")
        cr.execute("ALTER TABLE closure_plan RENAME COLUMN news_list_id TO news_list_ref")
        cr.execute("DELETE FROM mailing_list WHERE id = %s", [gone.id])
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'closure_crm_mass_mailing'")

        load_migration('18.0.1.4.0', 'pre-split-mass-mailing').migrate(cr, '18.0.1.3.0')

        cr.execute("SELECT name FROM ir_model_data WHERE module = 'closure_crm' AND name IN %s", [tuple(before)])
        self.assertEqual(cr.fetchall(), [], "left to closure_crm")
        cr.execute("SELECT id, news_list_id FROM closure_plan WHERE id IN %s ORDER BY id", [(plan.id, other.id)])
        self.assertEqual(cr.fetchall(), [(plan.id, news_list.id), (other.id, None)])
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'closure_crm_mass_mailing'")
        self.assertEqual(cr.fetchone()[0], 'to upgrade', "loaded in the same update, keeping the job's schedule")
        self.env.invalidate_all()
