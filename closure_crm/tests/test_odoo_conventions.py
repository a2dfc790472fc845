from odoo.models import is_definition_class
from odoo.tests import tagged

from .common import ClosureCommon

# ours: closure_crm, closure_training and the add-ons split from closure_crm (closure_crm_*)
ADDON_PREFIX = 'closure_'
# the records kept on one case closure_crm has (add-ons' are found through
# the mixin's children), and what closure.case.mixin gives them
CASE_RECORDS = ('closure.consent',)
CASE_FIELDS = ('lead_id', 'partner_id', 'plan_id', 'company_id')


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
                       if getattr(field, 'check_company', False)
                       and any(module.startswith(ADDON_PREFIX) for module in field._modules)]
            if fields_:
                checked.append(name)
                self.assertTrue(model._check_company_auto, f"{name}: {[field.name for field in fields_]}")
        self.assertIn('closure.transfer', checked)
        self.assertIn('crm.lead', checked)

    def test_case_records_share_the_case_mixin(self):
        """Complaints and consents (and the add-ons' records kept on a case,
        e.g. privileges) take their case and its customer, plan and company
        from closure.case.mixin: declared and computed once (a model may
        narrow lead_id's domain, nothing more), the same columns and indexes
        on their tables."""
        mixin = self.env['closure.case.mixin']
        case_records = tuple(sorted(set(CASE_RECORDS) | {
            name for name in mixin._inherit_children if not self.env[name]._abstract}))

        def definition(model, fname):
            field = model._fields[fname]
            return (field.type, field.comodel_name, field.string, field.required, field.store, field.index,
                    field.ondelete, field.compute, field.precompute, field.check_company,
                    tuple(self.registry.field_depends[field]))

        for name in case_records:
            model = self.env[name]
            self.assertIn(name, mixin._inherit_children)
            self.assertTrue(model._check_company_auto, name)
            for fname in CASE_FIELDS:
                self.assertEqual(definition(model, fname), definition(mixin, fname), f"{name}.{fname}")
            for klass in type(model)._model_classes__:
                if not is_definition_class(klass) or klass._name == 'closure.case.mixin':
                    continue
                self.assertNotIn('_compute_case_fields', vars(klass), f"{name}: {klass}")
                for field in klass._field_definitions:
                    if field.name in CASE_FIELDS:
                        self.assertLessEqual(set(field._args__), {'domain'}, f"{name}.{field.name}: {klass}")
        self.env.cr.execute("""
            SELECT column_name, array_agg(DISTINCT (data_type, is_nullable)::text), count(*)
              FROM information_schema.columns
             WHERE table_name IN %s AND column_name IN %s
          GROUP BY column_name""", [tuple(model.replace('.', '_') for model in case_records), CASE_FIELDS])
        columns = {column: (kinds, count) for column, kinds, count in self.env.cr.fetchall()}
        self.assertEqual(columns, {
            'lead_id': (['(integer,NO)'], len(case_records)),
            'partner_id': (['(integer,YES)'], len(case_records)),
            'plan_id': (['(integer,YES)'], len(case_records)),
            'company_id': (['(integer,YES)'], len(case_records)),
        })
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename IN %s",
                            [tuple(model.replace('.', '_') for model in case_records)])
        indexes = {row[0] for row in self.env.cr.fetchall()}
        for name in case_records:
            for fname in CASE_FIELDS:
                self.assertIn(f"{name.replace('.', '_')}__{fname}_index", indexes)
