import io
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestRegisters(HttpCase, TransferCommon):
    """The registers a closing company hands to its liquidation group and
    auditors, as XLSX: the claims register, the consent register and the
    case register, read back cell by cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = cls._create_receiver('Harbour IT', industries=cls.retail, states=cls.shanghai)
        cls.owed, cls.settled, cls.nothing = cls._create_need_cases(3, prefix='Register Customer')
        cls.owed.partner_id.vat = 'CN91310000'
        cls.owed.closure_notified_date = date(2026, 7, 1)
        Obligation = cls.env['closure.obligation']
        Obligation.create([
            {'lead_id': cls.owed.id, 'obligation_type': 'prepaid', 'name': 'Membership', 'amount': 300},
            {'lead_id': cls.owed.id, 'obligation_type': 'deposit', 'name': 'Key deposit', 'amount': 100},
            {'lead_id': cls.owed.id, 'obligation_type': 'milestone', 'name': 'Go-live', 'amount': 0},
            {'lead_id': cls.settled.id, 'obligation_type': 'prepaid', 'name': 'Old card', 'amount': 50,
             'state': 'settled'},
        ])
        cls.transfer = cls.env['closure.transfer'].create({'lead_id': cls.owed.id, 'receiver_id': cls.receiver.id})

    def _read(self, register, user=None):
        plan = self.plan.with_user(user or self.manager)
        filename, content, count = plan._closure_export_register(register)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [cell.value for cell in sheet[3]]
        rows = [dict(zip(header, (cell.value for cell in row), strict=False)) for row in sheet.iter_rows(min_row=4)]
        self.assertEqual(len(rows), count)
        return filename, sheet, rows

    def test_claims_register_lists_what_is_owed(self):
        # a case a rep archived still owes the customer its money
        self.owed.action_archive()
        filename, sheet, rows = self._read('claims')
        self.assertEqual(filename, 'Claims Register - Test Closure.xlsx')
        self.assertIn('Test Closure', sheet['A1'].value)
        # only the customer still owed money; a settled balance is no claim
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row['Customer'], self.owed.partner_id.name)
        self.assertEqual(row['Tax ID'], 'CN91310000')
        self.assertEqual((row['Prepaid Balance'], row['Deposits'], row['Total Owed']), (300, 100, 400))
        self.assertEqual(row['Notified On'].date(), date(2026, 7, 1))
        self.assertEqual(row['Claim Deadline'].date(), self.owed.closure_claim_deadline)
        self.assertEqual(row['Segment'], 'B2B')
        self.assertEqual(row['Case Owner'], 'Rep One')

    def test_consent_register_keeps_the_evidence(self):
        self._consent(self.owed, receiver=self.receiver, categories=self.cat_contact | self.cat_notes,
                      transfer=self.transfer)
        self._consent(self.settled, decision='decline')
        _filename, _sheet, rows = self._read('consents')
        self.assertEqual(len(rows), 2)
        accepted = next(row for row in rows if row['Customer'] == self.owed.partner_id.name)
        self.assertEqual(accepted['Decision'], 'Accept the proposed receiver')
        self.assertEqual(accepted['Receiver'], 'Harbour IT')
        self.assertEqual(accepted['Data They Agree to Share'], 'Contact data, Notes and needs')
        self.assertEqual(accepted['Channel'], 'Phone')
        self.assertIn('answered on the phone', accepted['Note'])
        declined = next(row for row in rows if row['Customer'] == self.settled.partner_id.name)
        self.assertEqual(declined['Decision'], 'Decline any transfer')
        self.assertIsNone(declined['Receiver'])

    def test_case_register_every_case_once_in_pages(self):
        self._create_need_cases(7, prefix='Paged Customer')
        expected = self.env['crm.lead'].search([('closure_plan_id', '=', self.plan.id)])
        # pages of 2 rows: every case exactly once, in id order
        with patch('odoo.addons.closure_crm.report.closure_register.REGISTER_BATCH', 2):
            _filename, _sheet, rows = self._read('cases')
        self.assertEqual([row['Customer'] for row in rows], expected.sorted('id').partner_id.mapped('name'))
        owed = rows[[row['Customer'] for row in rows].index(self.owed.partner_id.name)]
        self.assertEqual((owed['Receiver'], owed['Transfer Status']), ('Harbour IT', 'Proposed'))
        self.assertEqual(owed['Refund Due'], 400)

    def test_only_managers_export_and_it_is_logged(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1)._closure_export_register('claims')
        self._read('claims')
        self.assertIn('Claims Register exported by Closure Manager. Rows: 1.', self.plan.message_ids[0].body)
        # through the browser: the file itself, nothing kept in the filestore
        self.authenticate('closure_manager', 'closure_manager')
        attachments = self.env['ir.attachment'].search_count([])
        response = self.url_open(f'/closure/register/{self.plan.id}/cases')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'],
                         'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        self.assertIn('Case%20Register', response.headers['Content-Disposition'])
        self.assertEqual(
            openpyxl.load_workbook(io.BytesIO(response.content)).active['A4'].value,
            self.env['crm.lead'].search([('closure_plan_id', '=', self.plan.id)], order='id', limit=1).partner_id.name,
        )
        self.assertEqual(self.env['ir.attachment'].search_count([]), attachments)
        self.authenticate('closure_rep_1', 'closure_rep_1')
        self.assertEqual(self.url_open(f'/closure/register/{self.plan.id}/cases').status_code, 403)

    def test_other_company_plan_is_out_of_reach(self):
        other_company = self.env['res.company'].create({'name': 'Other Co'})
        other_plan = self.env['closure.plan'].create({'name': 'Other Closure', 'company_id': other_company.id})
        with self.assertRaises(AccessError):
            other_plan.with_user(self.manager)._closure_export_register('cases')

    def test_register_in_the_manager_language(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        self.manager.lang = 'zh_CN'
        filename, sheet, rows = self._read('claims')
        self.assertTrue(filename.startswith('债权登记表'))
        self.assertEqual(rows[0]['应付总额'], 400)
        self.assertEqual(rows[0]['税号'], 'CN91310000')
