import base64
import json
from datetime import timedelta

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.models.closure_transfer import WORKFLOW_FIELDS

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestSecurityAttacks(HttpCase, TransferCommon):
    """Every closure rule attacked the way an integrator or a curious user
    would: as a closure rep, a closure manager, a receiver's portal user,
    another receiver's portal user and a public visitor, through the ORM
    with their own environment, over JSON-RPC and over HTTP. Each attempt
    is refused and leaves the database as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login='attack_sales_admin', name='Sales Administrator', groups='sales_team.group_sale_manager')
        cls.receiver_a = cls._create_receiver('Alpha Attack', industries=cls.retail, states=cls.shanghai)
        cls.receiver_b = cls._create_receiver('Bravo Attack', industries=cls.retail, states=cls.shanghai)
        cls.portal_a = cls._create_receiver_user(cls.receiver_a, 'attack_portal_a')
        cls.portal_b = cls._create_receiver_user(cls.receiver_b, 'attack_portal_b')
        (cls.case_x, cls.case_y, cls.case_d, cls.case_p, cls.case_c) = cls._create_need_cases(
            5, prefix='Attacked Customer', industry=cls.retail, state=cls.shanghai,
            closure_process_dependencies='Secret process notes')
        cls.case_x.partner_id.email = 'xavier@customer.example.com'
        Transfer = cls.env['closure.transfer']
        # x: handed over to Alpha, contact data only
        cls.transfer_x = Transfer.create({'lead_id': cls.case_x.id, 'receiver_id': cls.receiver_a.id})
        cls.transfer_x.action_introduce()
        cls.consent_x = cls._record_consent(cls.case_x, cls.receiver_a, cls.transfer_x)
        cls.transfer_x.with_user(cls.manager).action_receiver_accept()
        cls.transfer_x.with_user(cls.manager).action_hand_over()
        # y: introduced to Bravo
        cls.transfer_y = Transfer.create({'lead_id': cls.case_y.id, 'receiver_id': cls.receiver_b.id})
        cls.transfer_y.action_introduce()
        # d: proposed to Alpha, the customer declined before any introduction
        cls.transfer_d = Transfer.create({'lead_id': cls.case_d.id, 'receiver_id': cls.receiver_a.id})
        cls._record_consent(cls.case_d, decision='decline')
        # p: a fresh proposal to Alpha; c: introduced, accepted by the customer
        cls.transfer_p = Transfer.create({'lead_id': cls.case_p.id, 'receiver_id': cls.receiver_a.id})
        cls.transfer_c = Transfer.create({'lead_id': cls.case_c.id, 'receiver_id': cls.receiver_a.id})
        cls.transfer_c.action_introduce()
        cls._record_consent(cls.case_c, cls.receiver_a, cls.transfer_c)
        cls.foreign = cls.env['ir.attachment'].create({
            'name': 'payroll.csv', 'raw': b'secret payroll', 'res_model': 'res.partner',
            'res_id': cls.case_y.partner_id.id})

    @classmethod
    def _record_consent(cls, case, receiver=None, transfer=None, decision='accept', categories=None, **values):
        return cls.env['closure.consent'].create({
            'lead_id': case.id,
            'transfer_id': transfer.id if transfer else False,
            'decision': decision,
            'receiver_id': receiver.id if receiver else False,
            'data_category_ids': [Command.set((categories or cls.cat_contact).ids)] if decision != 'decline' else [],
            'channel': 'phone',
            'note': 'Called the customer.',
            **values,
        })

    def _csrf(self):
        return http.Request.csrf_token(self)

    # ------------------------------------------------------------------
    # Transfers: workflow fields are the workflow's
    # ------------------------------------------------------------------
    def _workflow_values(self):
        now = fields.Datetime.now()
        values = {
            'state': 'handed_over',
            'date_proposed': now - timedelta(days=400), 'date_introduced': now, 'date_customer_answer': now,
            'date_receiver_answer': now, 'date_handed_over': now, 'date_completed': now,
            'consent_id': self.consent_x.id,
            'package_attachment_id': self.foreign.id,
            'package_category_ids': [Command.set((self.cat_contact | self.cat_business | self.cat_notes).ids)],
            'handover_user_id': self.rep_1.id,
            'capacity_id': self.receiver_b.closure_capacity_ids.id,
            'origin': 'customer', 'rank': 1,
            'score': 100.0, 'score_industry': 30.0, 'score_region': 20.0, 'score_services': 20.0,
            'score_segment': 10.0, 'score_capacity': 10.0, 'score_acceptance': 10.0,
            'fee_expected': 1000000.0,
            'currency_id': self.env.ref('base.EUR').id,
            'introduction_pending': True,
        }
        self.assertEqual(set(values), set(WORKFLOW_FIELDS), "every workflow field is attacked")
        return values

    def test_rep_and_manager_cannot_write_any_workflow_field(self):
        for user in (self.rep_1, self.manager):
            transfer = self.transfer_p.with_user(user)
            for fname, value in self._workflow_values().items():
                label = transfer._fields[fname]._description_string(self.env)
                with self.subTest(user=user.login, field=fname), \
                        self.assertRefused(self.transfer_p, UserError, regex=f"'{label}'"):
                    transfer.write({fname: value})
        # through the case's list of transfers as well
        with self.assertRefused(self.transfer_p, UserError):
            self.case_p.with_user(self.rep_1).write(
                {'closure_transfer_ids': [Command.update(self.transfer_p.id, {'state': 'completed'})]})
        # nor moved to another case, nor deleted once it records an introduction or a hand-over
        with self.assertRefused(self.transfer_p, UserError, regex='keeps its case'):
            self.transfer_p.with_user(self.manager).write({'lead_id': self.case_y.id})
        for transfer in (self.transfer_x, self.transfer_y, self.transfer_d):
            with self.assertRefused(transfer, UserError, regex='cannot be deleted'):
                transfer.with_user(self.manager).unlink()

    def test_rpc_with_a_forged_trusted_context_is_refused(self):
        """The trusted context of the workflow cannot be sent by a client."""
        self.authenticate('closure_rep_1', 'closure_rep_1')
        self.env.flush_all()
        with mute_logger('odoo.http'), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request('/web/dataset/call_kw/closure.transfer/write', {
                'model': 'closure.transfer', 'method': 'write',
                'args': [[self.transfer_p.id], {'state': 'handed_over'}],
                'kwargs': {'context': {'closure_transfer_workflow': 'closure-trusted'}},
            })
        self.env.invalidate_all()
        self.assertEqual(self.transfer_p.state, 'proposed')

    def test_create_only_proposals(self):
        Transfer = self.env['closure.transfer'].with_user(self.rep_1)
        count = self.env['closure.transfer'].search_count([])
        attacks = [
            {'state': 'handed_over'},
            {'state': 'customer_accepted'},
            {'state': 'proposed', 'date_introduced': fields.Datetime.now()},
            {'consent_id': self.consent_x.id},
            {'package_attachment_id': self.foreign.id},
            {'capacity_id': self.receiver_b.closure_capacity_ids.id},
            {'score': 100.0, 'fee_expected': 5.0},
        ]
        case = self._create_need_cases(1, prefix='Late State', industry=self.retail)
        for attack in attacks:
            with self.subTest(attack=attack), self.assertRaises(UserError), self.env.cr.savepoint():
                Transfer.create(dict(attack, lead_id=case.id, receiver_id=self.receiver_a.id))
        self.assertEqual(self.env['closure.transfer'].search_count([]), count)
        # a plain proposal is fine, scored on the server
        proposal = Transfer.create({'lead_id': case.id, 'receiver_id': self.receiver_a.id})
        self.assertRecordValues(
            proposal, [{'state': 'proposed', 'capacity_id': self.receiver_a.closure_capacity_ids.id}]
        )
        self.assertGreater(proposal.score, 0)

    def test_package_must_be_the_transfers_own_file(self):
        # even server code cannot record a foreign file as a transfer's package
        with self.assertRefused(self.transfer_x, ValidationError, regex='data package'):
            self.transfer_x.sudo().write({'package_attachment_id': self.foreign.id})
        other_package = self.env['ir.attachment'].create({
            'name': 'other.json', 'raw': b'{}', 'res_model': 'closure.transfer', 'res_id': self.transfer_y.id})
        with self.assertRefused(self.transfer_x, ValidationError, regex='data package'):
            self.transfer_x.sudo().write({'package_attachment_id': other_package.id})

    def test_download_refuses_a_foreign_package(self):
        """A package pointing elsewhere (a corrupted row) is never served."""
        url = f'/my/closure/transfers/{self.transfer_x.id}'
        self.authenticate('attack_portal_a', 'attack_portal_a')
        self.assertIn('xavier@customer.example.com', self.url_open(f'{url}/package').text)
        self.env.flush_all()
        self.env.cr.execute("UPDATE closure_transfer SET package_attachment_id = %s WHERE id = %s",
                            [self.foreign.id, self.transfer_x.id])
        self.env.invalidate_all()
        response = self.url_open(f'{url}/package')
        self.assertEqual(response.status_code, 404)
        self.assertNotIn('secret payroll', response.text)
        self.assertNotIn('secret payroll', self.url_open(url).text)

    def test_portal_shows_only_consented_categories(self):
        """Whatever the package file holds, the portal shows the consented
        categories only."""
        package = self.transfer_x.package_attachment_id
        content = json.loads(package.raw)
        content['notes'] = {'process_dependencies': 'Secret process notes'}
        package.sudo().write({'raw': json.dumps(content).encode()})  # server code, e.g. a storage move
        self.authenticate('attack_portal_a', 'attack_portal_a')
        page = self.url_open(f'/my/closure/transfers/{self.transfer_x.id}').text
        self.assertIn('xavier@customer.example.com', page)
        self.assertNotIn('Secret process notes', page)
        download = self.url_open(f'/my/closure/transfers/{self.transfer_x.id}/package').json()
        self.assertEqual(download['contact']['email'], 'xavier@customer.example.com')
        self.assertNotIn('notes', download)

    # ------------------------------------------------------------------
    # Receivers' portal
    # ------------------------------------------------------------------
    def test_receiver_sees_introduced_customers_of_its_own_only(self):
        Transfer = self.env['closure.transfer']
        self.assertEqual(Transfer.with_user(self.portal_a).search([]), self.transfer_x | self.transfer_c,
                         "not the proposal, not the customer who declined before any introduction")
        self.assertEqual(Transfer.with_user(self.portal_b).search([]), self.transfer_y)
        for transfer in (self.transfer_d, self.transfer_p, self.transfer_y):
            with self.subTest(transfer=transfer.display_name), self.assertRaises(AccessError):
                transfer.with_user(self.portal_a).read(['partner_id'])
        # over HTTP: the list, the page, the package
        self.authenticate('attack_portal_b', 'attack_portal_b')
        listing = self.url_open('/my/closure/transfers').text
        # y is introduced, not consented yet: a pseudonym only (PIPL Art. 23)
        self.assertIn(f'Proposed customer #{self.transfer_y.id}', listing)
        for case in (self.case_x, self.case_y, self.case_d, self.case_p, self.case_c):
            self.assertNotIn(case.partner_id.name, listing)
        for path in ('', '/package'):
            response = self.url_open(f'/my/closure/transfers/{self.transfer_x.id}{path}')
            self.assertTrue(response.url.endswith('/my'), path)
            self.assertNotIn('xavier@customer.example.com', response.text)
        self.authenticate('attack_portal_a', 'attack_portal_a')
        listing = self.url_open('/my/closure/transfers').text
        self.assertIn(self.case_x.partner_id.name, listing)
        self.assertNotIn(self.case_d.partner_id.name, listing, "declined before the introduction")
        response = self.url_open(f'/my/closure/transfers/{self.transfer_d.id}')
        self.assertTrue(response.url.endswith('/my'))
        self.assertNotIn(self.case_d.partner_id.name, response.text)
        counters = self.make_jsonrpc_request('/my/counters', {'counters': ['closure_transfer_count']})
        self.assertEqual(counters['closure_transfer_count'], 2)

    def test_customer_picked_receiver_is_introduced_then_shown(self):
        case = self._create_need_cases(1, prefix='Picker', industry=self.retail, state=self.shanghai)
        self._record_consent(case, self.receiver_b, decision='pick_another')
        chosen = self._live_transfer(case)
        self.assertRecordValues(chosen, [{'state': 'customer_accepted', 'date_introduced': False}])
        self.assertNotIn(chosen, self.env['closure.transfer'].with_user(self.portal_b).search([]))
        chosen.with_user(self.rep_1).action_introduce()
        self.assertEqual(chosen.state, 'customer_accepted', "the customer's acceptance is kept")
        self.assertTrue(chosen.date_introduced)
        self.assertIn(chosen, self.env['closure.transfer'].with_user(self.portal_b).search([]))

    def test_only_the_receivers_portal_users_answer_for_it(self):
        for user in (self.rep_1, self.portal_b):
            for transfer in (self.transfer_c.with_user(user), self.transfer_c.with_user(user).sudo()):
                with self.subTest(user=user.login, su=transfer.env.su), \
                        self.assertRefused(self.transfer_c, AccessError, regex='Only the portal users'):
                    transfer._receiver_answer(True)
        with self.assertRefused(self.transfer_c, AccessError):
            self.transfer_c.with_user(self.rep_1).action_receiver_accept()
        # over HTTP: the case owner, logged in, posts the receiver's answer
        self.authenticate('closure_rep_1', 'closure_rep_1')
        self.url_open(f'/my/closure/transfers/{self.transfer_c.id}/answer',
                      data={'decision': 'accept', 'csrf_token': self._csrf()})
        self.authenticate('attack_portal_b', 'attack_portal_b')
        self.url_open(f'/my/closure/transfers/{self.transfer_c.id}/answer',
                      data={'decision': 'decline', 'csrf_token': self._csrf()})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_c.state, 'customer_accepted')
        # the receiver's own user may
        self.authenticate('attack_portal_a', 'attack_portal_a')
        self.url_open(f'/my/closure/transfers/{self.transfer_c.id}/answer',
                      data={'decision': 'accept', 'csrf_token': self._csrf()})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_c.state, 'receiver_accepted')

    def test_public_visitor_gets_nothing(self):
        self.authenticate(None, None)
        for path in ('/my/closure/transfers', f'/my/closure/transfers/{self.transfer_x.id}',
                     f'/my/closure/transfers/{self.transfer_x.id}/package'):
            response = self.url_open(path)
            self.assertIn('/web/login', response.url, path)
            self.assertNotIn('xavier@customer.example.com', response.text)
        self.url_open(f'/my/closure/transfers/{self.transfer_c.id}/answer', data={'decision': 'decline'})
        self.env.invalidate_all()
        self.assertEqual(self.transfer_c.state, 'customer_accepted')

    # ------------------------------------------------------------------
    # The hand-over rests on the transfer's own consent
    # ------------------------------------------------------------------
    def test_handover_uses_the_transfers_own_consent(self):
        case = self._create_need_cases(1, prefix='Own Consent', industry=self.retail, state=self.shanghai)
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.receiver_a.id})
        transfer.action_introduce()
        self._record_consent(case, self.receiver_a, transfer)
        # the customer's newer answer, about a call of yesterday: it governs, whatever its date says
        newer = self._record_consent(case, self.receiver_a, transfer, categories=self.cat_contact | self.cat_notes,
                                     date=fields.Datetime.now() - timedelta(days=1))
        self.assertEqual(transfer.consent_id, newer)
        transfer.with_user(self.manager).action_receiver_accept()
        # a consent dated in the future is refused when recorded...
        with self.assertRaisesRegex(ValidationError, 'future'), self.env.cr.savepoint():
            self._record_consent(case, self.receiver_a, transfer, date=fields.Datetime.now() + timedelta(days=3))
        # ... and never governs a hand-over, even if the database holds one
        self.env.flush_all()
        self.env.cr.execute("UPDATE closure_consent SET date = NOW() + interval '3 days' WHERE id = %s", [newer.id])
        self.env.invalidate_all()
        with self.assertRefused(transfer, UserError, regex='without the recorded consent'):
            transfer.with_user(self.manager).action_hand_over()
        self.env.cr.execute("UPDATE closure_consent SET date = NOW() - interval '1 day' WHERE id = %s", [newer.id])
        self.env.invalidate_all()
        transfer.with_user(self.manager).action_hand_over()
        self.assertEqual(transfer.package_category_ids, self.cat_contact | self.cat_notes)

    # ------------------------------------------------------------------
    # Consents are evidence
    # ------------------------------------------------------------------
    def test_consent_cannot_be_edited_redated_or_deleted(self):
        attacks = {
            'note': 'The customer said nothing of the sort.',
            'date': fields.Datetime.now() - timedelta(days=30),
            'decision': 'decline',
            'channel': 'email',
            'user_id': self.manager.id,
            'data_category_ids': [Command.link(self.cat_notes.id)],
            'receiver_name': 'Someone else',
            'page_version': '0' * 64,
        }
        for user in (self.rep_1, self.manager):
            for fname, value in attacks.items():
                with self.subTest(user=user.login, field=fname), \
                        self.assertRefused(self.consent_x, UserError, regex='evidence'):
                    self.consent_x.with_user(user).write({fname: value})
        with self.assertRefused(self.consent_x, UserError, regex='cannot be deleted'):
            self.consent_x.with_user(self.manager).unlink()
        with self.assertRefused(self.consent_x, UserError, regex='cannot be deleted'):
            self.consent_x.sudo().unlink()
        with self.assertRefused(self.consent_x, AccessError):
            self.consent_x.with_user(self.rep_1).unlink()

    def test_consent_is_recorded_as_it_happened(self):
        Consent = self.env['closure.consent'].with_user(self.rep_1)
        case = self._create_need_cases(1, prefix='Recorded', industry=self.retail, state=self.shanghai)
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.receiver_a.id})
        values = {'lead_id': case.id, 'transfer_id': transfer.id, 'decision': 'accept',
                  'receiver_id': self.receiver_a.id, 'data_category_ids': self.cat_contact.ids,
                  'channel': 'phone', 'note': 'Called.'}
        # the customer portal is the answer page's channel, even with a forged context
        for context in ({}, {'closure_consent_portal': 'closure-trusted'}):
            with self.assertRaisesRegex(UserError, 'answer page'), self.env.cr.savepoint():
                Consent.with_context(**context).create(dict(values, channel='portal'))
        with self.assertRaisesRegex(ValidationError, 'future'), self.env.cr.savepoint():
            Consent.create(dict(values, date=fields.Datetime.now() + timedelta(hours=2)))
        self.assertFalse(self.env['closure.consent'].search([('lead_id', '=', case.id)]))
        # "recorded by" is the user logged in, whatever the client sends
        consent = Consent.create(dict(values, user_id=self.manager.id))
        self.assertEqual(consent.user_id, self.rep_1)
        # the snapshot of what the customer was told
        contact = self.receiver_a.closure_transfer_contact_id
        self.assertRecordValues(consent, [{
            'receiver_name': 'Alpha Attack', 'receiver_contact_name': contact.name,
            'receiver_contact_email': contact.email, 'category_labels': self.cat_contact.name,
            'snapshot_lang': case.partner_id.lang or 'en_US', 'page_version': False}])

    def test_consent_evidence_file_cannot_be_rewritten_or_removed(self):
        case = self._create_need_cases(1, prefix='Evidence', industry=self.retail, state=self.shanghai)
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.receiver_a.id})
        consent = self.env['closure.consent'].with_user(self.rep_1).create({
            'lead_id': case.id, 'transfer_id': transfer.id, 'decision': 'accept', 'receiver_id': self.receiver_a.id,
            'data_category_ids': self.cat_contact.ids, 'channel': 'email', 'evidence_filename': 'yes.eml',
            'evidence': base64.b64encode(b'From: customer\n\nYes, hand my contact over.')})
        evidence = self.env['ir.attachment'].search([
            ('res_model', '=', 'closure.consent'), ('res_id', '=', consent.id), ('res_field', '=', 'evidence')])
        self.assertEqual(len(evidence), 1)
        for user in (self.rep_1, self.manager):
            attachment = evidence.with_user(user)
            with self.subTest(user=user.login), self.assertRefused(evidence, UserError, regex='evidence'):
                attachment.write({'raw': b'From: customer\n\nHand everything over.'})
            with self.subTest(user=user.login), self.assertRefused(evidence, UserError, regex='evidence'):
                attachment.unlink()
            with self.subTest(user=user.login), self.assertRefused(consent, UserError, regex='evidence'):
                consent.with_user(user).write({'evidence': base64.b64encode(b'forged')})
            with self.subTest(user=user.login), self.assertRaises(UserError), self.env.cr.savepoint():
                self.env['ir.attachment'].with_user(user).create({
                    'name': 'second.eml', 'raw': b'forged', 'res_model': 'closure.consent', 'res_id': consent.id,
                    'res_field': 'evidence'})
        with self.assertRefused(evidence, UserError, regex='evidence'):
            evidence.sudo().unlink()
        with self.assertRefused(evidence, UserError):
            self.foreign.with_user(self.manager).write({'res_model': 'closure.consent', 'res_id': consent.id})
        self.assertEqual(base64.b64decode(consent.evidence), b'From: customer\n\nYes, hand my contact over.')
        # the data erasure job (issue 10) goes through the documented hook
        Consent = self.env['closure.consent']
        evidence.with_context(**Consent._closure_erasure_context()).unlink()
        self.assertFalse(evidence.exists())
        consent._closure_for_erasure().write({'note': False, 'receiver_contact_email': False})

    def test_case_with_consent_is_neither_deleted_nor_merged(self):
        # a duplicate crm's merge keeps (won, sure of it): the case would be merged into it and deleted
        won = self.env['crm.stage'].search([('is_won', '=', True)], order='sequence desc', limit=1)
        duplicate = self.env['crm.lead'].create({
            'name': 'Duplicate of Attacked Customer', 'type': 'opportunity', 'stage_id': won.id,
            'probability': 100, 'partner_id': self.case_x.partner_id.id, 'user_id': self.rep_1.id})
        cases = self.case_x | duplicate
        self.assertEqual(cases._sort_by_confidence_level(reverse=True)[0], duplicate)
        with self.assertRefused(cases, UserError, regex='cannot be merged'):
            cases.with_user(self.sales_admin).merge_opportunity()
        wizard = self.env['crm.merge.opportunity'].with_user(self.sales_admin).with_context(
            active_model='crm.lead', active_ids=cases.ids).create({'opportunity_ids': [Command.set(cases.ids)]})
        with self.assertRefused(cases, UserError, regex='cannot be merged'):
            wizard.action_merge()
        with self.assertRefused(self.case_x, UserError, regex='cannot be deleted'):
            self.case_x.with_user(self.sales_admin).unlink()
        with self.assertRefused(self.case_x, UserError, regex='cannot be deleted'):
            self.case_x.with_user(self.sales_admin).sudo().unlink()
        self.assertEqual(self.env['closure.consent'].search([('lead_id', '=', self.case_x.id)]), self.consent_x)
        # archiving is the way
        self.case_x.with_user(self.manager).action_archive()
        self.assertFalse(self.case_x.active)
        # leads without consents still merge as crm merges them
        other = self.env['crm.lead'].create({'name': 'Other duplicate', 'partner_id': self.case_x.partner_id.id})
        self.assertTrue((duplicate | other).merge_opportunity())

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_no_read_across_companies(self):
        company_2 = self.env['res.company'].create({'name': 'Closure Attack Co 2'})
        self.manager.write({'company_ids': [Command.link(company_2.id)]})
        plan_2 = self.env['closure.plan'].with_company(company_2).create({
            'name': 'Other company closure', 'company_id': company_2.id, 'decision_date': '2026-06-01'})
        plan_2.action_start()
        receiver = self._create_receiver('Second Company Receiver', plan=plan_2)
        case = self._create_need_cases(1, prefix='Co2 Customer', plan=plan_2, user=self.manager)
        self.assertEqual(case.company_id, company_2)
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': receiver.id})
        consent = self._record_consent(case, receiver, transfer)
        obligation = self.env['closure.obligation'].create({
            'lead_id': case.id, 'name': 'Prepaid card', 'obligation_type': 'prepaid', 'amount': 80})
        wave = self.env['closure.notice.wave'].create({'name': 'Co2 wave', 'plan_id': plan_2.id})
        recipient = self.env['closure.notice.recipient'].create({
            'wave_id': wave.id, 'lead_id': case.id, 'channel': 'email'})
        records = [transfer, consent, obligation, recipient, receiver.closure_capacity_ids, plan_2]
        for record in records:
            self.assertEqual(record.company_id, company_2, record._name)
        for user, context in ((self.manager, {'allowed_company_ids': [self.company.id]}), (self.rep_1, {})):
            for record in records:
                model = self.env[record._name].with_user(user).with_context(**context)
                with self.subTest(user=user.login, model=record._name):
                    self.assertNotIn(record, model.search([]))
                    with self.assertRaises(AccessError):
                        record.with_user(user).with_context(**context).read(['company_id'])
        # the manager working in both companies sees them
        both = {'allowed_company_ids': [self.company.id, company_2.id]}
        self.assertIn(consent, self.env['closure.consent'].with_user(self.manager).with_context(**both).search([]))
