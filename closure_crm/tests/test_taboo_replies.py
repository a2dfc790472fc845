import json

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import ClosureCommon

ANGRY = "This is unacceptable, I want my money back!"
TABOO_REPLY = "非常抱歉，公司已经倒闭了，我们无法继续为您服务。"
CLEAN_REPLY = "非常抱歉给您带来不便。由于战略调整，我们将终止本服务，并已为您安排替代方案。"
SUGGESTION = "由于战略调整，我们将终止本服务"


class TabooRepliesCommon(ClosureCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._create_cases(cls._create_customers(1, prefix='Angry Customer'), user_id=cls.rep_1.id)
        cls.case.message_post(body=ANGRY, author_id=cls.case.partner_id.id, message_type='comment',
                              subtype_xmlid='mail.mt_comment')
        cls.lead = cls.env['crm.lead'].create({
            'name': 'Ordinary deal', 'type': 'opportunity', 'user_id': cls.rep_1.id,
            'partner_id': cls._create_customers(1, prefix='Ordinary Customer').id})
        cls.rep_1.groups_id |= cls.env.ref('sales_team.group_sale_salesman')

    def _reply(self, record, body, user=None, **kwargs):
        return record.with_user(user or self.rep_1).message_post(
            body=body, message_type='comment', subtype_xmlid='mail.mt_comment', **kwargs)


@tagged('post_install', '-at_install')
class TestTabooReplies(TabooRepliesCommon):
    """A staff member's message or mail to a closure case's customer holding a
    taboo phrase is refused, naming the phrase and the wording to use instead,
    unless its author confirms it; the confirmation is recorded on the message.
    Notes, the customer's own messages, the jobs' posts and ordinary leads
    are not checked."""

    def test_rep_reply_with_a_taboo_phrase_is_refused(self):
        with self.assertRefused(self.case, UserError, f'"倒闭".*{SUGGESTION}', fnames=['message_ids']):
            self._reply(self.case, TABOO_REPLY)
        self.assertFalse(self.case.message_ids.filtered(lambda m: '倒闭' in str(m.body)), "nothing was posted")
        # English phrases too, in the subject as well
        with self.assertRaisesRegex(UserError, r'"bankrupt" \(say instead'):
            self._reply(self.case, "About your account", subject="We are bankrupt")

    def test_confirmed_taboo_reply_is_sent_and_recorded(self):
        message = self._reply(self.case.with_context(closure_taboo_confirmed=True), TABOO_REPLY)
        self.assertRecordValues(message, [{
            'author_id': self.rep_1.partner_id.id, 'closure_taboo_check': 'confirmed',
            'closure_taboo_terms': '倒闭'}])
        # the post parameter of the chatter's "Send anyway" works the same
        message = self._reply(self.case, "Sorry, we are bankrupt.", closure_taboo_confirmed=True)
        self.assertRecordValues(message, [{'closure_taboo_check': 'confirmed', 'closure_taboo_terms': 'bankrupt'}])
        # a confirmation is for its own message only
        with self.assertRaises(UserError):
            self._reply(self.case, TABOO_REPLY)

    def test_clean_reply_is_sent_and_marked_clean(self):
        message = self._reply(self.case, CLEAN_REPLY)
        self.assertRecordValues(message, [{'closure_taboo_check': 'clean', 'closure_taboo_terms': False}])

    def test_what_is_not_a_staff_reply_is_not_checked(self):
        # an internal note is not sent to the customer
        note = self.case.with_user(self.rep_1).message_post(body=TABOO_REPLY, subtype_xmlid='mail.mt_note')
        self.assertFalse(note.closure_taboo_check)
        # the customer's own words
        reply = self.case.message_post(body="你们公司倒闭了吗？", author_id=self.case.partner_id.id,
                                       message_type='comment', subtype_xmlid='mail.mt_comment')
        self.assertFalse(reply.closure_taboo_check)
        # a job's post (OdooBot) and a template a job sends in the owner's name: sent, and the latter
        # still counted for compliance
        bot = self.case.with_user(self.env.ref('base.user_root')).sudo().message_post(
            body="系统提示：倒闭", message_type='comment', subtype_xmlid='mail.mt_comment')
        self.assertFalse(bot.closure_taboo_check)
        on_behalf = self.case.message_post(
            body="Sorry, we are bankrupt.", message_type='comment', subtype_xmlid='mail.mt_comment',
            author_id=self.rep_1.partner_id.id)
        self.assertEqual(on_behalf.closure_taboo_check, 'taboo')
        # tracking and system notifications
        self.case.with_user(self.rep_1).message_post(body="公司已经倒闭了?", message_type='notification')
        # an ordinary lead is not a closure case
        sales = self._reply(self.lead, "Prices collapse this week, we are bankrupt!")
        self.assertFalse(sales.closure_taboo_check)

    def test_check_text_for_the_composers(self):
        Phrase = self.env['closure.phrase'].with_user(self.rep_1)
        hits = Phrase.check_text(TABOO_REPLY, 'crm.lead', self.case.id)
        self.assertEqual(hits, [{'phrase': '倒闭', 'suggestion': SUGGESTION}])
        self.assertEqual(Phrase.check_text(CLEAN_REPLY, 'crm.lead', self.case.id), [])
        self.assertEqual(Phrase.check_text(TABOO_REPLY, 'crm.lead', self.lead.id), [], "not a closure case")
        self.assertEqual(Phrase.check_text(TABOO_REPLY, 'res.partner', self.case.partner_id.id), [])
        # a salesperson without closure rights writing on an ordinary lead asks too
        seller = self.env['res.users'].create({
            'name': 'Seller', 'login': 'taboo_seller', 'email': 'seller@example.com',
            'groups_id': [(6, 0, self.env.ref('sales_team.group_sale_salesman_all_leads').ids)]})
        self.assertEqual(self.env['closure.phrase'].with_user(seller).check_text(
            TABOO_REPLY, 'crm.lead', self.lead.id), [])

    def test_full_composer_warns_and_sends_on_confirmation(self):
        Composer = self.env['mail.compose.message'].with_user(self.rep_1).with_context(
            default_model='crm.lead', default_res_ids=self.case.ids, default_subtype_xmlid='mail.mt_comment',
            default_composition_mode='comment')
        composer = Composer.create({'body': f'<p>{TABOO_REPLY}</p>', 'subject': 'Your service'})
        self.assertEqual(composer.author_id, self.rep_1.partner_id, "the rep writes in their own name")
        self.assertIn('倒闭', composer.closure_taboo_warning)
        self.assertIn(SUGGESTION, composer.closure_taboo_warning)
        count = len(self.case.message_ids)
        with self.assertRaisesRegex(UserError, '倒闭'), self.env.cr.savepoint():
            composer.action_send_mail()
        self.case.invalidate_recordset()
        self.assertEqual(len(self.case.message_ids), count, "nothing was posted")
        # Send later is checked now: the job posts it later
        with self.assertRaisesRegex(UserError, '倒闭'), self.env.cr.savepoint():
            composer.action_schedule_message('2099-01-01 08:00:00')

        composer.closure_taboo_confirmed = True
        composer.action_send_mail()
        message = self.case.message_ids[0]
        self.assertRecordValues(message, [{
            'author_id': self.rep_1.partner_id.id, 'message_type': 'comment',
            'closure_taboo_check': 'confirmed', 'closure_taboo_terms': '倒闭'}])

        # a clean mail: no warning; a log note: none either
        clean = Composer.create({'body': f'<p>{CLEAN_REPLY}</p>', 'subject': 'Your service'})
        self.assertEqual(clean.author_id, self.rep_1.partner_id)
        self.assertFalse(clean.closure_taboo_warning)
        clean.action_send_mail()
        self.assertEqual(self.case.message_ids[0].closure_taboo_check, 'clean')
        note = Composer.with_context(default_subtype_xmlid='mail.mt_note').create({'body': f'<p>{TABOO_REPLY}</p>'})
        self.assertFalse(note.closure_taboo_warning)

    def test_composer_to_several_customers(self):
        """Writing to several cases at once: each message is checked (and the
        confirmation recorded on each); a mass mailing to closure customers
        is refused outright, a confirmation answering for one reply only."""
        other = self._create_cases(self._create_customers(1, prefix='Other Customer'), user_id=self.rep_1.id)
        cases = self.lead | self.case | other
        Composer = self.env['mail.compose.message'].with_user(self.rep_1).with_context(
            default_model='crm.lead', default_res_ids=cases.ids, default_subtype_xmlid='mail.mt_comment')
        batch = Composer.create({'composition_mode': 'comment', 'body': '<p>Sorry, we are bankrupt.</p>',
                                 'subject': 'Your service'})
        self.assertEqual(batch.author_id, self.rep_1.partner_id)
        self.assertIn('"bankrupt"', batch.closure_taboo_warning, "the cases of the batch are closure cases")
        with self.assertRaisesRegex(UserError, 'bankrupt'), self.env.cr.savepoint():
            batch.action_send_mail()
        batch.closure_taboo_confirmed = True
        batch.action_send_mail()
        self.assertEqual((self.case | other).message_ids.filtered(
            lambda m: 'bankrupt' in str(m.body)).mapped('closure_taboo_check'), ['confirmed', 'confirmed'])

        mailing = Composer.create({'composition_mode': 'mass_mail', 'body': '<p>公司已经倒闭了</p>',
                                   'subject': 'Your service', 'closure_taboo_confirmed': True})
        self.assertIn(SUGGESTION, mailing.closure_taboo_warning)
        with self.assertRaisesRegex(UserError, 'mass mailing'), self.env.cr.savepoint():
            mailing.action_send_mail()
        self.assertFalse(self.env['mail.mail'].sudo().search([('model', '=', 'crm.lead'), ('res_id', 'in', cases.ids),
                                                              ('body_html', 'like', '倒闭')]))
        # to ordinary leads only: not ours to police
        sales = Composer.with_context(default_res_ids=self.lead.ids).create({
            'composition_mode': 'mass_mail', 'body': '<p>We are bankrupt</p>', 'subject': 'Deals'})
        self.assertFalse(sales.closure_taboo_warning)
        sales.action_send_mail()


@tagged('post_install', '-at_install')
class TestTabooRepliesHttp(HttpCase, TabooRepliesCommon):
    """The chatter's route /mail/message/post refuses the reply too, whatever
    the browser does; "Send anyway" passes the confirmation."""

    def _post(self, body, context=None, **post_data):
        response = self.url_open('/mail/message/post', data=json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': {
                'thread_model': 'crm.lead', 'thread_id': self.case.id, 'context': context or {},
                'post_data': {'body': body, 'message_type': 'comment', 'subtype_xmlid': 'mail.mt_comment',
                              **post_data}}}), headers={'Content-Type': 'application/json'})
        response.raise_for_status()
        return response.json()

    def test_chatter_route_refuses_without_confirmation(self):
        self.authenticate(self.rep_1.login, self.rep_1.login)
        count = len(self.case.message_ids)
        answer = self._post(TABOO_REPLY)
        self.assertIn('error', answer)
        self.assertIn('倒闭', answer['error']['data']['message'])
        self.assertIn(SUGGESTION, answer['error']['data']['message'])
        self.case.invalidate_recordset()
        self.assertEqual(len(self.case.message_ids), count, "nothing was posted")

        self.assertNotIn('error', self._post(TABOO_REPLY, context={'closure_taboo_confirmed': True}))
        self.assertNotIn('error', self._post("Sorry, we are bankrupt.", closure_taboo_confirmed=True))
        self.assertNotIn('error', self._post(CLEAN_REPLY))
        self.case.invalidate_recordset()
        sent = self.case.message_ids.filtered(lambda m: m.author_id == self.rep_1.partner_id).sorted('id')
        self.assertEqual(sent.mapped('closure_taboo_check'), ['confirmed', 'confirmed', 'clean'])
        self.assertEqual(sent.mapped('closure_taboo_terms'), ['倒闭', 'bankrupt', False])
