import re
from datetime import timedelta
from unittest.mock import patch

import lxml.html

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .transfer_common import TransferCommon

# a view of the answer page once warm, in the test cursor (its own savepoints
# included): the link check, then the case and what the page shows (plan,
# company, contact, transfer, kept receiver suggestions, answers, privileges,
# data categories, settings, obligations and the creditor notice), then the
# website layout's reads, as for the home page (4 queries). Nothing of the page is kept between views: it
# renders from the case, so a field added to the page shows at once.
ANSWER_PAGE_QUERIES = 24
# what the page reads beyond the home page's layout
ANSWER_PAGE_OWN_QUERIES = 20
CSRF_IN_HEAD = re.compile(r'csrf_token: "([^"]+)"')
CSRF_IN_FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged('post_install', '-at_install')
class TestAnswerPage(HttpCase, TransferCommon):
    """The customer's personal page from the notices: it shows the dates and
    the partners offered with their contact, and records the customer's
    answer (accept, pick another, decline), a refund or data-copy request and
    a message, all or nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({
            'reason': 'Because of a strategic adjustment we will end this service; we have arranged an alternative.',
            'notice_hotline': '+86 400 800 1234',
            # the page closes after the erasure date: keep it open for these tests
            'data_erasure_date': fields.Date.today() + timedelta(days=365),
        })
        cls.proposed = cls._create_receiver('Harbour IT', industries=cls.retail, states=cls.shanghai,
                                            services=cls.it_support, phone='+86 21 6000 0001')
        cls.other = cls._create_receiver('Second Choice', industries=cls.retail, states=cls.shanghai)
        cls.full = cls._create_receiver('Full House', capacity=0, industries=cls.retail, states=cls.shanghai)
        cls.case = cls._create_need_cases(1, prefix='Tea House', industry=cls.retail, state=cls.shanghai)
        cls.case.closure_notified_date = fields.Date.today()
        cls.case._closure_set_stage('notified')
        cls.transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.proposed.id})
        cls.token = cls.case.closure_answer_url.split('access_token=')[1]
        cls.url = f'/closure/answer/{cls.case.id}?access_token={cls.token}'

    def _open(self):
        # a first view in a language compiles the website's templates: slow on a loaded machine
        response = self.url_open(self.url, timeout=60)
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        return response

    def _submit(self, **form):
        """Post the form as the browser does: CSRF token from the page."""
        page = self._open().text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = [('csrf_token', csrf), ('access_token', self.token)]
        for name, value in form.items():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                data.append((name, str(item)))
        return self.url_open(f'/closure/answer/{self.case.id}/submit', data=data, timeout=60)

    def _stage_code(self):
        self.case.invalidate_recordset()
        return self.case.closure_stage_code

    def test_page_shows_dates_partners_and_contacts(self):
        page = self._open().text
        self.assertIn('Tea House 0', page)
        self.assertIn('strategic adjustment', page)
        self.assertIn('+86 400 800 1234', page)
        self.assertIn('Rep One', page, "the case owner is the customer's contact")
        # the proposed receiver first, marked, with its transfer contact (PIPL Art. 22)
        self.assertIn('Proposed to you', page)
        self.assertLess(page.index('Harbour IT'), page.index('Second Choice'))
        self.assertIn('contact@harbourit.example.com', page)
        self.assertIn('+86 21 6000 0001', page)
        self.assertNotIn('Full House', page, "no room left: not offered")
        # a GET never records anything, whatever its parameters
        self.url_open(self.url + '&choice=decline&refund=1')
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', self.case.id)]))
        self.assertFalse(self.case.closure_refund_requested_date)

    def test_accept_the_proposed_receiver(self):
        response = self._submit(choice=self.proposed.id, category_ids=[self.cat_contact.id, self.cat_notes.id])
        self.assertEqual(response.status_code, 200)
        self.assertIn('answered=1', response.url)
        self.assertIn('we have recorded your answer', response.text)
        consent = self.env['closure.consent'].search([('lead_id', '=', self.case.id)])
        self.assertRecordValues(consent, [{
            'decision': 'accept', 'channel': 'portal', 'receiver_id': self.proposed.id,
            'transfer_id': self.transfer.id, 'partner_id': self.case.partner_id.id}])
        self.assertEqual(consent.data_category_ids, self.cat_contact | self.cat_notes)
        self.assertIn("personal page", consent.note)
        # what the customer saw is kept with the answer: the receiver's contact, the page's version
        self.assertEqual(consent.receiver_contact_email, 'contact@harbourit.example.com')
        self.assertRegex(consent.page_version, r'^[0-9a-f]{64}$')
        self.assertEqual(self.transfer.state, 'customer_accepted')
        self.assertEqual(self._stage_code(), 'transfer_agreed')
        # the page now says what they answered
        self.assertIn('Your last answer', self._open().text)

    def test_pick_another_receiver(self):
        self._submit(choice=self.other.id, category_ids=self.cat_contact.id)
        self.assertEqual(self.transfer.state, 'customer_declined')
        chosen = self._live_transfer(self.case)
        self.assertRecordValues(chosen, [{'receiver_id': self.other.id, 'state': 'customer_accepted'}])
        self.assertEqual(chosen.consent_id.channel, 'portal')

    def test_decline_any_transfer(self):
        self._submit(choice='decline', category_ids=self.cat_contact.id)
        consent = self.env['closure.consent'].search([('lead_id', '=', self.case.id)])
        self.assertEqual(consent.decision, 'decline')
        self.assertFalse(consent.data_category_ids, "declining shares nothing, whatever was ticked")
        self.assertEqual(self.transfer.state, 'customer_declined')
        self.assertTrue(self.case.closure_transfer_declined)
        self.assertEqual(self._stage_code(), 'answered')

    def test_refused_answer_records_nothing(self):
        self.env['closure.obligation'].create({
            'lead_id': self.case.id, 'obligation_type': 'prepaid', 'name': 'Membership', 'amount': 300})
        # a receiver but no data ticked, with a refund request: nothing of it is kept
        response = self._submit(choice=self.proposed.id, refund=1, message='Please call me.')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Tick the data you agree to hand over to Harbour IT', response.text)
        self.assertIn('Please call me.', response.text, "what they typed is still in the form")
        # a partner that was not offered (no room left), by its id
        response = self._submit(choice=self.full.id, category_ids=self.cat_contact.id)
        self.assertIn('Choose one of the partners listed on this page', response.text)
        self.case.invalidate_recordset()
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', self.case.id)]))
        self.assertFalse(self.case.closure_refund_requested_date)
        self.assertNotIn('Please call me.', self.case.message_ids.mapped('body'))
        self.assertEqual(self.transfer.state, 'proposed')
        self.assertEqual(self._stage_code(), 'notified')
        # an empty form says what to do
        self.assertIn('Choose an answer', self._submit().text)

    def test_refund_and_data_copy_requests(self):
        self.env['closure.obligation'].create({
            'lead_id': self.case.id, 'obligation_type': 'prepaid', 'name': 'Membership', 'amount': 300})
        page = self._open().text
        self.assertIn('Refund my unused balance', page)
        self._submit(refund=1, data_copy=1)
        self.case.invalidate_recordset()
        today = fields.Date.today()
        self.assertEqual(self.case.closure_refund_requested_date, today)
        # asked after the liquidation group was formed: a declared claim, paid on the liquidation
        # plan's payment date (test_refund_claims covers both regimes)
        self.assertEqual(self.case.closure_refund_regime, 'claim')
        self.assertEqual(
            self.case.closure_refund_due_date,
            max(self.plan.claims_deadline, self.case.closure_claim_deadline)
            + timedelta(days=self.plan.settlement_days),
        )
        self.assertEqual(self.case.closure_export_requested_date, today)
        # the customer gets the refund confirmation; the owner gets the work
        confirmation = self.case.message_ids.filtered(lambda m: 'refund request' in (m.subject or ''))
        self.assertEqual(len(confirmation), 1)
        self.assertEqual(confirmation.partner_ids, self.case.partner_id)
        activities = self.case.activity_ids
        self.assertEqual(set(activities.mapped('summary')),
                         {'Refund the unused prepaid balance', 'Send the customer a copy of their data'})
        self.assertEqual(activities.user_id, self.rep_1)
        self.assertEqual(self._stage_code(), 'answered')
        # asking again changes nothing
        page = self._open().text
        self.assertIn('You asked for a refund on', page)
        self.assertNotIn('name="refund"', page)

    def test_message_is_triaged_like_a_reply(self):
        self._submit(message='This is unacceptable, I want my money back now!')
        self.case.invalidate_recordset()
        message = self.case.message_ids.filtered(lambda m: 'unacceptable' in m.body)
        self.assertEqual(message.author_id, self.case.partner_id)
        self.assertEqual(self.case.closure_reply_mood, 'angry')
        self.assertEqual(self._stage_code(), 'answered')

    def test_news_only_with_their_yes(self):
        # the box is on every form; left unticked it changes nothing and is no answer
        self.assertIn('Choose an answer', self._submit(news_asked=1).text)
        self.assertFalse(self.case.closure_news_opt_in)
        self._submit(news_asked=1, news=1)
        self.assertTrue(self.case.closure_news_opt_in)
        self.assertIn('checked', re.search(r'<input[^>]*name="news"[^>]*>', self._open().text).group(0))
        # another answer keeps the yes while the box stays ticked; unticking takes it back
        self._submit(news_asked=1, news=1, data_copy=1)
        self.assertTrue(self.case.closure_news_opt_in)
        self._submit(news_asked=1)
        self.assertFalse(self.case.closure_news_opt_in)

    def test_wrong_token_or_csrf(self):
        for bad in (f'/closure/answer/{self.case.id}?access_token=wrong', f'/closure/answer/{self.case.id}',
                    f'/closure/answer/{self.case.id + 100000}?access_token={self.token}'):
            self.assertEqual(self.url_open(bad).status_code, 404, bad)
        response = self.url_open(f'/closure/answer/{self.case.id}/submit',
                                 data={'access_token': 'wrong', 'choice': 'decline'})
        self.assertNotEqual(response.status_code, 200)
        response = self.url_open(f'/closure/answer/{self.case.id}/submit',
                                 data={'access_token': self.token, 'choice': 'decline'})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', self.case.id)]))

    def test_after_handover_and_closed_plan(self):
        self.env['closure.consent'].create({
            'lead_id': self.case.id, 'transfer_id': self.transfer.id, 'decision': 'accept',
            'receiver_id': self.proposed.id, 'data_category_ids': self.cat_contact.ids,
            'channel': 'phone', 'note': 'Yes on the phone.'})
        self.transfer.write({'state': 'handed_over'})
        page = self._open().text
        self.assertIn('your data has been handed over to', page)
        self.assertNotIn('name="choice"', page)
        self.plan.write({'state': 'closed'})
        page = self._open().text
        self.assertIn('This closure is finished', page)
        self.assertNotIn('<form', page.split('id="wrap"')[1])

    def test_page_in_the_customer_language(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        self.case.partner_id.lang = 'zh_CN'
        page = self._open().text
        self.assertIn('您的答复', page)
        self.assertNotIn('Who continues your service', page)
        # the customer reads Chinese; the owner's to-do stays in the owner's English
        self.assertIn('谢谢：我们已记录您的答复', self._submit(data_copy=1).text)
        self.assertEqual(self.case.activity_ids.summary, 'Send the customer a copy of their data')

    def test_recorded_answer_stays_visible(self):
        """After sending, the page shows what the customer answered and when,
        at the top, and the form is filled in as they answered."""
        response = self._submit(choice=self.proposed.id, category_ids=[self.cat_contact.id, self.cat_notes.id],
                                data_copy=1, message='Please call me in the morning.')
        self.assertIn('answered=1', response.url)
        doc = lxml.html.fromstring(response.text)
        recorded = doc.get_element_by_id('closure_recorded_answer')
        text = ' '.join(recorded.text_content().split())
        today = format_date(self.env, fields.Date.today())
        self.assertIn('we have recorded your answer', text)
        self.assertIn(f'Your last answer, on {today}: you chose Harbour IT.', text)
        self.assertIn(self.cat_contact.name, text)
        self.assertIn(self.cat_notes.name, text)
        self.assertIn(f'You asked for a copy of your data on {today}', text)
        self.assertIn(f'Your message of {today}: "Please call me in the morning."', text)
        # it comes before the form, and the form shows the answer given
        form = doc.get_element_by_id('closure_answer_form')
        self.assertLess(response.text.index('id="closure_recorded_answer"'),
                        response.text.index('id="closure_answer_form"'))
        self.assertTrue(form.get_element_by_id(f'choice_{self.proposed.id}').checked)
        self.assertTrue(form.get_element_by_id(f'category_{self.cat_contact.id}').checked)
        # and on a later visit, without the thank-you
        later = lxml.html.fromstring(self._open().text).get_element_by_id('closure_recorded_answer')
        self.assertNotIn('we have recorded your answer', later.text_content())
        self.assertIn('you chose Harbour IT', later.text_content())
        # a "no transfer" answer is shown as such, the choice kept in the form
        self._submit(choice='decline')
        doc = lxml.html.fromstring(self._open().text)
        self.assertIn(f'Your last answer, on {today}: no transfer.',
                      ' '.join(doc.get_element_by_id('closure_recorded_answer').text_content().split()))
        self.assertTrue(doc.get_element_by_id('choice_decline').checked)

    def test_each_error_next_to_its_field(self):
        self.env['ir.config_parameter'].set_param('closure_crm.answer_message_max_length', 20)
        response = self._submit(choice=self.other.id, message='This message is far too long for the setting.')
        self.assertEqual(response.status_code, 200)
        doc = lxml.html.fromstring(response.text)
        # the data to hand over: inside its fieldset, under its legend
        error = doc.get_element_by_id('category_ids_error')
        self.assertEqual(error.getparent().get('id'), 'closure_categories')
        self.assertIn('Tick the data you agree to hand over to Second Choice', error.text_content())
        # the message: right under the text box, which is marked invalid
        error = doc.get_element_by_id('message_error')
        textarea = error.getprevious()
        self.assertEqual((textarea.tag, textarea.get('id')), ('textarea', 'message'))
        self.assertIn('is-invalid', textarea.get('class'))
        self.assertIn('Your message is too long (45 characters)', error.text_content())
        self.assertEqual(textarea.text_content(), 'This message is far too long for the setting.')
        # nothing at the top of the page, nothing recorded
        self.assertFalse(doc.xpath('//div[contains(@class, "alert-danger")]'))
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', self.case.id)]))
        # a partner not offered: next to the partners
        doc = lxml.html.fromstring(self._submit(choice=self.full.id, category_ids=self.cat_contact.id).text)
        error = doc.get_element_by_id('choice_error')
        self.assertIn('Choose one of the partners listed on this page', error.text_content())
        self.assertEqual(error.getprevious().xpath('.//input/@id'), ['choice_decline'])
        # an empty form: next to the send button
        doc = lxml.html.fromstring(self._submit().text)
        error = doc.get_element_by_id('answer_error')
        self.assertIn('Choose an answer', error.text_content())
        self.assertEqual(error.getnext().get('type'), 'submit')

    # ------------------------------------------------------------------
    # Cost of a view
    # ------------------------------------------------------------------
    def _count_view(self, url):
        """Queries of one view of ``url`` once warm (the test cursor's own
        savepoints included, the same for every page)."""
        for _i in range(3):
            self.url_open(url)
        self.env.flush_all()
        count0 = self.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        return self.cr.sql_log_count - count0

    def test_page_view_is_bounded(self):
        home = self._count_view('/')
        answer = self._count_view(self.url)
        self.assertLessEqual(answer, home + ANSWER_PAGE_OWN_QUERIES,
                             "a view reads the case and what it shows, not more")
        self.url_open(self.url)
        with self.assertQueryCount(ANSWER_PAGE_QUERIES):
            self.url_open(self.url)
        # more offered receivers, privileges and answers read in the same queries
        # (an answer adds the data it agreed to hand over, shown with the answer)
        self.env['closure.consent'].create({
            'lead_id': self.case.id, 'transfer_id': self.transfer.id, 'decision': 'accept',
            'receiver_id': self.proposed.id, 'data_category_ids': self.cat_contact.ids,
            'channel': 'phone', 'note': 'Yes on the phone.'})
        self.assertLessEqual(self._count_view(self.url), answer + 3)
        # each visitor answers with their own form token
        self.opener.cookies.clear()
        response = self._submit(data_copy=1)
        self.assertIn('answered=1', response.url)
        self.assertTrue(self.case.closure_export_requested_date)

    def test_each_visitor_gets_their_own_token_and_the_current_title(self):
        pages = []
        for _visitor in range(2):
            self.opener.cookies.clear()
            self._open()
            pages.append(self._open().text)
        tokens = [(CSRF_IN_HEAD.search(page).group(1), CSRF_IN_FORM.search(page).group(1)) for page in pages]
        # (a token carries its expiry second: the head's and the form's may differ by one on a slow render)
        self.assertNotEqual(tokens[0][0], tokens[1][0], "each visitor's session has its own token")
        self.assertNotEqual(tokens[0][1], tokens[1][1], "each visitor's form carries their own token")
        self.assertIn('<title>Your service with %s</title>' % self.plan.company_id.name, pages[1])
        # the page renders from the case: a new name shows at once
        self.plan.company_id.name = 'Renamed Trading Ltd'
        self.assertIn('<title>Your service with Renamed Trading Ltd</title>', self._open().text)
        self.opener.cookies.clear()
        self.assertIn('debug: "1"', self.url_open(self.url + '&debug=1', timeout=60).text)
        self.opener.cookies.clear()
        self.assertIn('debug: ""', self._open().text)
        # the website's other pages keep Odoo's own layout head
        self.assertFalse(self.env.ref('closure_crm.closure_answer_layout_head', raise_if_not_found=False))
        self.assertNotIn('closure_head_cache_key', self.env.ref('web.frontend_layout').get_combined_arch())

    def test_suggestions_are_computed_once_and_follow_changes(self):
        Matcher = type(self.env['closure.transfer.matcher'])
        calls = []
        original = Matcher._suggest

        def counting_suggest(matcher, lead, limit=3):
            calls.append(lead.id)
            return original(matcher, lead, limit=limit)
        with patch.object(Matcher, '_suggest', counting_suggest):
            page = self._open().text
            self.assertIn('Second Choice', page)
            self.assertEqual(calls, [self.case.id])
            self._open()
            self._open()
            self.assertEqual(calls, [self.case.id], "kept: not ranked again while nothing changes")
            # the receiver's name is on the page: the kept page follows it
            self.other.name = 'Second Choice Renamed'
            self.assertIn('Second Choice Renamed', self._open().text)
            self.assertEqual(len(calls), 1)
            # the plan's receivers change (a capacity): ranked again, a full receiver no longer offered
            self.env['closure.receiver.capacity'].search([('partner_id', '=', self.other.id)]).capacity = 0
            page = self._open().text
            self.assertEqual(len(calls), 2)
            self.assertNotIn('Second Choice', page)
            self.assertIn('Harbour IT', page)
            # the case's needs change: ranked again
            self.case.closure_customer_size = 'large'
            self._open()
            self.assertEqual(len(calls), 3)
            # a receiver declined by the customer is never suggested again
            self.transfer._workflow().write({'state': 'customer_declined'})
            self.assertNotIn('Harbour IT', self._open().text)
            self.assertEqual(len(calls), 4)
