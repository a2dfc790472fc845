from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .transfer_common import TransferCommon

LANGS = ('en_US', 'zh_CN')
TOUR_TIMEOUT = 180  # seconds for a whole tour; a missing element fails its step after 10 s


@tagged('post_install', '-at_install')
class TestUiTours(HttpCase, TransferCommon):
    """Each role walks through the real UI in headless Chromium (Odoo tours in
    static/tests/tours/), in English and in Simplified Chinese; each tour
    checks what the user sees, then the test checks what the database
    recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        # the website serves the languages it lists: a portal user reading Chinese needs it there
        cls.env['website'].search([]).language_ids |= cls.env.ref('base.lang_zh_CN')
        # the customer's page closes after the erasure date: keep it open
        cls.plan.data_erasure_date = fields.Date.today() + timedelta(days=365)
        cls.proposed = cls._create_receiver('Harbour IT', industries=cls.retail, states=cls.shanghai,
                                            services=cls.it_support)
        cls.other = cls._create_receiver('Second Choice', industries=cls.retail, states=cls.shanghai)

    def _tour(self, url, tour, login=None):
        self.start_tour(url, tour, login=login, timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # customer: the public answer page
    # ------------------------------------------------------------------
    def _notified_case(self, prefix, lang):
        case = self._create_need_cases(1, prefix=prefix, industry=self.retail, state=self.shanghai)
        case.partner_id.write({'lang': lang, 'email': 'portal.tour@customer.example.com'})
        self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Prepaid card', 'amount': 300.0})
        case.closure_notified_date = fields.Date.today()
        case._closure_set_stage('notified')
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.proposed.id})
        return case, transfer

    def test_customer_answers_on_the_personal_page(self):
        Consent = self.env['closure.consent']
        for lang in LANGS:
            with self.subTest(lang=lang):
                case, _transfer = self._notified_case(f'Tour Customer {lang}', lang)
                self._tour(case.closure_answer_url, f'closure_customer_answer_{lang}')
                consents = Consent.search([('lead_id', '=', case.id)], order='id')
                self.assertEqual(len(consents), 2, "each answer is recorded")
                self.assertRecordValues(consents, [
                    {'decision': 'pick_another', 'receiver_id': self.other.id, 'channel': 'portal'},
                    {'decision': 'decline', 'receiver_id': False, 'channel': 'portal'},
                ])
                self.assertEqual(len(consents[0].data_category_ids), 2)
                self.assertTrue(case.closure_refund_requested_date)
                self.assertTrue(case.closure_export_requested_date)
                self.assertTrue(case.closure_transfer_declined, "the second answer changed the first")
                self.assertFalse(self._live_transfer(case))

    # ------------------------------------------------------------------
    # receiver: the portal's My Transfers
    # ------------------------------------------------------------------
    def test_receiver_accepts_on_the_portal(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                receiver = self._create_receiver(f'Tour Receiver {lang}', industries=self.retail,
                                                 states=self.shanghai)
                login = f'receiver_tour_{lang.lower()}'
                user = new_test_user(self.env, login=login, groups='base.group_portal', lang=lang,
                                     name=f'Receiver User {lang}', email=f'{login}@receiver.example.com')
                user.partner_id.parent_id = receiver
                case = self._create_need_cases(1, prefix=f'Portal Tour Customer {lang}', industry=self.retail,
                                               state=self.shanghai)
                case.partner_id.email = 'portal.tour@customer.example.com'
                transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': receiver.id})
                transfer.action_introduce()
                self._consent(case, receiver=receiver, transfer=transfer, categories=self.cat_contact)

                self._tour('/my', f'closure_receiver_accept_{lang}', login=login)
                self.assertEqual(transfer.state, 'receiver_accepted')
                self.assertIn(user.partner_id, transfer.message_ids.author_id,
                              "the answer is posted in the portal user's name")

                transfer.with_user(self.manager).action_hand_over()
                self._tour('/my', f'closure_receiver_package_{lang}', login=login)
                self.assertEqual(transfer.state, 'handed_over')

    # ------------------------------------------------------------------
    # closure rep: an A-tier case in the back office
    # ------------------------------------------------------------------
    def test_rep_works_an_a_tier_case(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                login = f'rep_tour_{lang.lower()}'
                rep = new_test_user(self.env, login=login, groups='closure_crm.group_closure_user', lang=lang,
                                    name=f'Rep Tour {lang}', email=f'{login}@example.com')
                case = self._create_need_cases(1, prefix=f'Tour Tier A Customer {lang}', industry=self.retail,
                                               state=self.shanghai, user=rep)
                case.closure_tier = 'a'
                self.env['closure.obligation'].create({
                    'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Prepaid card', 'amount': 300.0})

                self._tour('/odoo', f'closure_rep_{lang}', login=login)
                transfer = self._live_transfer(case)
                self.assertRecordValues(transfer, [{'origin': 'suggestion', 'state': 'customer_accepted'}])
                consent = self.env['closure.consent'].search([('lead_id', '=', case.id)])
                self.assertRecordValues(consent, [{
                    'decision': 'accept', 'channel': 'phone', 'receiver_id': transfer.receiver_id.id,
                    'user_id': rep.id, 'transfer_id': transfer.id}])
                self.assertEqual(len(consent.data_category_ids), 2)
                self.assertIn('the customer agrees on the phone', consent.note)
                note = case.message_ids.filtered(lambda message: 'Tour call note' in str(message.body))
                self.assertEqual(note.author_id, rep.partner_id, "the call is logged in the rep's name")

    def test_rep_is_warned_of_a_taboo_phrase(self):
        """The rep's reply to an angry customer says "公司已经倒闭了": warned
        with the wording to say instead, the rep edits it; only the clean
        reply is sent."""
        for lang in LANGS:
            with self.subTest(lang=lang):
                login = f'rep_taboo_tour_{lang.lower()}'
                rep = new_test_user(self.env, login=login, groups='closure_crm.group_closure_user', lang=lang,
                                    name=f'Rep Taboo Tour {lang}', email=f'{login}@example.com')
                case = self._create_need_cases(1, prefix=f'Tour Angry Customer {lang}', industry=self.retail,
                                               state=self.shanghai, user=rep)
                case.message_post(body="This is unacceptable, I paid for the whole year!",
                                  author_id=case.partner_id.id, message_type='comment',
                                  subtype_xmlid='mail.mt_comment')

                self._tour('/odoo', f'closure_rep_taboo_{lang}', login=login)
                replies = case.message_ids.filtered(lambda message, rep=rep: message.author_id == rep.partner_id)
                self.assertEqual(len(replies), 1, "only the edited reply was sent")
                self.assertIn('已为您安排替代方案', str(replies.body))
                self.assertNotIn('倒闭', str(replies.body))
                self.assertEqual(replies.closure_taboo_check, 'clean')

    # ------------------------------------------------------------------
    # closure manager: from a new plan to a sent wave and a register
    # ------------------------------------------------------------------
    def _manager_company(self, lang):
        """A company of its own per run: only the tour's customers are in the plan."""
        company = self.env['res.company'].create({'name': f'Tour Closure Co {lang}'})
        team = self.env['crm.team'].create({'name': f'Tour Sales {lang}', 'company_id': company.id})
        # ranked by revenue: above the 70% cut-off A, above 90% B, the rest C
        for name, amount, email in (('Big', 700000, True), ('Mid 1', 100000, True), ('Mid 2', 100000, False),
                                    ('Small 1', 50000, True), ('Small 2', 50000, True)):
            partner = self.env['res.partner'].create({
                'name': f'Tour {lang} {name}', 'is_company': True,
                'email': f'tour.{name.lower().replace(" ", "")}.{lang.lower()}@example.com' if email else False})
            self.env['crm.lead'].create({
                'name': f'Deal {partner.name}', 'type': 'opportunity', 'partner_id': partner.id,
                'company_id': company.id, 'team_id': team.id, 'stage_id': self.won_stage.id,
                'expected_revenue': amount, 'probability': 100, 'date_closed': '2026-03-01 12:00:00'})
        return company

    def test_manager_runs_a_plan(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                company = self._manager_company(lang)
                login = f'manager_tour_{lang.lower()}'
                new_test_user(self.env, login=login, groups='closure_crm.group_closure_manager', lang=lang,
                              name=f'Manager Tour {lang}', email=f'{login}@example.com',
                              company_id=company.id, company_ids=company.ids)

                self._tour('/odoo', f'closure_manager_{lang}', login=login)
                plan = self.env['closure.plan'].search([('name', '=', f'Tour Plan {lang}')])
                self.assertRecordValues(plan, [{
                    'state': 'in_progress', 'company_id': company.id,
                    'decision_date': fields.Date.today(),
                    'liquidation_formed_date': fields.Date.today() + timedelta(days=15)}])
                cases = self.env['crm.lead'].search([('closure_plan_id', '=', plan.id)])
                tiers = {case.partner_id.name.split(f'Tour {lang} ')[1]: case.closure_tier for case in cases}
                self.assertEqual(tiers, {'Big': 'a', 'Mid 1': 'b', 'Mid 2': 'b', 'Small 1': 'c', 'Small 2': 'c'})
                for case in cases:
                    self.assertTrue(self._live_transfer(case) or case.closure_transfer_issue,
                                    "the bulk assignment proposed a receiver or said why not")
                wave = plan.notice_wave_ids
                self.assertRecordValues(wave, [{'tier': 'b', 'state': 'done', 'queued_count': 1, 'invalid_count': 1}])
                self.assertTrue(plan.message_ids.filtered(lambda message: 'exported by' in str(message.body)
                                                          or '导出' in str(message.body)),
                                "the claims register was downloaded")

    # ------------------------------------------------------------------
    # admin: a notice template in Odoo's editor, a taboo phrase
    # ------------------------------------------------------------------
    def test_admin_edits_a_notice_and_adds_a_taboo_phrase(self):
        template = self.env.ref('closure_crm.mail_template_notice_a_b2b')
        # the preview renders the first case found: one of this plan
        self._create_need_cases(1, prefix='Preview Customer', industry=self.retail, priority='3')
        for lang in LANGS:
            with self.subTest(lang=lang):
                login = f'admin_tour_{lang.lower()}'
                new_test_user(self.env, login=login, lang=lang, name=f'Admin Tour {lang}',
                              groups='base.group_system,closure_crm.group_closure_manager',
                              email=f'{login}@example.com')

                self._tour('/odoo', f'closure_admin_{lang}', login=login)
                self.assertIn(f'Tour admin {lang}', template.with_context(lang=lang).body_html)
                self.assertTrue(self.env['closure.phrase'].search([
                    ('kind', '=', 'taboo'), ('lang', '=', lang[:2]), ('name', '=like', f'tour taboo {lang}%')]))
        self.assertNotIn('Tour admin zh_CN', template.with_context(lang='en_US').body_html,
                         "editing in Chinese changes the Chinese text only")
