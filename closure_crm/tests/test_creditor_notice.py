import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from ..models.closure_obligation import TAKE_OVER_KEY
from ..tools.trust import trusted
from .notice_common import NoticeCommon

LIQUIDATION_WORDS = ('liquidation', 'claim', 'creditor', '清算', '债权')


@tagged('post_install', '-at_install')
class TestCreditorNotice(HttpCase, NoticeCommon):
    """Every first notice is a statutory creditor notice (Company Law 2023,
    Arts. 232-235), in the customer's language: the company is in
    liquidation, the liquidation group and how to reach it, how and with what
    to declare, the customer's own deadline; before the liquidation plan is
    confirmed it promises no payment date. A simplified deregistration never
    speaks of a liquidation group or claims. The customer's page says the
    same and takes the declaration."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({'street': '8 Century Avenue', 'city': 'Shanghai', 'zip': '200120'})
        # the page closes after the erasure date: keep it open for these tests
        cls.plan.write({'data_erasure_date': fields.Date.today() + timedelta(days=365)})

    def _notice_body(self, case, tier='c', segment='b2c'):
        template = self.env.ref(f'closure_crm.mail_template_notice_{tier}_{segment}')
        return str(template._render_field('body_html', case.ids, compute_lang=True)[case.id])

    def _page(self, case):
        token = case.sudo().closure_access_token
        response = self.url_open(f'/closure/answer/{case.id}?access_token={token}', timeout=60)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _settlement_dates(self, case, lang):
        """The payment dates a text must not promise before the liquidation plan is confirmed."""
        plan = self.plan
        deadline = max(plan.claims_deadline, case.closure_claim_deadline)
        return [format_date(self.env, deadline + timedelta(days=plan.settlement_days), lang_code=lang)]

    def test_every_first_notice_is_a_creditor_notice(self):
        for lang, expected in (
            ('en_US', ['is in liquidation', 'The liquidation group', '+86 400 800 1234',
                       'On your personal page:', 'By email:', 'closing@example.com', 'By post:', '8 Century Avenue',
                       'your contract or order', 'receipts', 'account statement', 'your own deadline',
                       'write to you with the confirmed amount']),
            ('zh_CN', ['清算', '清算组', '+86 400 800 1234', '通过您的专属页面', '电子邮件', 'closing@example.com',
                       '邮寄', '合同或订单', '收据', '对账单', '申报截止日', '确认的金额']),
        ):
            for tier in ('a', 'b', 'c'):
                for segment in ('b2b', 'b2c'):
                    case = self._notice_cases(1, prefix=f'Creditor {lang} {tier}{segment}', tier=tier, lang=lang,
                                              is_company=segment == 'b2b')
                    self.env['closure.obligation'].create({
                        'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 800})
                    body = self._notice_body(case, tier, segment)
                    for text in expected + [format_date(self.env, case.closure_claim_deadline, lang_code=lang)]:
                        self.assertIn(text, body, f"{lang} {tier} {segment}")
                    for promised in self._settlement_dates(case, lang):
                        self.assertNotIn(promised, body, "no payment date before the liquidation plan is confirmed")
                    self.assertNotIn('is paid on', body)

    def test_letter_carries_the_creditor_notice(self):
        case = self._notice_cases(1, prefix='Posted', tier='c', lang='zh_CN')
        case.partner_id.write({'street': '1 Nanjing Road', 'city': 'Shanghai', 'zip': '200000'})
        wave = self._new_wave(channel='letter')
        with self.mock_mail_gateway():
            wave.action_send()
        letter = wave.recipient_ids
        html = self.env['ir.actions.report']._render_qweb_html(
            'closure_crm.action_report_closure_notice_letter', letter.ids)[0].decode()
        for text in ('清算组', '合同或订单', '邮寄', '8 Century Avenue'):
            self.assertIn(text, html)

    def test_simplified_plan_speaks_of_no_liquidation(self):
        plan = self.env['closure.plan'].create({
            'name': 'Simple Closure', 'plan_type': 'simplified', 'decision_date': fields.Date.today(),
            'user_id': self.manager.id, 'notice_hotline': '+86 400 800 9999'})
        for lang in ('en_US', 'zh_CN'):
            case = self._notice_cases(1, prefix=f'Simple {lang}', tier='c', lang=lang, plan=plan)
            texts = [self._notice_body(case), self._page(case)]
            for text in texts:
                plain = re.sub(r'<[^>]+>', ' ', text.split('id="wrap"')[-1])
                for word in LIQUIDATION_WORDS:
                    self.assertNotIn(word, plain.lower(), f"{lang}: {word}")
            self.assertNotIn('name="claim_amount"', texts[1], "no claim form on a simplified plan's page")

    def test_page_is_a_creditor_notice_without_a_payment_date(self):
        for lang, expected in (('en_US', ['is in liquidation', 'The liquidation group', 'On this page, below.',
                                          'your contract or order', 'your own deadline']),
                               ('zh_CN', ['清算', '清算组', '在本页下方', '合同或订单', '申报截止日'])):
            case = self._notice_cases(1, prefix=f'Page {lang}', tier='c', lang=lang)
            self.env['closure.obligation'].create({
                'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 800})
            case.closure_refund_requested_date = fields.Date.today()
            self.env['closure.obligation'].search([('lead_id', '=', case.id)])._closure_declare_claim('email')
            page = self._page(case)
            for text in expected + [format_date(self.env, case.closure_claim_deadline, lang_code=lang)]:
                self.assertIn(text, page, lang)
            for promised in self._settlement_dates(case, lang):
                self.assertNotIn(promised, page, "no payment date before the liquidation plan is confirmed")

    # ------------------------------------------------------------------
    # Declaring a claim on the page
    # ------------------------------------------------------------------
    def _claim(self, case, files=None, token=None, **form):
        """Post the claim form as the browser does: CSRF token from the page."""
        page = self._page(case)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = {'csrf_token': csrf, 'access_token': token or case.sudo().closure_access_token, **form}
        return self.url_open(f'/closure/answer/{case.id}/claim', data=data, files=files or [], timeout=60)

    def _field_error(self, page, field):
        match = re.search(rf'<div[^>]*id="{field}_error"[^>]*>(.*?)</div>', page, re.S)
        return match and match.group(1).strip()

    def test_claim_declared_through_the_page_with_evidence(self):
        for lang, thanks in (('en_US', 'your claim is recorded'), ('zh_CN', '您的申报已记录')):
            case = self._notice_cases(1, prefix=f'Claimant {lang}', tier='c', lang=lang)
            page = self._page(case)
            self.assertIn('name="claim_amount"', page)
            pdf = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'
            response = self._claim(case, claim_kind='service', claim_amount='1,250.50',
                                   claim_description='Annual maintenance paid in March, never delivered',
                                   files=[('claim_files', ('contract.pdf', pdf, 'application/pdf'))])
            self.assertEqual(response.status_code, 200)
            self.assertIn('declared=1', response.url)
            self.assertIn(thanks, response.text)
            claim = self.env['closure.obligation'].search([('lead_id', '=', case.id)])
            self.assertRecordValues(claim, [{
                'obligation_type': 'contract', 'amount': 1250.5, 'is_paid': True, 'refundable_amount': 1250.5,
                'claim_channel': 'portal', 'claim_declared_date': fields.Date.today(), 'state': 'open'}])
            self.assertIn('never delivered', claim.note)
            evidence = self.env['ir.attachment'].search([('res_model', '=', 'closure.obligation'),
                                                         ('res_id', '=', claim.id)])
            self.assertEqual(evidence.mapped('name'), ['contract.pdf'])
            self.assertEqual(evidence.mimetype, 'application/pdf')
            # the owner reviews it; the customer sees what they declared
            self.assertIn('Review the claim declared on the personal page', case.activity_ids.mapped('summary'))
            self.assertIn('Annual maintenance paid in March', response.text)
            self.assertIn(format_date(self.env, fields.Date.today(), lang_code=lang), response.text)

    def test_bad_claim_refused_next_to_its_field(self):
        case = self._notice_cases(1, prefix='Careless', tier='c')
        cases = [
            ({'claim_kind': 'prepaid', 'claim_amount': '-5', 'claim_description': 'Card'}, [], 'claim_amount',
             'more than 0'),
            ({'claim_kind': 'prepaid', 'claim_amount': '1e12', 'claim_description': 'Card'}, [], 'claim_amount',
             'at most'),
            ({'claim_kind': 'prepaid', 'claim_amount': 'twelve', 'claim_description': 'Card'}, [], 'claim_amount',
             'as a number'),
            ({'claim_kind': 'prepaid', 'claim_amount': 'NaN', 'claim_description': 'Card'}, [], 'claim_amount',
             'as a number'),
            ({'claim_kind': 'gift', 'claim_amount': '10', 'claim_description': 'Card'}, [], 'claim_kind',
             'Choose what we owe you'),
            ({'claim_kind': 'deposit', 'claim_amount': '10', 'claim_description': '  '}, [], 'claim_description',
             'Say what the amount is for'),
            ({'claim_kind': 'deposit', 'claim_amount': '10', 'claim_description': 'Deposit'},
             [('claim_files', ('receipt.pdf', b'MZ\x90\x00 not a pdf', 'application/pdf'))], 'claim_files',
             'is not a PDF, JPEG or PNG'),
        ]
        for form, files, field, message in cases:
            response = self._claim(case, files=files, **form)
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, self._field_error(response.text, field) or '', form)
            # what the customer typed stays in the form
            self.assertIn(f'value="{form["claim_amount"]}"', response.text)
        self.assertFalse(self.env['closure.obligation'].search([('lead_id', '=', case.id)]))
        self.assertFalse(self.env['ir.attachment'].search([('res_model', '=', 'closure.obligation'),
                                                           ('name', '=', 'receipt.pdf')]))
        # in Chinese, next to the field too
        case.partner_id.lang = 'zh_CN'
        response = self._claim(case, claim_kind='prepaid', claim_amount='0', claim_description='卡')
        self.assertIn('金额必须大于 0', self._field_error(response.text, 'claim_amount'))

    def test_claim_refused_without_a_valid_link(self):
        case = self._notice_cases(1, prefix='Stranger', tier='c')
        response = self._claim(case, token='not-the-token', claim_kind='prepaid', claim_amount='10',
                               claim_description='Card')
        self.assertEqual(response.status_code, 404)
        # a closed page (after the erasure date) takes no claim
        page = self._page(case)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.plan.write({'data_erasure_date': fields.Date.today() - timedelta(days=1)})
        response = self.url_open(f'/closure/answer/{case.id}/claim', data={
            'csrf_token': csrf, 'access_token': case.sudo().closure_access_token,
            'claim_kind': 'prepaid', 'claim_amount': '10', 'claim_description': 'Card'}, timeout=60)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.env['closure.obligation'].search([('lead_id', '=', case.id)]))

    def test_claims_are_rate_limited_like_answers(self):
        case = self._notice_cases(1, prefix='Flood', tier='c')
        self.env['ir.config_parameter'].sudo().set_param('closure_crm.answer_max_per_hour', 2)
        for index in range(3):
            response = self._claim(case, claim_kind='other', claim_amount=str(10 + index),
                                   claim_description=f'Claim {index}')
        self.assertIn('many answers from this page', response.text)
        self.assertEqual(len(self.env['closure.obligation'].search([('lead_id', '=', case.id)])), 2)

    def test_taken_over_balance_is_not_offered_as_a_refund(self):
        case = self._notice_cases(1, prefix='Taken', tier='c')
        self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Gym card', 'amount': 500})
        self.assertIn('name="refund"', self._page(case))
        # as a completed transfer whose receiver takes over the balances does (closure.transfer)
        self.env['closure.obligation'].search([('lead_id', '=', case.id)]).with_context(
            **trusted(TAKE_OVER_KEY)).write({'state': 'transferred'})
        page = self._page(case)
        self.assertNotIn('name="refund"', page, "what the receiver took over is not refunded by us")
        self.assertIn('Gym card', page)
        self.assertIn('no refund is due from us for it', page)

    def test_recorded_group_and_confirmed_plan(self):
        """The recorded formation names the group; the confirmed liquidation plan brings the date and amount."""
        case = self._notice_cases(1, prefix='Confirmed', tier='c', lang='zh_CN')
        claim = self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 800})
        claim._closure_declare_claim('email')
        Fact = self.env['closure.plan.fact'].with_user(self.manager)
        formed = fields.Date.to_date('2026-06-10')
        Fact.create({'plan_id': self.plan.id, 'fact_type': 'liquidation_formed', 'date': formed,
                     'evidence_url': 'https://gsxt.example.com/filing/1', 'leader_name': 'Wang Li',
                     'member_names': 'Wang Li, Zhao Min', 'creditor_contact': 'claims@closing.example.com'})
        en_case = self._notice_cases(1, prefix='Formed', tier='b', lang='en_US')
        body = self._notice_body(en_case, 'b', 'b2c')
        for text in ('The liquidation group was formed on', format_date(self.env, formed), 'Its leader is Wang Li',
                     'Wang Li, Zhao Min', 'claims@closing.example.com'):
            self.assertIn(text, body)
        page = self._page(case)
        self.assertIn('Wang Li', page)
        self.assertIn('claims@closing.example.com', page)
        payment = fields.Date.today() + timedelta(days=40)
        self.assertNotIn(format_date(self.env, payment, lang_code='zh_CN'), page)
        Fact.create({'plan_id': self.plan.id, 'fact_type': 'plan_confirmed', 'date': fields.Date.today(),
                     'evidence_url': 'https://example.com/minutes', 'confirmed_by': 'shareholders',
                     'payment_date': payment})
        claim.with_user(self.manager)._closure_review_claim('confirmed', amount=800)
        page = self._page(case)
        self.assertIn(format_date(self.env, payment, lang_code='zh_CN'), page, "confirmed: the date is given")
        self.assertIn('800.00', page)

    def test_bankruptcy_promises_no_payment(self):
        """Once the liquidation group applied to the court (Art. 237), the notice
        and the page say so, in neutral words, and promise no payment."""
        self.plan.is_bankruptcy = True
        for lang, said, unsaid in (
            ('en_US', ['applied to the people', 'Art. 237', 'administrator'],
             ['paid from', 'refunded by', 'confirmed amount of your claim']),
            ('zh_CN', ['人民法院', '第二百三十七条', '管理人'], ['退还', '确认的金额']),
        ):
            case = self._notice_cases(1, prefix=f'Court {lang}', tier='c', lang=lang)
            self.env['closure.obligation'].create({
                'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 300,
            })._closure_declare_claim('email')
            body, page = self._notice_body(case), self._page(case)
            for text in said:
                self.assertIn(text, body)
                self.assertIn(text, page)
            for text in unsaid:
                self.assertNotIn(text, body)
            self.assertFalse(self.env['closure.phrase']._find_taboo(body), "the handbook's words are kept")
        # the refund explanation of a refund asked in the liquidation says the same
        case.closure_refund_requested_date = fields.Date.today()
        self.assertEqual(case.closure_refund_regime, 'claim')
        why = case.with_context(lang='zh_CN')._closure_refund_why()
        self.assertIn('人民法院', why)
        self.assertNotIn('确认的金额', why)
