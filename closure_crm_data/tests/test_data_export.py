import io
import json
import re
import zipfile
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.closure_crm.tests.transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestDataExport(HttpCase, TransferCommon):
    """The copy of the customer's data (PIPL Art. 45, GDPR Art. 15 and 20):
    downloaded at once from the personal page until the export deadline, or
    produced by staff from the case; only this customer's data, never the
    internal notes; every download logged on the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({'decision_date': fields.Date.today() - timedelta(days=10), 'notice_export_url': False})
        cls.receiver = cls._create_receiver('Export Harbour', industries=cls.retail, states=cls.shanghai)
        cls.case = cls._create_need_cases(1, prefix='Export Tea', industry=cls.retail, state=cls.shanghai)
        cls.other_case = cls._create_need_cases(1, prefix='Other Shop', industry=cls.retail, state=cls.shanghai)
        cls.env['closure.obligation'].create({
            'lead_id': cls.case.id, 'obligation_type': 'prepaid', 'name': 'Tea card', 'amount': 120.0})
        transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.receiver.id})
        cls.consent = cls.env['closure.consent'].create({
            'lead_id': cls.case.id, 'transfer_id': transfer.id, 'decision': 'accept',
            'receiver_id': cls.receiver.id, 'data_category_ids': [(6, 0, cls.cat_contact.ids)],
            'channel': 'phone', 'note': 'Called on Monday: yes to Export Harbour.'})
        customer = cls.case.partner_id
        cls.case.message_post(
            body='Here is my last order form.', author_id=customer.id, message_type='comment',
            subtype_xmlid='mail.mt_comment', attachments=[('order-form.txt', b'my order form')])
        cls.case.message_post(body='We will refund your card.', message_type='comment',
                              subtype_xmlid='mail.mt_comment')
        cls.case.message_post(body='INTERNAL: customer sounds difficult.', subtype_xmlid='mail.mt_note',
                              attachments=[('internal.txt', b'internal file')])
        cls.other_case.message_post(body='OTHER CUSTOMER message', author_id=cls.other_case.partner_id.id,
                                    message_type='comment', subtype_xmlid='mail.mt_comment')
        cls.token = cls.case.closure_answer_url.split('access_token=')[1]

    def _post_export(self, token=None, case=None):
        case = case or self.case
        page = self.url_open(f'/closure/answer/{case.id}?access_token={self.token}').text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(f'/closure/answer/{case.id}/export',
                             data={'csrf_token': csrf, 'access_token': token or self.token})

    def _export_logs(self):
        return self.env['mail.message'].search([
            ('model', '=', 'crm.lead'), ('res_id', '=', self.case.id), ('body', 'ilike', 'Copy of the customer')])

    def _read_zip(self, content):
        archive = zipfile.ZipFile(io.BytesIO(content))
        return archive, json.loads(archive.read('data.json'))

    def test_customer_downloads_their_data(self):
        page = self.url_open(f'/closure/answer/{self.case.id}?access_token={self.token}').text
        self.assertIn('Download my data', page)
        response = self._post_export()
        self.assertEqual(response.status_code, 200, response.text[-1000:])
        self.assertEqual(response.headers['Content-Type'], 'application/zip')
        archive, data = self._read_zip(response.content)
        names = archive.namelist()
        self.assertIn('README.txt', names)
        self.assertIn('data.xlsx', names)
        self.assertIn('messages', archive.read('README.txt').decode())
        self.assertEqual(data['format'], 'closure-data-export')
        self.assertEqual(data['contact']['email'], self.case.partner_id.email)
        self.assertEqual([case['id'] for case in data['cases']], self.case.ids)
        self.assertEqual([(o['type'], o['amount']) for o in data['obligations']], [('prepaid', 120.0)])
        self.assertEqual(data['consents'][0]['evidence_text'], 'Called on Monday: yes to Export Harbour.')
        self.assertEqual(data['transfers'][0]['receiver'], 'Export Harbour')
        bodies = [message['body'] for message in data['messages']]
        self.assertIn('Here is my last order form.', bodies)
        self.assertIn('We will refund your card.', bodies)
        dump = json.dumps(data)
        self.assertNotIn('INTERNAL', dump, "internal notes stay internal")
        self.assertNotIn('OTHER CUSTOMER', dump)
        self.assertNotIn('Other Shop', dump)
        self.assertEqual([a['name'] for a in data['attachments']], ['order-form.txt'])
        self.assertEqual(archive.read(data['attachments'][0]['file']), b'my order form')
        self.assertFalse([name for name in names if 'internal' in name])
        # the XLSX holds the same data, one sheet per section
        workbook = openpyxl.load_workbook(io.BytesIO(archive.read('data.xlsx')), read_only=True)
        self.assertEqual(workbook.sheetnames,
                         ['Your Contact Details', 'Your Cases', 'What We Owe You', 'Your Answers', 'Data Transfers',
                          'Messages Exchanged', 'Your Files'])
        messages = workbook['Messages Exchanged']
        cells = [str(cell) for row in messages.iter_rows(values_only=True) for cell in row if cell]
        self.assertIn('Here is my last order form.', cells)
        self.assertFalse([cell for cell in cells if 'INTERNAL' in cell])
        contact = list(workbook['Your Contact Details'].iter_rows(values_only=True))
        self.assertEqual(contact[1][contact[0].index('Email')], self.case.partner_id.email)
        # logged on the case, without the token
        logs = self._export_logs()
        self.assertEqual(len(logs), 1)
        self.assertIn('personal page', logs.body)
        self.assertNotIn(self.token, logs.body)
        # the log is an internal note: it is not in the next copy
        _archive, again = self._read_zip(self._post_export().content)
        self.assertEqual(len(again['messages']), len(data['messages']))
        self.assertEqual(len(self._export_logs()), 2)

    def test_refused_after_the_deadline(self):
        self.plan.write({'decision_date': fields.Date.today() - timedelta(days=200)})
        # past the export deadline, before the erasure date (after it the page is closed)
        self.plan.data_erasure_date = fields.Date.today() + timedelta(days=10)
        self.assertLess(self.plan.data_export_deadline, fields.Date.today())
        page = self.url_open(f'/closure/answer/{self.case.id}?access_token={self.token}').text
        self.assertNotIn('Download my data', page)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(f'/closure/answer/{self.case.id}/export',
                                 data={'csrf_token': csrf, 'access_token': self.token})
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response.headers['Content-Type'], 'application/zip')
        self.assertIn('could be downloaded until', response.text)
        self.assertFalse(self._export_logs())

    def test_bad_token_is_not_found(self):
        response = self._post_export(token='not-the-token')
        self.assertEqual(response.status_code, 404)
        response = self._post_export(token=self.token[:-1] + ('0' if self.token[-1] != '0' else '1'))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._export_logs())

    def test_staff_export(self):
        filename, content = self.case.with_user(self.rep_1)._closure_data_export_staff()
        self.assertTrue(filename.endswith('.zip'))
        _archive, data = self._read_zip(content)
        self.assertEqual(data['contact']['name'], self.case.partner_id.name)
        self.assertNotIn('INTERNAL', json.dumps(data))
        self.assertIn('Rep One', self._export_logs().body)
        action = self.case.with_user(self.rep_1).action_closure_data_export()
        self.assertEqual(action['url'], f'/closure/case/{self.case.id}/data_export')
        # through the route, as the rep
        self.authenticate('closure_rep_1', 'closure_rep_1')
        response = self.url_open(action['url'])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'], 'application/zip')
        self.assertEqual(len(self._export_logs()), 2)

    def test_staff_export_refused_for_a_rep_of_another_team(self):
        with self.assertRaises(AccessError):
            self.case.with_user(self.rep_2)._closure_data_export_staff()
        with self.assertRaises(AccessError):
            self.case.with_user(self.rep_2).action_closure_data_export()
        self.authenticate('closure_rep_2', 'closure_rep_2')
        response = self.url_open(f'/closure/case/{self.case.id}/data_export')
        self.assertNotEqual(response.status_code, 200)
        self.assertNotEqual(response.headers.get('Content-Type'), 'application/zip')
        self.assertFalse(self._export_logs())

    def test_wave_needs_an_export_channel(self):
        self.plan.write({'decision_date': fields.Date.today() - timedelta(days=200), 'notice_export_url': False})
        wave = self.env['closure.notice.wave'].create({'name': 'No export', 'plan_id': self.plan.id})
        with self.assertRaisesRegex(UserError, 'Data Export Deadline.*Data Export Channel'):
            wave.action_send()
        self.assertEqual(wave.state, 'draft')
        self.assertFalse(wave.recipient_ids)
        # an export link is enough; so is an export deadline still ahead
        self.plan.notice_export_url = 'https://export.example.com/closing'
        self.assertTrue(self.plan._has_export_channel())
        self.plan.write({'notice_export_url': False, 'decision_date': fields.Date.today()})
        self.assertTrue(self.plan._has_export_channel())
        wave.action_send()
        self.assertNotEqual(wave.state, 'draft')

    def test_spreadsheet_speaks_the_customers_language(self):
        """A Chinese customer's spreadsheet has Chinese sheet and column titles
        (the forms' field labels), whoever produces it; data.json keeps its
        documented keys."""
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        self.case.partner_id.lang = 'zh_CN'
        # produced by a rep working in English: the file is the customer's
        _filename, content = self.case.with_user(self.rep_1)._closure_data_export_staff()
        archive, data = self._read_zip(content)
        self.assertIn('prepaid_balance', data['cases'][0])
        workbook = openpyxl.load_workbook(io.BytesIO(archive.read('data.xlsx')), read_only=True)
        self.assertEqual(workbook.sheetnames[2], '我们欠您的款项')
        for sheet in workbook.sheetnames:
            self.assertRegex(sheet, r'[\u4e00-\u9fff]')
        cases = list(workbook[workbook.sheetnames[1]].iter_rows(values_only=True))
        self.assertIn('预付余额', cases[0])
        self.assertIn('申报截止日', cases[0])
        self.assertNotIn('prepaid_balance', cases[0])
        self.assertEqual(cases[1][cases[0].index('预付余额')], self.case.closure_prepaid_balance)
        # and a README in Chinese that still names data.json's keys as they are
        readme = archive.read('README.txt').decode()
        self.assertIn('您的数据副本', readme)
        self.assertIn(self.case.company_id.name, readme)
        self.assertIn('prepaid_balance', readme)
        self.assertNotIn('Copy of your data', readme)
