import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.closure_crm.tests.common import ClosureCommon

TERMS = "First access to the founders' next offer, for 12 months."


@tagged('post_install', '-at_install')
class TestCustomerPrivilegePage(HttpCase, ClosureCommon):
    """The customer opts in to a privilege on their personal page, and only
    there: the opt-in is recorded with the portal channel; a visitor without
    the link, or a portal user over JSON-RPC, records nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({
            'reason': 'Because of a strategic adjustment we will end this service.',
            'data_erasure_date': fields.Date.today() + timedelta(days=365),
            'privilege_priority_terms': TERMS,
        })
        cls.plan.action_start()
        cls.plan.with_user(cls.manager).action_closure_approve_priority()
        partner = cls._create_customers(1, prefix='Key Account')
        cls.case = cls._create_cases(partner, user_id=cls.rep_1.id)
        cls.case.write({'closure_tier': 'a'})
        cls.privilege = cls.env['closure.privilege'].with_user(cls.manager).create(
            {'lead_id': cls.case.id, 'kind': 'priority'})
        cls.token = cls.case.closure_answer_url.split('access_token=')[1]
        cls.url = f'/closure/answer/{cls.case.id}?access_token={cls.token}'

    def _submit(self, token=None, **form):
        page = self.url_open(self.url).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = [('csrf_token', csrf), ('access_token', token or self.token)]
        for name, value in form.items():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                data.append((name, str(item)))
        return self.url_open(f'/closure/answer/{self.case.id}/submit', data=data)

    def _privilege_box(self):
        page = self.url_open(self.url).text
        return re.search(r'<input[^>]*name="privilege_ids"[^>]*>', page).group(0)

    def test_customer_opts_in_and_out_on_their_page(self):
        page = self.url_open(self.url).text
        self.assertIn('What we offer you', page)
        self.assertIn('First access to the founders', page)
        response = self._submit(privileges_asked=1, privilege_ids=self.privilege.id)
        self.assertIn('answered=1', response.url)
        self.privilege.invalidate_recordset()
        self.assertEqual(self.privilege.state, 'opted_in')
        answer = self.privilege.answer_ids
        self.assertRecordValues(answer, [{'decision': 'opt_in', 'channel': 'portal'}])
        self.assertIn("customer's personal page", answer.note)
        # coming back, the page shows their answer (a kept page is not served stale)
        self.assertIn('checked', self._privilege_box())
        # sending the page again without a change records nothing new
        self._submit(privileges_asked=1, privilege_ids=self.privilege.id, message='Thank you.')
        self.assertEqual(len(self.privilege.answer_ids), 1)
        # unticked: they take it back
        self._submit(privileges_asked=1)
        self.privilege.invalidate_recordset()
        self.assertEqual(self.privilege.state, 'opted_out')
        self.assertEqual(len(self.privilege.answer_ids), 2)
        self.assertNotIn('checked', self._privilege_box())

    def test_no_opt_in_without_the_link(self):
        response = self._submit(token='0' * 36, privileges_asked=1, privilege_ids=self.privilege.id)
        self.assertEqual(response.status_code, 404)
        # a privilege of another case cannot be ticked from this page
        other = self._create_cases(self._create_customers(1, prefix='Other Key'), user_id=self.rep_1.id)
        other.write({'closure_tier': 'b'})
        other_privilege = self.env['closure.privilege'].with_user(self.manager).create(
            {'lead_id': other.id, 'kind': 'priority'})
        self._submit(privileges_asked=1, privilege_ids=other_privilege.id, message='Hello')
        self.assertFalse(other_privilege.answer_ids)
        self.assertFalse(self.privilege.answer_ids, "not ticked: a pending offer stays pending")

    def test_portal_user_records_nothing(self):
        portal = new_test_user(self.env, login='privilege_portal', groups='base.group_portal')
        with self.assertRaises(AccessError):
            self.env['closure.privilege.answer'].with_user(portal).create(
                {'privilege_id': self.privilege.id, 'channel': 'email', 'note': 'yes'})
        with self.assertRaises(AccessError):
            self.privilege.with_user(portal).read(['terms'])
        self.assertFalse(self.privilege.answer_ids)
