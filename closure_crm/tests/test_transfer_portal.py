import json
from unittest.mock import patch

import lxml.html

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestTransferPortal(HttpCase, TransferCommon):
    """A receiver's portal users see the customers introduced to their
    company only, and a customer's data only once it is handed over with the
    customer's consent, limited to the consented categories."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver_a = cls._create_receiver('Alpha Receiver', industries=cls.retail, states=cls.shanghai)
        cls.receiver_b = cls._create_receiver('Bravo Receiver', industries=cls.retail, states=cls.shanghai)
        cls.portal_a = new_test_user(cls.env, login='receiver_a_portal', groups='base.group_portal',
                                     name='Ann of Alpha', email='ann@alpha.example.com')
        cls.portal_a.partner_id.parent_id = cls.receiver_a
        cls.portal_b = new_test_user(cls.env, login='receiver_b_portal', groups='base.group_portal',
                                     name='Bob of Bravo', email='bob@bravo.example.com')
        cls.portal_b.partner_id.parent_id = cls.receiver_b
        cls.case_x, cls.case_y, cls.case_z = cls._create_need_cases(
            3, prefix='Portal Customer', industry=cls.retail, state=cls.shanghai,
            closure_process_dependencies='Secret process notes')
        cls.case_x.partner_id.write({'email': 'xavier@customer.example.com', 'phone': '+86 21 1234 5678'})
        Transfer = cls.env['closure.transfer']
        cls.transfer_x = Transfer.create({'lead_id': cls.case_x.id, 'receiver_id': cls.receiver_a.id})
        cls.transfer_y = Transfer.create({'lead_id': cls.case_y.id, 'receiver_id': cls.receiver_b.id})
        cls.transfer_z = Transfer.create({'lead_id': cls.case_z.id, 'receiver_id': cls.receiver_a.id})
        (cls.transfer_x | cls.transfer_y).action_introduce()  # z stays proposed: not shown yet

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_receiver_sees_only_its_introduced_customers(self):
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        page = self._page('/my/closure/transfers').text
        self.assertIn(f'Proposed customer #{self.transfer_x.id}', page, "known by a pseudonym before consent")
        self.assertNotIn(self.case_x.partner_id.name, page)
        self.assertNotIn(self.case_y.partner_id.name, page, "another receiver's proposal")
        self.assertNotIn(self.case_z.partner_id.name, page, "not introduced yet")
        # another receiver's proposal, by its URL: back to /my
        response = self.url_open(f'/my/closure/transfers/{self.transfer_y.id}')
        self.assertTrue(response.url.endswith('/my'))
        self.assertNotIn(self.case_y.partner_id.name, response.text)
        response = self.url_open(f'/my/closure/transfers/{self.transfer_y.id}/package')
        self.assertTrue(response.url.endswith('/my'))
        # and through the ORM, as the record rules say
        Transfer = self.env['closure.transfer'].with_user(self.portal_a)
        self.assertEqual(Transfer.search([]), self.transfer_x)

    def test_customer_data_only_after_consent_and_handover(self):
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        url = f'/my/closure/transfers/{self.transfer_x.id}'
        page = self._page(url).text
        self.assertIn(self.retail.name, page, "the needs profile is shown")
        for secret in ('xavier@customer.example.com', '1234 5678', 'Secret process notes',
                       self.case_x.partner_id.name):
            self.assertNotIn(secret, page)
        self.assertNotIn('value="accept"', page, "no accepting before the customer has")
        # the customer consents to their contact data only; the receiver accepts on the portal
        self._consent(self.case_x, receiver=self.receiver_a, transfer=self.transfer_x, categories=self.cat_contact)
        page = self._page(url).text
        self.assertIn(self.cat_contact.name, page)
        self.assertIn(self.case_x.partner_id.name, page, "the identity comes with the consent")
        self.assertNotIn('xavier@customer.example.com', page, "consented, not handed over yet")
        self.url_open(f'{url}/answer', data={'decision': 'accept', 'csrf_token': http.Request.csrf_token(self)})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_x.state, 'receiver_accepted')
        answer = self.transfer_x.message_ids.filtered(lambda message: 'accepted the customer' in str(message.body))
        self.assertEqual(answer.author_id, self.portal_a.partner_id, "the answer is posted in the portal user's name")
        self.transfer_x.with_user(self.manager).action_hand_over()
        page = self._page(url).text
        self.assertIn('xavier@customer.example.com', page)
        self.assertNotIn('Secret process notes', page, "notes were not consented to")
        package = json.loads(self._page(f'{url}/package').content)
        self.assertEqual(package['contact']['email'], 'xavier@customer.example.com')
        self.assertNotIn('notes', package)
        # the other receiver's user cannot read it
        self.authenticate('receiver_b_portal', 'receiver_b_portal')
        response = self.url_open(f'{url}/package')
        self.assertTrue(response.url.endswith('/my'))

    def test_receiver_declines_on_the_portal(self):
        self.authenticate('receiver_b_portal', 'receiver_b_portal')
        url = f'/my/closure/transfers/{self.transfer_y.id}'
        self.url_open(f'{url}/answer', data={'decision': 'decline', 'reason': 'No staff in Shanghai',
                                              'csrf_token': http.Request.csrf_token(self)})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_y.state, 'receiver_declined')
        self.assertEqual(self.transfer_y.decline_reason, 'No staff in Shanghai')
        self.assertEqual(self.transfer_y.capacity_id.used_count, 0)
        # answering another receiver's proposal does nothing
        self.url_open(f'/my/closure/transfers/{self.transfer_x.id}/answer',
                      data={'decision': 'decline', 'csrf_token': http.Request.csrf_token(self)})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_x.state, 'introduced')

    def test_portal_home_counter(self):
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        response = self.make_jsonrpc_request('/my/counters', {'counters': ['closure_transfer_count']})
        self.assertEqual(response['closure_transfer_count'], 1)

    def test_acceptance_confirmed_with_what_happens_next(self):
        self._consent(self.case_x, receiver=self.receiver_a, transfer=self.transfer_x, categories=self.cat_contact)
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        url = f'/my/closure/transfers/{self.transfer_x.id}'
        self.assertNotIn('o_closure_transfer_next', self._page(url).text)
        response = self.url_open(f'{url}/answer', data={'decision': 'accept',
                                                         'csrf_token': http.Request.csrf_token(self)})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(url))
        notice = lxml.html.fromstring(response.text).find_class('o_closure_transfer_next')
        self.assertEqual(len(notice), 1)
        text = ' '.join(notice[0].text_content().split())
        self.assertIn('You accepted this customer. Accepted on', text)
        self.assertIn(f'What happens next: {self.plan.company_id.name} hands over the data', text)
        # handed over: the next step is theirs
        self.transfer_x.with_user(self.manager).action_hand_over()
        notice = lxml.html.fromstring(self._page(url).text).find_class('o_closure_transfer_next')
        self.assertIn("The customer's data is handed over to you.", notice[0].text_content())

    def test_answer_noted_in_the_case_owners_language(self):
        """A receiver answering in Chinese leaves the staff's note on the
        transfer in the language of the case's owner, who reads it."""
        self.env['res.lang']._activate_lang('zh_CN')
        self.portal_a.lang = 'zh_CN'
        owner = self.case_x.user_id or self.plan.user_id
        self.assertEqual(owner.lang, 'en_US')
        self._consent(self.case_x, receiver=self.receiver_a, transfer=self.transfer_x, categories=self.cat_contact)
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        url = f'/my/closure/transfers/{self.transfer_x.id}'
        response = self.url_open(f'{url}/answer', data={'decision': 'accept',
                                                         'csrf_token': http.Request.csrf_token(self)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.transfer_x.state, 'receiver_accepted')
        note = self.transfer_x.message_ids.filtered(lambda m: 'Alpha Receiver' in (m.body or ''))[:1]
        self.assertIn('Alpha Receiver accepted the customer.', note.body)

    def test_status_column_stays_on_a_phone(self):
        """At 390 px (below Bootstrap's sm/md breakpoints) the list keeps the
        customer and the status; the other columns hide instead of pushing
        the status out of view."""
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        table = lxml.html.fromstring(self._page('/my/closure/transfers').text).xpath('//table')[0]
        headers = table.xpath('./thead/tr/th')
        hidden = [' '.join(th.text_content().split()) for th in headers if 'd-none' in (th.get('class') or '')]
        shown = [' '.join(th.text_content().split()) for th in headers if 'd-none' not in (th.get('class') or '')]
        self.assertEqual(shown, ['Customer', 'Status'])
        self.assertEqual(hidden, ['From', 'Introduced On'])
        for row in table.xpath('./tbody/tr'):
            cells = row.xpath('./td')
            self.assertEqual([('d-none' in (td.get('class') or '')) for td in cells], [False, True, True, False])
            self.assertTrue(cells[3].text_content().strip())

    def test_portal_in_chinese(self):
        """Installing Chinese offers it on the website: /zh_CN/my is the
        receiver's portal in Chinese, not a 404."""
        website = self.env['website'].get_current_website()
        zh = self.env['res.lang']._activate_lang('zh_CN')
        website.language_ids -= zh
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        self.assertEqual(self.url_open('/zh_CN/my').status_code, 404, "a website without Chinese")
        # the language installed from the settings does it (as installing or updating the add-on with the
        # language installed); loading only our terms keeps it short
        Module = type(self.env['ir.module.module'])
        with patch.object(Module, '_update_translations', lambda mods, langs, overwrite=False:
                          mods.env['ir.module.module']._load_module_terms(['closure_crm'], langs, overwrite=True)):
            self.env['base.language.install'].create({'lang_ids': zh.ids}).lang_install()
        self.assertIn(zh, website.language_ids)
        self.portal_a.lang = 'zh_CN'
        self.authenticate('receiver_a_portal', 'receiver_a_portal')
        response = self.url_open('/zh_CN/my')
        self.assertEqual(response.status_code, 200)
        self.assertIn('客户转移', response.text)
        # the list and the page, without the prefix too: the receiver's own language
        page = self._page('/my/closure/transfers').text
        self.assertIn('客户转移', page)
        self.assertIn('状态', page)
        self.assertNotIn('Introduced On', page)
        page = self._page(f'/my/closure/transfers/{self.transfer_x.id}').text
        self.assertNotIn('What the customer needs', page)


@tagged('post_install', '-at_install')
class TestTransferConsentBeforeIdentity(HttpCase, TransferCommon, MailCase):
    """PIPL Art. 23: before the customer consents, the receiver sees a
    pseudonymous profile only (industry, region, size band, services), in
    the mail, on the portal and over the external API; the customer's
    identity and the consented categories reach it with the consent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = cls._create_receiver('Pseudo Receiver', industries=cls.retail, states=cls.shanghai,
                                            services=cls.it_support)
        cls.portal = new_test_user(cls.env, login='pseudo_portal', groups='base.group_portal',
                                   name='Pia of Pseudo', email='pia@pseudo.example.com')
        cls.portal.partner_id.parent_id = cls.receiver
        cls.case = cls._create_need_cases(
            1, prefix='Secretive Teahouse', industry=cls.retail, state=cls.shanghai, services=cls.it_support,
            size='small', closure_process_dependencies='Secret POS notes', description='<p>Likes green tea</p>')
        cls.customer = cls.case.partner_id
        cls.customer.write({'email': 'secretive@customer.example.com', 'phone': '+86 21 9876 5432'})
        cls.secrets = (cls.customer.name, 'secretive@customer.example.com', '9876 5432', 'Secret POS notes',
                       'Likes green tea')
        cls.transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.receiver.id})

    def _receiver_mails(self):
        contact = self.receiver.closure_transfer_contact_id
        return self._new_mails.filtered(lambda mail: mail.recipient_ids == contact)

    def test_receiver_learns_identity_with_consent_only(self):
        with self.mock_mail_gateway():
            self.transfer.with_user(self.rep_1).action_introduce()
        proposal = self._receiver_mails()
        self.assertEqual(len(proposal), 1)
        for secret in self.secrets:
            self.assertNotIn(secret, proposal.body_html + proposal.subject)
        self.assertIn(self.retail.name, proposal.body_html)
        self.assertIn(self.shanghai.name, proposal.body_html)
        self.assertIn(self.it_support.name, proposal.body_html)
        self.assertIn('Small', proposal.body_html)
        # the portal: list and page
        self.authenticate('pseudo_portal', 'pseudo_portal')
        url = f'/my/closure/transfers/{self.transfer.id}'
        for page in (self.url_open('/my/closure/transfers').text, self.url_open(url).text):
            for secret in self.secrets:
                self.assertNotIn(secret, page)
        self.assertIn(self.retail.name, self.url_open(url).text)
        # the external API: the case, the customer, the consent and the name are staff data
        Transfer = self.env['closure.transfer'].with_user(self.portal)
        self.assertEqual(Transfer.search([]), self.transfer)
        for fname in ('partner_id', 'lead_id', 'consent_id', 'user_id', 'decline_reason'):
            with self.assertRaises(AccessError, msg=fname):
                Transfer.browse(self.transfer.id).read([fname])
        values = Transfer.browse(self.transfer.id).read(['display_name', 'state'])[0]
        self.assertNotIn(self.customer.name, values['display_name'])
        self.assertFalse([message for message in self.env['mail.message'].with_user(self.portal).search(
            [('model', '=', 'closure.transfer'), ('res_id', '=', self.transfer.id)]).mapped('body')
            if self.customer.name in str(message)])
        # the customer consents: the identity and the categories reach the receiver
        with self.mock_mail_gateway():
            self._consent(self.case, receiver=self.receiver, transfer=self.transfer,
                          categories=self.cat_contact | self.cat_notes)
        consented = self._receiver_mails()
        self.assertEqual(len(consented), 1)
        self.assertIn(self.customer.name, consented.body_html)
        self.assertIn(self.cat_contact.name, consented.body_html)
        self.assertIn(self.cat_notes.name, consented.body_html)
        self.assertNotIn('secretive@customer.example.com', consented.body_html,
                         "the data itself comes with the hand-over")
        self.env.invalidate_all()
        page = self.url_open(url).text
        self.assertIn(self.customer.name, page)
        self.assertIn(self.cat_notes.name, page)
        self.assertNotIn('Secret POS notes', page, "consented, not handed over yet")
        self.assertIn(self.customer.name, Transfer.browse(self.transfer.id).display_name)

    def test_the_public_and_another_receiver_learn_nothing(self):
        self.transfer.action_introduce()
        self._consent(self.case, receiver=self.receiver, transfer=self.transfer)
        url = f'/my/closure/transfers/{self.transfer.id}'
        response = self.url_open(url)
        self.assertNotIn(self.customer.name, response.text)
        self.assertIn('/web/login', response.url)
        other = self._create_receiver('Other Pseudo', industries=self.retail)
        user = self._create_receiver_user(other, 'other_pseudo')
        self.authenticate('other_pseudo', 'other_pseudo')
        response = self.url_open(url)
        self.assertTrue(response.url.endswith('/my'))
        self.assertNotIn(self.customer.name, response.text)
        self.assertFalse(self.env['closure.transfer'].with_user(user).search([]))
