import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestObligationImport(ClosureCommon):
    """Obligations are entered or imported by hand (Odoo's import, with a
    template: the customer found by reference, tax ID or email); what comes
    from the books is written by Load What We Owe only (closure_crm_books)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._create_customers(3, prefix='Importer', is_company=True)
        cls.customers[0].ref = 'IMP-0'
        cls.customers[1].vat = 'CN-VAT-0001'
        cls.cases = cls._create_cases(cls.customers)

    def test_source_written_by_the_load_only(self):
        obligation = self.env['closure.obligation'].create({
            'lead_id': self.cases[0].id, 'name': 'Deposit', 'obligation_type': 'deposit', 'amount': 50})
        self.assertEqual(obligation.source, 'manual')
        with self.assertRefused(obligation, UserError, 'Load What We Owe'):
            obligation.with_user(self.manager).write({'source': 'loyalty', 'change_reason': 'test'})
        with self.assertRaisesRegex(UserError, 'Load What We Owe'):
            self.env['closure.obligation'].with_user(self.manager).create({
                'lead_id': self.cases[1].id, 'name': 'Fake', 'amount': 10, 'source_document': False,
                'books_amount': 10})

    def test_import_template_and_lines(self):
        templates = self.env['closure.obligation'].get_import_templates()
        self.assertTrue(templates[0]['template'].endswith('closure_obligation_import.xlsx'))
        with file_open(templates[0]['template'].lstrip('/'), 'rb') as template:
            header_row = [cell.value for cell in openpyxl.load_workbook(template).active[1]]
        self.assertIn('Customer (Reference, Tax ID or Email)', header_row)
        Obligation = self.env['closure.obligation'].with_user(self.manager)
        header = ['closure_import_plan', 'closure_import_customer', 'obligation_type', 'name', 'amount']
        rows = [
            [self.plan.name, 'imp-0', 'prepaid', 'Prepaid card', '245'],         # reference, any case
            [self.plan.name, 'CN-VAT-0001', 'deposit', 'Deposit', '100'],        # tax ID
            [self.plan.name, self.customers[2].email, 'prepaid', 'Balance', '30'],  # email
            [self.plan.name, 'nobody@example.com', 'prepaid', 'Unknown', '10'],  # no such customer
            ['No Such Plan', 'IMP-0', 'prepaid', 'Wrong plan', '10'],
        ]
        result = Obligation.load(header, rows)
        # each refused line is reported with its own reason (Odoo repeats the first one at the top)
        errors = {message['record']: message['message'] for message in result['messages']
                  if message['type'] == 'error' and message['record'] > 0}
        self.assertEqual(sorted(errors), [3, 4], result['messages'])
        self.assertIn('nobody@example.com', errors[3])
        self.assertIn('No Such Plan', errors[4])
        self.assertFalse(result['ids'])
        # nothing half-imported
        self.assertFalse(self.env['closure.obligation'].search([('plan_id', '=', self.plan.id)]))
        result = Obligation.load(header, rows[:3])
        self.assertFalse(result['messages'], result['messages'])
        imported = self.env['closure.obligation'].browse(result['ids'])
        self.assertEqual(imported.mapped('lead_id'), self.cases)
        self.assertEqual(sorted(imported.mapped('amount')), [30, 100, 245])
        self.assertEqual(set(imported.mapped('source')), {'manual'})
