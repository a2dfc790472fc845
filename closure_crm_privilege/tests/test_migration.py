from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.common import load_migration


@tagged('post_install', '-at_install')
class TestSplitMigration(TransactionCase):
    """Updating closure_crm from before the split (18.0.1.2.0) brings this
    add-on along: the privileges' external ids come here, the add-on is
    loaded in the same update, the notices read closure_crm's field."""

    def _imd(self, module):
        self.env.cr.execute("""SELECT name FROM ir_model_data
                                WHERE module = %s AND name LIKE '%%privilege%%' ORDER BY name""", [module])
        return [row[0] for row in self.env.cr.fetchall()]

    def test_privileges_move_to_the_add_on_with_their_data(self):
        cr = self.env.cr
        moved = self._imd('closure_crm_privilege')
        self.assertIn('closure_privilege_rule_own', moved)
        self.assertIn('demo_privilege_answer_008_priority', moved)
        template = self.env.ref('closure_crm.mail_template_notice_a_b2b')
        # as a database of 18.0.1.2.0 has them: the ids in closure_crm, the add-on
        # unknown to it, a notice (edited by an admin) reading the old field
        cr.execute("UPDATE ir_model_data SET module = 'closure_crm' WHERE module = 'closure_crm_privilege'"
                   " AND name LIKE '%%privilege%%'")
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled', demo = FALSE"
                   " WHERE name = 'closure_crm_privilege'")
        old_body = template.body_html.replace('closure_notice_offers', 'closure_privilege_notice').replace(
            'Let us talk', 'Let us talk, please')
        template.write({'body_html': old_body})
        self.env.flush_all()

        load_migration('18.0.1.3.0', 'pre-split-privilege').migrate(cr, '18.0.1.2.0')
        self.env.invalidate_all()

        # (with the selection values of the evidence mixin's channel, which the
        # update then gives back to closure_crm, whose field they are)
        self.assertLessEqual(set(moved), set(self._imd('closure_crm_privilege')))
        self.assertFalse([name for name in self._imd('closure_crm') if name in moved])
        add_on = self.env['ir.module.module'].search([('name', '=', 'closure_crm_privilege')])
        closure_crm = self.env['ir.module.module'].search([('name', '=', 'closure_crm')])
        self.assertEqual((add_on.state, add_on.demo), ('to upgrade', closure_crm.demo),
                         "loaded as an update: the records admins edited and the demo stay as they are")
        self.assertNotIn('closure_privilege_notice', template.body_html)
        self.assertIn('object.closure_notice_offers', template.body_html)
        self.assertIn('Let us talk, please', template.body_html, "the admin's wording stays")
