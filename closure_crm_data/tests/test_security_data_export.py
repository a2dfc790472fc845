import io
import json
import re
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.tests import test_security_evidence

FOREIGN_TEAM = 'FOREIGN-TEAM-MARKER'
FOREIGN_COMPANY = 'FOREIGN-COMPANY-MARKER'


@tagged('post_install', '-at_install')
class TestExportsFollowRecordRules(HttpCase, test_security_evidence.EvidenceCommon):
    """The staff copy holds what the requesting user may read of this
    customer; the customer's copy holds the link's case only; both are
    rate-limited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({'decision_date': fields.Date.today() - timedelta(days=10), 'notice_export_url': False})
        cls.customer = cls.case_plain.partner_id
        cls.case_plain.message_post(body='My own message', author_id=cls.customer.id, message_type='comment',
                                    subtype_xmlid='mail.mt_comment')
        # the same customer in another team's plan of this company, worked by rep_2
        plan_b = cls.env['closure.plan'].create({
            'name': 'Other team closure', 'decision_date': fields.Date.today() - timedelta(days=10),
            'user_id': cls.manager.id})
        plan_b.action_start()
        cls.case_team_b = cls._create_cases(cls.customer, plan=plan_b, user_id=cls.rep_2.id)
        cls._mark(cls.case_team_b, FOREIGN_TEAM)
        # and in a second company's plan
        plan_2 = cls.env['closure.plan'].with_company(cls.company_2).create({
            'name': 'Second company closure', 'company_id': cls.company_2.id,
            'decision_date': fields.Date.today() - timedelta(days=10), 'user_id': cls.user_co2.id})
        plan_2.action_start()
        cls.case_co2 = cls.env['crm.lead'].with_company(cls.company_2).create({
            'name': 'Second company case', 'type': 'opportunity', 'partner_id': cls.customer.id,
            'closure_plan_id': plan_2.id, 'team_id': plan_2.team_id.id, 'user_id': cls.user_co2.id,
            'company_id': cls.company_2.id})
        cls._mark(cls.case_co2, FOREIGN_COMPANY)
        cls.token = cls.case_plain.sudo().closure_access_token

    @classmethod
    def _mark(cls, case, marker):
        case.message_post(body=f'{marker} message', author_id=case.partner_id.id, message_type='comment',
                          subtype_xmlid='mail.mt_comment', attachments=[(f'{marker}.txt', marker.encode())])
        cls.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': f'{marker} card', 'amount': 10.0})
        cls.env['closure.consent'].create({
            'lead_id': case.id, 'decision': 'decline', 'channel': 'phone', 'note': f'{marker} consent'})
        case.sudo().closure_process_dependencies = f'{marker} process'

    def _zip_text(self, content):
        archive = zipfile.ZipFile(io.BytesIO(content))
        return archive, '\n'.join(archive.read(name).decode('utf-8', 'replace') for name in archive.namelist()
                                  if not name.endswith('.xlsx'))

    def test_staff_copy_holds_only_what_the_user_reads(self):
        self.assertEqual(self.case_co2.company_id, self.company_2)
        for user in (self.rep_1, self.manager, self.sales_admin):
            with self.subTest(user=user.login):
                _filename, content = self.case_plain.with_user(user).with_context(
                    allowed_company_ids=[self.company.id])._closure_data_export_staff()
                archive, text = self._zip_text(content)
                data = json.loads(archive.read('data.json'))
                self.assertNotIn(FOREIGN_COMPANY, text)
                if user == self.rep_1:
                    self.assertEqual([case['id'] for case in data['cases']], self.case_plain.ids)
                    self.assertNotIn(FOREIGN_TEAM, text)
                    self.assertFalse([name for name in archive.namelist() if FOREIGN_TEAM in name])
                else:
                    # a closure manager reads both cases of their company
                    self.assertEqual(sorted(case['id'] for case in data['cases']),
                                     sorted((self.case_plain | self.case_team_b).ids))
                self.assertIn('My own message', text)

    def test_rep_making_a_case_for_another_reps_customer_gets_their_own_case_only(self):
        # rep_1 opens a case for the customer in the other team's plan? The plan's team is not theirs:
        # they see their own case only, and the copy holds nothing of the other cases
        _filename, content = self.case_plain.with_user(self.rep_1)._closure_data_export_staff()
        _archive, text = self._zip_text(content)
        for marker in (FOREIGN_TEAM, FOREIGN_COMPANY):
            self.assertNotIn(marker, text)

    def test_customer_copy_holds_the_links_case_only(self):
        response = self._post_export()
        self.assertEqual(response.status_code, 200, response.text[-500:])
        archive, text = self._zip_text(response.content)
        data = json.loads(archive.read('data.json'))
        self.assertEqual([case['id'] for case in data['cases']], self.case_plain.ids)
        for marker in (FOREIGN_TEAM, FOREIGN_COMPANY):
            self.assertNotIn(marker, text)
            self.assertFalse([name for name in archive.namelist() if marker in name])
        self.assertIn('My own message', text)

    def _post_export(self):
        page = self.url_open(f'/closure/answer/{self.case_plain.id}?access_token={self.token}').text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(f'/closure/answer/{self.case_plain.id}/export',
                             data={'csrf_token': csrf, 'access_token': self.token})

    def _export_logs(self):
        return self.env['mail.message'].search_count([
            ('model', '=', 'crm.lead'), ('res_id', '=', self.case_plain.id), ('body', 'ilike', 'Copy of the customer')])

    def test_customer_copies_are_rate_limited(self):
        self.env['ir.config_parameter'].set_param('closure_crm.export_max_per_hour', 2)
        for _attempt in range(2):
            self.assertEqual(self._post_export().headers['Content-Type'], 'application/zip')
        response = self._post_export()
        self.assertNotEqual(response.headers['Content-Type'], 'application/zip')
        self.assertIn('please wait a little', response.text)
        self.assertEqual(self._export_logs(), 2)

    def test_staff_copies_are_rate_limited(self):
        self.env['ir.config_parameter'].set_param('closure_crm.export_max_per_hour', 2)
        case = self.case_plain.with_user(self.rep_1)
        case._closure_data_export_staff()
        case.action_closure_data_export()
        case._closure_data_export_staff()
        with self.assertRaisesRegex(UserError, 'please wait a little'):
            case.action_closure_data_export()
        with self.assertRaisesRegex(UserError, 'please wait a little'):
            case._closure_data_export_staff()
        self.assertEqual(self._export_logs(), 2)
        # over HTTP: refused, said as it is
        self.authenticate(self.rep_1.login, self.rep_1.login)
        response = self.url_open(f'/closure/case/{self.case_plain.id}/data_export')
        self.assertEqual(response.status_code, 429)
        self.assertIn('please wait a little', response.text)
        self.assertEqual(self._export_logs(), 2)
        # nor can a manager reset the window
        with self.assertRaisesRegex(UserError, 'written only by the customer'):
            self.case_plain.with_user(self.manager).write({'closure_export_window_count': 0})

    def test_second_company_user_exports_nothing_of_this_company(self):
        with self.assertRaises(AccessError):
            self.case_plain.with_user(self.user_co2)._closure_data_export_staff()
        self.authenticate(self.user_co2.login, self.user_co2.login)
        with mute_logger('odoo.http'):
            response = self.url_open(f'/closure/case/{self.case_plain.id}/data_export')
        self.assertNotEqual(response.headers.get('Content-Type'), 'application/zip')
