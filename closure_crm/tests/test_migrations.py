from odoo import SUPERUSER_ID
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import load_migration


@tagged('post_install', '-at_install')
class TestTemplateMigration(TransactionCase):
    """Updating a database installed before 18.0.1.2.0 gives the notices the
    new wording (statutory creditor notice) unless an admin edited them."""

    def test_untouched_templates_take_the_new_wording_edited_ones_are_kept(self):
        migration = load_migration('18.0.1.2.0', 'post-mail-templates')
        admin = new_test_user(self.env, login='template_admin',
                              groups='base.group_system,closure_crm.group_closure_manager')
        untouched = self.env.ref('closure_crm.mail_template_notice_a_b2b')
        edited = self.env.ref('closure_crm.mail_template_notice_a_b2c')
        shipped = untouched.body_html
        self.assertIn('closure_creditor_notice', shipped, "the shipped notice carries the creditor notice")
        # as a database installed by an older version has them
        untouched.with_user(SUPERUSER_ID).write({'body_html': '<p>Old notice</p>'})
        edited.with_user(admin).write({'body_html': '<p>Our own wording</p>'})
        self.env.flush_all()
        self.assertEqual(untouched.write_uid.id, SUPERUSER_ID)

        with self.assertLogs('closure_crm_migration_post-mail-templates', 'WARNING') as logs:
            migration.migrate(self.env.cr, '18.0.1.1.0')
        self.env.invalidate_all()

        self.assertEqual(untouched.body_html, shipped, "the untouched template takes the module's text")
        self.assertEqual(edited.body_html, '<p>Our own wording</p>', "an admin's wording is never overwritten")
        self.assertIn(edited.name, logs.output[0])
