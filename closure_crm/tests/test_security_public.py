import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import SQL

from .notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestSalespersonOutsideClosure(NoticeCommon):
    """Installing the closure add-ons changes nothing for a salesperson who
    has no closure rights, on leads that are not closure cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='plain_salesperson', name='Plain Salesperson',
            groups='sales_team.group_sale_salesman', email='plain@example.com')
        cls.customer = cls.env['res.partner'].create({'name': 'Ordinary Customer', 'email': 'ord@example.com'})
        cls.lead = cls.env['crm.lead'].create({
            'name': 'Ordinary deal', 'type': 'opportunity', 'partner_id': cls.customer.id,
            'user_id': cls.salesperson.id, 'team_id': cls.sales_team.id, 'expected_revenue': 1000})

    def _closure_rows(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("""SELECT (SELECT COUNT(*) FROM closure_notice_recipient),
                                          (SELECT COUNT(*) FROM closure_consent),
                                          (SELECT COUNT(*) FROM closure_transfer)"""))
        return self.env.cr.fetchone()

    def test_salesperson_wins_loses_and_edits_an_ordinary_lead(self):
        before = self._closure_rows()
        lead = self.lead.with_user(self.salesperson)
        # the form as the web client loads it for this user: no closure field in it
        with Form(lead) as form:
            form.name = 'Ordinary deal, renamed'
            form.expected_revenue = 2000
        self.assertEqual(self.lead.name, 'Ordinary deal, renamed')
        lead.action_set_won_rainbowman()
        self.assertEqual(self.lead.stage_id.is_won, True)
        lead.write({'stage_id': self.env['crm.stage'].search(
            [('is_won', '=', False), ('closure_stage_code', '=', False), ('team_id', '=', False)], limit=1).id})
        lead.action_set_lost()
        self.assertFalse(self.lead.active)
        lead.action_unarchive()
        self.assertTrue(self.lead.active)
        # nothing of the closure was touched: no token, no tier, no closure rows
        self.assertFalse(self.lead.sudo().closure_access_token)
        self.assertFalse(self.customer.closure_tier)
        self.assertEqual(self._closure_rows(), before)

    def test_views_leave_closure_fields_out(self):
        Lead = self.env['crm.lead'].with_user(self.salesperson)
        for view_type in ('form', 'list', 'kanban', 'search'):
            arch = Lead.get_views([(False, view_type)])['views'][view_type]['arch']
            for fname in ('closure_notice_ids', 'closure_obligation_ids', 'closure_transfer_ids',
                          'closure_answer_url', 'closure_access_token', 'closure_playbook', 'closure_plan_id'):
                self.assertNotIn(f'name="{fname}"', arch, f"{fname} in the {view_type} view")
        # the form's fields read for an ordinary lead
        form_fields = Lead.get_views([(False, 'form')])['models']['crm.lead']['fields']
        values = self.lead.with_user(self.salesperson).web_read({fname: {} for fname in form_fields})
        self.assertEqual(values[0]['name'], 'Ordinary deal')

    def test_salesperson_cannot_read_closure_secrets(self):
        case = self._notice_cases(1, prefix='Owned', user_id=self.salesperson.id)
        with self.assertRaises(AccessError):
            case.with_user(self.salesperson).read(['closure_access_token'])
        with self.assertRaises(AccessError):
            case.with_user(self.salesperson).read(['closure_answer_url'])


@tagged('post_install', '-at_install')
class TestAnswerLinkSecurity(HttpCase, NoticeCommon):
    """The customer's answer link: who reads its token, when it is made,
    renewed and closed, what the public page refuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_team = new_test_user(
            cls.env, login='closure_rep_team', name='Team Rep', groups='closure_crm.group_closure_user',
            email='team@example.com')
        cls.env['crm.team.member'].create({'crm_team_id': cls.plan.team_id.id, 'user_id': cls.rep_team.id})
        # the page closes after the erasure date: open until next year here
        cls.plan.data_erasure_date = fields.Date.today() + timedelta(days=365)
        cls.case = cls._notice_cases(1, prefix='Linked')
        cls.unassigned = cls._notice_cases(1, prefix='Unassigned', user_id=False)
        cls.token = cls.case.sudo().closure_access_token
        cls.url = f'/closure/answer/{cls.case.id}?access_token={cls.token}'

    # ------------------------------------------------------------------
    # Who reads the token
    # ------------------------------------------------------------------
    def test_rep_of_another_team_cannot_read_the_token(self):
        # rep_2 works another team: neither the owned case nor the team's unassigned one
        for case in (self.case, self.unassigned):
            with self.assertRaises(AccessError):
                case.with_user(self.rep_2).read(['closure_access_token'])
            self.assertFalse(self.env['crm.lead'].with_user(self.rep_2).search(
                [('id', '=', case.id), ('closure_access_token', '!=', False)]))
        # the owner and the plan team's reps do; a manager does
        self.assertEqual(self.case.with_user(self.rep_1).closure_access_token, self.token)
        self.assertTrue(self.unassigned.with_user(self.rep_team).read(['closure_access_token'])[0]['closure_access_token'])
        self.assertIn(self.token, self.case.with_user(self.manager).closure_answer_url)

    def test_rep_of_another_team_over_json_rpc(self):
        self.authenticate('closure_rep_2', 'closure_rep_2')
        def call(method, args):
            return self.make_jsonrpc_request(f'/web/dataset/call_kw/crm.lead/{method}', {
                'model': 'crm.lead', 'method': method, 'args': args, 'kwargs': {}})
        for case, fname in ((self.case, 'closure_access_token'), (self.unassigned, 'closure_answer_url')):
            with self.assertRaises(JsonRpcException) as caught:
                call('read', [[case.id], [fname]])
            self.assertIn('AccessError', str(caught.exception))
        self.assertEqual(call('search_read', [[('id', 'in', (self.case | self.unassigned).ids)],
                                              ['closure_access_token']]), [])
        self.assertEqual(call('search_count', [[('closure_access_token', '=', self.token)]]), 0)
        self.assertEqual(self.case.sudo().closure_access_token, self.token, "nothing changed")

    def test_token_comes_with_the_case_and_reads_do_not_write(self):
        case = self._notice_cases(1, prefix='Fresh')
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT closure_access_token FROM crm_lead WHERE id = %s", case.id))
        self.assertTrue(self.env.cr.fetchone()[0], "written when the case was created")
        # an ordinary lead gets none; a case without one is not given one by a read
        self.env.cr.execute(SQL("UPDATE crm_lead SET closure_access_token = NULL WHERE id = %s", case.id))
        self.env.invalidate_all()
        self.assertFalse(case.with_user(self.manager).closure_answer_url)
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT closure_access_token FROM crm_lead WHERE id = %s", case.id))
        self.assertIsNone(self.env.cr.fetchone()[0], "a read writes nothing")
        # an erased case's link stays disabled, even when renewed
        self.env.cr.execute(SQL("UPDATE crm_lead SET closure_erased_date = NOW() WHERE id = %s", case.id))
        self.env.invalidate_all()
        case.with_user(self.manager).action_closure_renew_answer_link()
        self.assertFalse(case.sudo().closure_access_token)

    def test_manager_renews_the_link(self):
        with self.assertRaises(AccessError):
            self.case.with_user(self.rep_1).action_closure_renew_answer_link()
        self.assertEqual(self.case.sudo().closure_access_token, self.token)
        self.case.with_user(self.manager).action_closure_renew_answer_link()
        new_token = self.case.sudo().closure_access_token
        self.assertNotEqual(new_token, self.token)
        self.assertEqual(self.url_open(self.url).status_code, 404, "the old link stops working")
        self.assertEqual(self.url_open(f'/closure/answer/{self.case.id}?access_token={new_token}').status_code, 200)
        bodies = ''.join(self.case.message_ids.mapped('body'))
        self.assertIn('answer link was renewed', bodies)
        self.assertNotIn(new_token, bodies)
        self.assertNotIn(self.token, bodies)

    # ------------------------------------------------------------------
    # The public page
    # ------------------------------------------------------------------
    def _csrf(self):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200, page.text[-2000:])
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _submit(self, **form):
        data = [('csrf_token', self._csrf()), ('access_token', self.token)]
        for name, value in form.items():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                data.append((name, str(item)))
        return self.url_open(f'/closure/answer/{self.case.id}/submit', data=data)

    def _customer_messages(self):
        self.case.invalidate_recordset()
        return self.case.message_ids.filtered(lambda m: m.author_id == self.case.partner_id)

    def test_expired_link_shows_a_closed_page(self):
        csrf = self._csrf()
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE closure_plan SET data_erasure_date = %s WHERE id = %s",
                                fields.Date.today() - timedelta(days=1), self.plan.id))
        self.env.invalidate_all()
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 404)
        self.assertIn('This page is closed', response.text)
        self.assertNotIn('Linked 0', response.text, "nothing about the case")
        response = self.url_open(f'/closure/answer/{self.case.id}/submit', data={
            'access_token': self.token, 'message': 'Still there?', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 404)
        self.assertIn('This page is closed', response.text)
        self.assertFalse(self._customer_messages())
        response = self.url_open(f'/closure/answer/{self.case.id}/export', data={
            'access_token': self.token, 'csrf_token': csrf})
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(response.headers.get('Content-Type'), 'application/zip')

    def test_malformed_tokens_and_ids_get_404(self):
        for token in ('', 'é' * 36, '令牌', 'x' * 5000, self.token + 'x', '%00', self.token.upper()):
            response = self.url_open(f'/closure/answer/{self.case.id}?access_token={token}')
            self.assertEqual(response.status_code, 404, token[:40])
        for path in (f'/closure/answer/99999999999999999999?access_token={self.token}',
                     f'/closure/answer/0?access_token={self.token}'):
            self.assertEqual(self.url_open(path).status_code, 404, path)
        response = self.url_open(f'/closure/answer/{self.case.id}/submit',
                                 data={'access_token': 'é' * 36, 'csrf_token': self._csrf(), 'message': 'x'})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._customer_messages())

    def test_malformed_numbers_in_the_form(self):
        for choice, categories in (('99999999999999999999', []), ('１２', []), ('²', []),
                                   ('decline', ['abc']), ('decline', ['99999999999999999999'])):
            response = self._submit(choice=choice, category_ids=categories)
            self.assertEqual(response.status_code, 200, response.text[-1000:])
            self.assertIn('not ones this page offers', response.text)
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', self.case.id)]))
        self.assertFalse(self.case.closure_transfer_declined)

    def test_message_size_limit(self):
        self.env['ir.config_parameter'].set_param('closure_crm.answer_message_max_length', '50')
        response = self._submit(message='x' * 51)
        self.assertEqual(response.status_code, 200)
        self.assertIn('Your message is too long (51 characters)', response.text)
        self.assertFalse(self._customer_messages())
        self.assertIn('maxlength="50"', response.text)
        self._submit(message='y' * 50)
        self.assertEqual(len(self._customer_messages()), 1)

    def test_default_limits(self):
        self.assertEqual(
            self.env['crm.lead']._closure_answer_setting('closure_crm.answer_message_max_length', 5000), 5000
        )
        self.env['ir.config_parameter'].set_param('closure_crm.answer_max_per_hour', 'lots')
        self.assertEqual(self.env['crm.lead']._closure_answer_setting('closure_crm.answer_max_per_hour', 10), 10)

    def test_answers_per_hour_limit(self):
        self.env['ir.config_parameter'].set_param('closure_crm.answer_max_per_hour', '2')
        self._submit(message='First question')
        self._submit(message='Second question')
        response = self._submit(message='Third question')
        self.assertIn('many answers from this page in the last hour', response.text)
        self.assertEqual(len(self._customer_messages()), 2)
        self.assertNotIn('Third question', ''.join(self._customer_messages().mapped('body')))
        # an hour later the page takes answers again
        self.case.sudo().closure_answer_window_start -= timedelta(hours=1, minutes=1)
        self._submit(message='Next hour')
        self.assertEqual(len(self._customer_messages()), 3)

    def test_internal_errors_are_not_shown_to_the_public(self):
        Lead = type(self.env['crm.lead'])

        def internal_error(lead, *args, **kwargs):
            # a test double: the text must not reach the page
            # pylint: disable-next=translation-required
            raise ValidationError("Receiver Secret Partner (id 42) has no capacity left in plan 7 (5/5)")
        with patch.object(Lead, '_closure_record_transfer_answer', internal_error):
            response = self._submit(choice='decline', message='No thanks')
        self.assertEqual(response.status_code, 200)
        self.assertIn('We could not record your answer', response.text)
        for leaked in ('Secret Partner', 'capacity', 'id 42'):
            self.assertNotIn(leaked, response.text)
        self.assertFalse(self._customer_messages())

    def test_export_url_accepts_only_web_addresses(self):
        for bad in ('javascript:alert(document.cookie)', 'JavaScript:alert(1)', 'data:text/html,<script>x</script>',
                    'ftp://export.example.com', '//export.example.com', 'https://'):
            with self.assertRaises(ValidationError) as caught:
                self.plan.write({'notice_export_url': bad})
            self.assertIn('Data Export Channel', str(caught.exception))
            self.assertEqual(self.plan.notice_export_url, 'https://export.example.com/closing')
        # a value stored before the rule is not shown on the page
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE closure_plan SET notice_export_url = 'javascript:alert(1)' WHERE id = %s",
                                self.plan.id))
        self.env.invalidate_all()
        page = self.url_open(self.url).text
        self.assertNotIn('javascript:', page)
        self.plan.write({'notice_export_url': 'https://export.example.com/closing'})
        self.assertIn('href="https://export.example.com/closing"', self.url_open(self.url).text)

    def test_letter_bodies_are_sanitized(self):
        wave = self._new_wave(channel='letter')
        row = self.env['closure.notice.recipient'].create({
            'wave_id': wave.id, 'lead_id': self.case.id, 'channel': 'letter',
            'letter_body': '<p onclick="steal()">Dear customer<script>alert(1)</script>'
                           '<a href="javascript:alert(2)">here</a></p>'})
        self.assertNotIn('<script', row.letter_body)
        self.assertNotIn('javascript:', row.letter_body)
        self.assertNotIn('onclick', row.letter_body)
        self.assertIn('Dear customer', row.letter_body)

    # ------------------------------------------------------------------
    # The token stays out of the history and of the kept mails
    # ------------------------------------------------------------------
    def test_token_only_in_the_outgoing_mail(self):
        self.plan.notice_reminder_days = 0
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
            mail = self._mails_of(self.case)[self.case]
            self.assertEqual(len(mail), 1)
            self.assertIn(f'/closure/answer/{self.case.id}?access_token=closure-answer-token', mail.body_html)
            mail.send()
        outgoing = [m for m in self._mails if self.case.partner_id.email in str(m['email_to'])]
        self.assertEqual(len(outgoing), 1)
        self.assertIn(f'/closure/answer/{self.case.id}?access_token={self.token}', outgoing[0]['body'])
        self.assertIn(self.token, outgoing[0]['body_alternative'])
        # the kept mail, the notice row and the case's history keep no token
        mail.invalidate_recordset()
        self.assertEqual(mail.state, 'sent')
        self.assertNotIn(self.token, mail.body_html)
        row = wave.recipient_ids.filtered(lambda r: r.lead_id == self.case)
        self.assertNotIn(self.token, row.mail_body)
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM mail_message WHERE body LIKE %s", f'%{self.token}%'))
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM mail_mail WHERE body_html LIKE %s", f'%{self.token}%'))
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_link_to_someone_else_keeps_the_placeholder(self):
        body = f'<a href="https://x/closure/answer/{self.case.id}?access_token=closure-answer-token">here</a>'
        self.assertNotIn(self.token, self.case._closure_fill_answer_token(body, self.rep_1.partner_id))
        self.assertIn(self.token, self.case._closure_fill_answer_token(body, self.case.partner_id))
        other = f'/closure/answer/{self.unassigned.id}?access_token=closure-answer-token'
        self.assertEqual(self.case._closure_fill_answer_token(other, self.case.partner_id), other)


@tagged('post_install', '-at_install')
class TestSalespersonTour(HttpCase):
    """Odoo's own crm tour, in a browser, as a salesperson without closure
    rights: create leads, win one from the kanban and from the form."""

    def test_crm_rainbowman_tour_as_plain_salesperson(self):
        new_test_user(self.env, login='tour_salesperson', name='Tour Salesperson',
                      groups='base.group_user,sales_team.group_sale_salesman')
        self.start_tour('/odoo', 'crm_rainbowman', login='tour_salesperson')
        won = self.env['crm.lead'].search([('name', 'in', ('Test Lead 1', 'Test Lead 2'))])
        self.assertEqual(len(won), 2)
        self.assertFalse(won.filtered('closure_plan_id'))
        self.assertFalse(won.sudo().filtered('closure_access_token'))
