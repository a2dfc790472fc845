import re

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .transfer_common import TransferCommon


class EvidenceCommon(TransferCommon):
    """A case for each kind of evidence, the attackers: the case's rep, a rep
    of another team, a team rep, a closure manager, a Sales Administrator, the
    administrator, and a user of a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login='evidence_sales_admin', name='Evidence Sales Admin',
            groups='sales_team.group_sale_manager')
        cls.admin = cls.env.ref('base.user_admin')
        cls.rep_team = new_test_user(
            cls.env, login='evidence_rep_team', name='Evidence Team Rep', groups='closure_crm.group_closure_user')
        cls.env['crm.team.member'].create({'crm_team_id': cls.plan.team_id.id, 'user_id': cls.rep_team.id})
        cls.company_2 = cls.env['res.company'].create({'name': 'Evidence Second Company'})
        cls.user_co2 = new_test_user(
            cls.env, login='evidence_co2', name='Second Company Manager', company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
            groups='closure_crm.group_closure_manager,sales_team.group_sale_manager')
        cls.receiver = cls._create_receiver('Evidence Harbour', industries=cls.retail, states=cls.shanghai)
        # case_spare: a case for the add-ons' evidence (closure_crm_care: a complaint)
        (cls.case_consent, cls.case_spare, cls.case_claim, cls.case_paid_free, cls.case_transfer,
         cls.case_notice, cls.case_plain) = cls._create_need_cases(
            7, prefix='Evidence Customer', industry=cls.retail, state=cls.shanghai)
        Transfer = cls.env['closure.transfer']
        # a recorded consent
        cls.consent = cls.env['closure.consent'].create({
            'lead_id': cls.case_consent.id, 'decision': 'decline', 'channel': 'phone', 'note': 'Said no on the phone.'})
        # a declared claim
        cls.claim = cls.env['closure.obligation'].create({
            'lead_id': cls.case_claim.id, 'obligation_type': 'prepaid', 'name': 'Tea card', 'amount': 120.0})
        cls.claim._closure_declare_claim('phone')
        # an open obligation, undeclared: no evidence
        cls.open_obligation = cls.env['closure.obligation'].create({
            'lead_id': cls.case_paid_free.id, 'obligation_type': 'prepaid', 'name': 'Gift card', 'amount': 30.0})
        # a transfer introduced to the receiver
        cls.transfer = Transfer.create({'lead_id': cls.case_transfer.id, 'receiver_id': cls.receiver.id})
        cls.transfer.action_introduce()
        # a notice row
        wave = cls.env['closure.notice.wave'].create({'name': 'Evidence wave', 'plan_id': cls.plan.id})
        cls.notice = cls.env['closure.notice.recipient'].create({
            'wave_id': wave.id, 'lead_id': cls.case_notice.id, 'channel': 'email'})
        cls.holding = {
            cls.case_consent: cls.consent, cls.case_claim: cls.claim,
            cls.case_transfer: cls.transfer, cls.case_notice: cls.notice,
        }

    def _evidence_rows(self):
        self.env.flush_all()
        return {case: evidence.sudo().exists() for case, evidence in self.holding.items()}


@tagged('post_install', '-at_install')
class TestEvidenceOutlivesItsCase(EvidenceCommon):
    """A case holding evidence is neither deleted nor merged away, by anyone,
    sudo included: it is archived."""

    def test_nobody_deletes_a_case_holding_evidence(self):
        before = self._evidence_rows()
        for case in self.holding:
            for user in (self.sales_admin, self.admin):
                for attempt in (case.with_user(user), case.with_user(user).sudo()):
                    with self.subTest(case=case.name, user=user.login, sudo=attempt.env.su), \
                            self.assertRefused(case, UserError, regex=r'holds evidence.*Archive it instead'):
                        attempt.unlink()
            # reps and managers have no right to delete leads at all
            for user in (self.rep_1, self.manager, self.rep_team):
                with self.subTest(case=case.name, user=user.login), self.assertRefused(case, AccessError):
                    case.with_user(user).unlink()
            # the second company's administrator does not even see it
            with self.subTest(case=case.name, user='co2'), self.assertRefused(case, AccessError):
                case.with_user(self.user_co2).unlink()
        self.assertEqual(self._evidence_rows(), before)
        self.assertTrue(all(before.values()))
        # the message names the case and what it holds
        with self.assertRaisesRegex(UserError, re.escape(self.case_claim.display_name) + '.*declared claims'):
            self.case_claim.with_user(self.sales_admin).unlink()
        # archiving is the way
        self.case_consent.with_user(self.rep_1).action_archive()
        self.assertFalse(self.case_consent.active)
        self.assertTrue(self.consent.exists())

    def test_a_wave_that_sent_notices_is_kept(self):
        wave = self.notice.wave_id
        self.notice.write({'state': 'sent'})
        for user in (self.manager, self.sales_admin, self.admin):
            for attempt in (wave.with_user(user), wave.with_user(user).sudo()):
                with self.subTest(user=user.login, sudo=attempt.env.su), \
                        self.assertRefused(wave | self.notice.wave_id, UserError, regex='sent notices.*cancel it'):
                    attempt.unlink()
        self.assertTrue(self.notice.exists())
        with self.assertRefused(wave, AccessError):
            wave.with_user(self.rep_1).unlink()
        # a draft wave whose rows never left goes, its rows with it
        draft = self.env['closure.notice.wave'].create({'name': 'Draft wave', 'plan_id': self.plan.id})
        row = self.env['closure.notice.recipient'].create({
            'wave_id': draft.id, 'lead_id': self.case_plain.id, 'channel': 'email'})
        draft.with_user(self.manager).unlink()
        self.assertFalse(row.exists())

    def test_a_case_without_evidence_is_deleted_as_before(self):
        # an open, undeclared obligation is no evidence: the case goes, and it with it
        self.case_paid_free.with_user(self.sales_admin).unlink()
        self.assertFalse(self.open_obligation.exists())

    def test_nobody_merges_a_case_holding_evidence_away(self):
        before = self._evidence_rows()
        for case in self.holding:
            # a duplicate the merge keeps (won, sure): the case would be merged into it and deleted
            duplicate = self.env['crm.lead'].create({
                'name': f'Duplicate of {case.name}', 'type': 'opportunity', 'partner_id': case.partner_id.id,
                'user_id': self.rep_1.id, 'stage_id': self.won_stage.id, 'probability': 100})
            leads = case | duplicate
            self.assertEqual(leads._sort_by_confidence_level(reverse=True)[0], duplicate)
            for user in (self.rep_1, self.manager, self.sales_admin, self.admin):
                with self.subTest(case=case.name, user=user.login), \
                        self.assertRefused(leads, UserError, regex=r'holds evidence.*cannot be merged.*Archive'):
                    leads.with_user(user).merge_opportunity()
            # crm's merge wizard, as the Sales Administrator
            wizard = self.env['crm.merge.opportunity'].with_user(self.sales_admin).with_context(
                active_model='crm.lead', active_ids=leads.ids).create({'opportunity_ids': [Command.set(leads.ids)]})
            with self.subTest(case=case.name, path='wizard'), \
                    self.assertRefused(leads, UserError, regex='cannot be merged'):
                wizard.action_merge()
            # without deleting (auto_unlink=False) the case's history would still move: refused too
            with self.subTest(case=case.name, path='no unlink'), \
                    self.assertRefused(leads, UserError, regex='cannot be merged'):
                leads.with_user(self.sales_admin)._merge_opportunity(auto_unlink=False)
        self.assertEqual(self._evidence_rows(), before)

    def test_a_duplicate_merges_into_a_case_holding_evidence(self):
        # the case is kept (the head): the plain duplicate merges into it as crm merges
        duplicate = self.env['crm.lead'].create({
            'name': 'Plain duplicate', 'type': 'lead', 'partner_id': self.case_claim.partner_id.id,
            'user_id': self.rep_1.id})
        stage = self.case_claim.stage_id
        merged = (self.case_claim | duplicate).with_user(self.rep_1).merge_opportunity()
        self.assertEqual(merged, self.case_claim)
        # the kept case stays where it was in the closure pipeline (crm would give it its team's first stage)
        self.assertEqual(merged.stage_id, stage)
        self.assertTrue(merged.stage_id.is_closure_stage)
        self.assertFalse(duplicate.exists())
        self.assertTrue(self.claim.exists())


@tagged('post_install', '-at_install')
class TestChildRecordsFollowTheCaseRule(EvidenceCommon):
    """Obligations, consents, notice rows and transfers (and the add-ons'
    records: closure_crm_care's complaints, closure_crm_privilege's privileges
    and opt-ins) are read by exactly those who read their case: its owner, its
    team while nobody owns it, the closure managers of its company."""

    def _children(self):
        """The records kept on the cases (add-ons' tests add theirs)."""
        return [self.consent, self.claim, self.notice, self.transfer]

    def _edits_of_another_team(self):
        """[(record, values)] a rep of another team tries on unassigned cases
        (add-ons' tests add theirs)."""
        return [(self.open_obligation, {'name': 'Zeroed', 'amount': 0.0})]

    def test_unassigned_case_is_its_teams_only(self):
        cases = self.env['crm.lead'].union(*(record.lead_id for record in self._children()))
        cases.write({'user_id': False})
        expected = {self.rep_2: False, self.rep_team: True, self.manager: True, self.sales_admin: True,
                    self.user_co2: False}
        for user in (self.rep_1, *expected):
            for record in self._children():
                model = self.env[record._name].with_user(user)
                sees = bool(self.env['crm.lead'].with_user(user).search_count([('id', '=', record.lead_id.id)]))
                with self.subTest(user=user.login, model=record._name):
                    if user in expected:
                        self.assertEqual(sees, expected[user])
                    # the record is seen exactly when its case is
                    self.assertEqual(record in model.search([('id', '=', record.id)]), sees)
                    if not sees:
                        with self.assertRaises(AccessError):
                            record.with_user(user).read(['lead_id'])

    def test_rep_of_another_team_changes_and_deletes_nothing(self):
        attempts = self._edits_of_another_team()
        for record, _vals in attempts:
            record.lead_id.write({'user_id': False})
        for record, vals in attempts:
            with self.subTest(model=record._name), self.assertRefused(record, UserError):
                record.with_user(self.rep_2).write(vals)
            with self.subTest(model=record._name), self.assertRefused(record, UserError):
                record.with_user(self.rep_2).unlink()

    def test_owner_of_the_case_still_works_it(self):
        self.assertIn(self.claim, self.env['closure.obligation'].with_user(self.rep_1).search([]))


@tagged('post_install', '-at_install')
class TestCustomerAndWorkflowFields(HttpCase, EvidenceCommon):
    """What the customer sets on their page, and their answer link, are not
    anybody's to write; what customers rely on about a receiver is the
    closure managers'."""

    def test_nobody_writes_what_the_customer_sets(self):
        case = self.case_plain
        token = case.sudo().closure_access_token
        forged = {
            'closure_refund_requested_date': fields.Date.today(),
            'closure_news_opt_in': True,
            'closure_export_requested_date': fields.Date.today(),
            'closure_transfer_declined': True,
        }
        for user in (self.rep_1, self.manager, self.sales_admin, self.admin):
            for fname, value in forged.items():
                with self.subTest(user=user.login, field=fname), \
                        self.assertRefused(case, UserError, regex='written only by the customer'):
                    case.with_user(user).write({fname: value})
            # a case created with the customer's answers already in
            with self.subTest(user=user.login, path='create'), \
                    self.assertRaisesRegex(UserError, 'written only by the customer'):
                self.env['crm.lead'].with_user(user).create({
                    'name': 'Forged', 'partner_id': self.case_consent.partner_id.id, 'closure_news_opt_in': True})
        self.assertEqual(case.sudo().closure_access_token, token)

    def test_the_answer_link_is_the_servers_own(self):
        case = self.case_plain
        old = case.sudo().closure_access_token
        case.with_user(self.manager).action_closure_renew_answer_link()
        new = case.sudo().closure_access_token
        self.assertNotEqual(old, new)
        for user in (self.rep_1, self.manager, self.sales_admin, self.admin):
            for value in ('abcd', old, False):
                with self.subTest(user=user.login, value=value), \
                        self.assertRefused(case, UserError, regex='made by the server'):
                    case.with_user(user).write({'closure_access_token': value})
        with self.assertRaisesRegex(UserError, 'made by the server'):
            self.env['crm.lead'].with_user(self.manager).create({
                'name': 'Chosen token', 'partner_id': self._create_customers(1, prefix='Chosen Token').id,
                'closure_plan_id': self.plan.id, 'closure_access_token': 'abcd'})
        self.assertEqual(case.sudo().closure_access_token, new)
        # the old leaked link stays dead
        self.assertEqual(self.url_open(f'/closure/answer/{case.id}?access_token={old}').status_code, 404)

    def test_rep_over_json_rpc(self):
        self.authenticate(self.rep_1.login, self.rep_1.login)
        case = self.case_plain
        before = case.sudo().read(['closure_access_token', 'closure_news_opt_in', 'closure_transfer_declined'])
        for vals in ({'closure_access_token': 'abcd'}, {'closure_news_opt_in': True},
                     {'closure_transfer_declined': True}, {'closure_refund_requested_date': '2026-01-01'}):
            with self.subTest(vals=vals), self.assertRaises(JsonRpcException), mute_logger('odoo.http'):
                self.make_jsonrpc_request('/web/dataset/call_kw/crm.lead/write', {
                    'model': 'crm.lead', 'method': 'write', 'args': [[case.id], vals], 'kwargs': {}})
        self.env.invalidate_all()
        self.assertEqual(case.sudo().read(['closure_access_token', 'closure_news_opt_in',
                                           'closure_transfer_declined']), before)

    def test_the_customers_answer_recorded_by_a_rep_still_sets_declined(self):
        self.env['closure.consent'].with_user(self.rep_1).create({
            'lead_id': self.case_plain.id, 'decision': 'decline', 'channel': 'phone', 'note': 'No transfer.'})
        self.assertTrue(self.case_plain.closure_transfer_declined)

    def test_receiver_settings_are_the_managers(self):
        contact = self.env['res.partner'].create({'name': 'Ms Harbour', 'parent_id': self.receiver.id})
        forged = {
            'closure_dpa_date': '2020-01-01',
            'closure_transfer_contact_id': contact.id,
            'closure_offer_price': 'Free forever',
            'closure_offer_data_handling': 'Sold to advertisers',
        }
        for user in (self.rep_1, self.rep_team):
            for fname, value in forged.items():
                with self.subTest(user=user.login, field=fname), \
                        self.assertRefused(self.receiver, AccessError, regex='Only a closure manager'):
                    self.receiver.with_user(user).write({fname: value})
            with self.subTest(user=user.login, path='create'), self.assertRaises(AccessError):
                self.env['res.partner'].with_user(user).create({
                    'name': 'Forged receiver', 'closure_is_receiver': True, 'closure_dpa_date': '2020-01-01'})
        # the manager sets them, and the chatter keeps who and when
        self.receiver.with_user(self.manager).write({'closure_dpa_date': '2026-04-01',
                                                     'closure_offer_price': 'Same price for 12 months'})
        self.env.cr.flush()
        tracked = self.receiver.message_ids.tracking_value_ids.field_id.mapped('name')
        self.assertIn('closure_dpa_date', tracked)
        self.assertIn('closure_offer_price', tracked)
