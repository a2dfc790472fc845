from odoo.tests import tagged

from .common import ClosureCommon

ADDONS = {'closure_crm', 'closure_training'}


@tagged('post_install', '-at_install')
class TestOdooConventions(ClosureCommon):
    """Where Odoo core has a habit, the add-ons keep it."""

    def _stored_token(self, case):
        self.env.flush_all()
        self.env.cr.execute("SELECT closure_access_token FROM crm_lead WHERE id = %s", [case.id])
        return self.env.cr.fetchone()[0]

    def test_answer_token_comes_with_the_case(self):
        """As portal.mixin's tokens: created with the record (create, or the
        write that makes a lead a closure case), never by a read."""
        case = self._create_cases(self._create_customers(1, prefix='Token'))
        self.assertTrue(self._stored_token(case))
        lead = self.env['crm.lead'].create({'name': 'Not a case yet', 'type': 'opportunity'})
        self.assertFalse(self._stored_token(lead))
        lead.write({'closure_plan_id': self.plan.id, 'partner_id': self._create_customers(1, prefix='Later').id})
        self.assertTrue(self._stored_token(lead))
        # a read computes the link from the stored token and writes nothing
        self.env.cr.execute("UPDATE crm_lead SET closure_access_token = NULL WHERE id = %s", [case.id])
        case.invalidate_recordset()
        self.assertFalse(case.closure_answer_url)
        self.assertIsNone(self._stored_token(case))

    def test_check_company_fields_have_check_company_auto(self):
        """Every model with a check_company field of ours checks it on create
        and write (_check_company_auto), as crm.lead does."""
        checked = []
        for name in self.env.registry:
            model = self.env[name]
            fields_ = [field for field in model._fields.values()
                       if getattr(field, 'check_company', False) and ADDONS & set(field._modules)]
            if fields_:
                checked.append(name)
                self.assertTrue(model._check_company_auto, f"{name}: {[field.name for field in fields_]}")
        self.assertIn('closure.transfer', checked)
        self.assertIn('crm.lead', checked)
