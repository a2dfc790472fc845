import io
from datetime import date, timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestRefundClaims(HttpCase, ClosureCommon):
    """A refund's due date follows the regime of the day it is asked: before
    the liquidation group is formed, the refund period; from its formation on,
    a declared claim paid on the liquidation plan's payment date, never during
    the declaration period (Company Law 2023, Art. 235). The customer's page,
    the confirmation mail, the owner's to-do and the claims register say the
    date and why; paying it is a manager's recorded step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        cls.today = fields.Date.today()
        # decided today: the liquidation group forms in 15 days, the company still trades
        cls.trading_plan = cls.env['closure.plan'].create({
            'name': 'Trading Closure', 'decision_date': cls.today, 'user_id': cls.manager.id})
        cls.plan.action_start()  # decided 2026-06-01: the liquidation group is formed
        # the customer's page closes after the erasure date: keep it open here
        cls.plan.data_erasure_date = cls.today + timedelta(days=365)

    def _case(self, plan, name, lang='en_US', amount=300.0, obligation_type='prepaid'):
        partner = self.env['res.partner'].create({'name': name, 'email': f'{name.split()[0].lower()}@example.com',
                                                  'lang': lang})
        case = self._create_cases(partner, plan=plan, user_id=self.rep_1.id)
        obligation = self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': obligation_type, 'name': 'Card', 'amount': amount})
        return case, obligation

    def _page(self, case):
        token = case.closure_answer_url.split('access_token=')[1]
        response = self.url_open(f'/closure/answer/{case.id}?access_token={token}')
        self.assertEqual(response.status_code, 200)
        return response.text

    def _confirmation(self, case):
        return case.message_ids.filtered(lambda m: m.subject and ('refund request' in m.subject or '退款' in m.subject))

    # ------------------------------------------------------------------
    # the two regimes, everywhere the date is said
    # ------------------------------------------------------------------
    def test_refund_before_formation_is_paid_within_the_refund_period(self):
        case, obligation = self._case(self.trading_plan, 'Early Bird')
        self.assertIn('Asked today, it is refunded by', self._page(case))
        case._closure_record_answer(refund=True)
        # within 15 days, and before the liquidation group forms (planned in 15 days): the day before
        due = self.today + timedelta(days=14)
        self.assertEqual(self.trading_plan.liquidation_formed_date, self.today + timedelta(days=15))
        self.assertEqual((case.closure_refund_regime, case.closure_refund_due_date), ('trading', due))
        # registered at once, through the personal page, with the same date
        self.assertEqual((obligation.claim_declared_date, obligation.claim_channel), (self.today, 'portal'))
        self.assertEqual((obligation.refund_regime, obligation.refund_due_date), ('trading', due))
        page = self._page(case)
        self.assertIn('You asked before the liquidation group was formed', page)
        self.assertIn('We refund', page)
        mail = self._confirmation(case)
        self.assertEqual(len(mail), 1)
        self.assertIn('We will refund', mail.body)
        self.assertIn('within 15 days of your request', mail.body)
        activity = case.activity_ids.filtered(lambda a: a.summary == 'Refund the unused prepaid balance')
        self.assertEqual(activity.date_deadline, due)
        self.assertIn('Refund', activity.note)
        self.assertIn('within 15 days', activity.note)

    def test_refund_after_formation_is_a_declared_claim(self):
        case, obligation = self._case(self.plan, 'Late Owl')
        self.assertIn('it is a creditor&#39;s claim in the liquidation', self._page(case))
        case._closure_record_answer(refund=True)
        # never before the declaration period ends, nor before the day it was asked
        due = max(self.plan.claims_deadline, case.closure_claim_deadline, self.today) \
            + timedelta(days=self.plan.settlement_days)
        self.assertEqual((case.closure_refund_regime, case.closure_refund_due_date), ('claim', due))
        self.assertEqual((obligation.refund_regime, obligation.refund_due_date), ('claim', due))
        page = self._page(case)
        self.assertIn('Your claim of', page)
        self.assertIn('Company Law 2023, Art. 235', page)
        mail = self._confirmation(case)
        self.assertIn('registered in our claims register', mail.body)
        self.assertIn('Company Law 2023, Art. 235', mail.body)
        self.assertNotIn('We will refund', mail.body)
        activity = case.activity_ids.filtered(lambda a: a.summary == 'Refund the unused prepaid balance')
        self.assertEqual(activity.date_deadline, due)
        self.assertIn('not before', activity.note)
        # the rep's playbook for a rights-focused reply says the same
        case.closure_reply_mood = 'rights'
        self.assertIn('Art. 235', self.env['closure.phrase']._reply_playbook(case))

    def test_texts_in_chinese(self):
        early, _obligation = self._case(self.trading_plan, 'Zao Niao', lang='zh_CN')
        late, _obligation = self._case(self.plan, 'Wan Xiu', lang='zh_CN')
        (early | late).with_context(lang='zh_CN')
        early._closure_record_answer(refund=True)
        late._closure_record_answer(refund=True)
        page = self._page(early)
        self.assertIn('清算组成立之前', page)
        self.assertIn('15 天内', page)
        self.assertIn('清算组成立之前', self._confirmation(early).body)
        page = self._page(late)
        self.assertIn('第二百三十五条', page)
        self.assertIn('债权', page)
        mail = self._confirmation(late).body
        self.assertIn('第二百三十五条', mail)
        self.assertIn('债权登记表', mail)
        for text in (page, mail):
            self.assertNotIn('停业', text)
            self.assertNotIn('倒闭', text)

    # ------------------------------------------------------------------
    # paying a refund
    # ------------------------------------------------------------------
    def test_payment_refused_during_declaration_period_and_for_reps(self):
        case, obligation = self._case(self.plan, 'Patient Creditor')
        case._closure_record_answer(refund=True)
        before = (obligation.state, obligation.refund_paid_date, case.closure_stage_code)
        with self.assertRaisesRegex(UserError, 'Art. 235'):
            obligation.with_user(self.manager)._closure_record_refund_payment(300.0, self.today, 'BANK-1')
        with self.assertRaises(AccessError):
            obligation.with_user(self.rep_1)._closure_record_refund_payment(300.0, self.today, 'BANK-1')
        # writing the payment fields directly runs the same checks
        with self.assertRaises(AccessError):
            obligation.with_user(self.rep_1).write({'refund_paid_amount': 300.0, 'refund_paid_date': self.today})
        with self.assertRaisesRegex(UserError, 'Art. 235'):
            obligation.with_user(self.manager).write({'refund_paid_amount': 300.0, 'refund_paid_date': self.today})
        obligation.invalidate_recordset()
        case.invalidate_recordset()
        self.assertEqual((obligation.state, obligation.refund_paid_date, case.closure_stage_code), before)
        self.assertFalse(obligation.refund_paid_by_id)

    def test_declared_claim_keeps_its_date_and_channel(self):
        """Re-dating a declared claim to before the liquidation group would
        turn it into a refund payable at once: refused, as is claiming the
        personal page's channel from anywhere but the page."""
        case, obligation = self._case(self.plan, 'Steady Creditor')
        case._closure_record_answer(refund=True)
        before = (obligation.claim_declared_date, obligation.claim_channel, obligation.refund_regime,
                  obligation.refund_due_date)
        self.assertEqual(before[1:3], ('portal', 'claim'))
        for user in (self.rep_1, self.manager):
            with self.assertRaisesRegex(UserError, 'declaration is evidence'):
                obligation.with_user(user).write({'claim_declared_date': self.plan.decision_date})
            with self.assertRaisesRegex(UserError, 'declaration is evidence'):
                obligation.with_user(user).write({'claim_channel': 'phone'})
        # a client's context cannot pose as the page: only server code makes the trusted value
        other_case, other = self._case(self.plan, 'Phone Creditor')
        forged = other.with_user(self.rep_1).with_context(closure_claim_from_page='closure-trusted')
        with self.assertRaisesRegex(UserError, 'personal page'):
            forged.write({'claim_declared_date': self.today, 'claim_channel': 'portal'})
        with self.assertRaisesRegex(UserError, 'personal page'):
            self.env['closure.obligation'].with_user(self.rep_1).create({
                'lead_id': other_case.id, 'obligation_type': 'deposit', 'name': 'Forged', 'amount': 10,
                'claim_declared_date': self.today, 'claim_channel': 'portal'})
        obligation.invalidate_recordset()
        other.invalidate_recordset()
        self.assertEqual((obligation.claim_declared_date, obligation.claim_channel, obligation.refund_regime,
                          obligation.refund_due_date), before)
        self.assertEqual((other.claim_declared_date, other.claim_channel), (False, False))
        self.assertEqual(other_case.closure_obligation_ids.mapped('name'), ['Card'])
        # staff declare by the channel it came in by, once
        other.with_user(self.rep_1).write({'claim_declared_date': self.today, 'claim_channel': 'phone'})
        self.assertEqual(other.claim_channel, 'phone')

    def test_payment_settles_obligation_and_case(self):
        case, obligation = self._case(self.trading_plan, 'Paid Back')
        deposit = self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'deposit', 'name': 'Key deposit', 'amount': 50})
        case._closure_record_answer(refund=True)
        with self.assertRaisesRegex(UserError, 'at most'):
            obligation.with_user(self.manager)._closure_record_refund_payment(301.0, self.today, 'BANK-2')
        wizard = self.env['closure.refund.payment'].with_user(self.manager).with_context(
            default_obligation_id=obligation.id).create({'reference': 'BANK-2'})
        self.assertEqual(wizard.amount, 300.0)
        wizard.action_confirm()
        self.assertEqual(obligation.state, 'settled')
        self.assertEqual((obligation.refund_paid_amount, obligation.refund_paid_date, obligation.refund_reference,
                          obligation.refund_paid_by_id), (300.0, self.today, 'BANK-2', self.manager))
        self.assertNotEqual(case.closure_stage_code, 'settled', "the deposit is still owed")
        self.assertIn('Refund paid', case.message_ids[0].body)
        deposit.with_user(self.manager)._closure_record_refund_payment(50.0, self.today, 'BANK-3')
        self.assertEqual(case.closure_stage_code, 'settled')
        self.assertEqual(case.closure_refund_due, 0)
        # a paid refund is evidence: neither paid twice, nor changed, nor deleted
        with self.assertRaises(UserError):
            obligation.with_user(self.manager)._closure_record_refund_payment(1.0, self.today, 'AGAIN')
        with self.assertRaises(UserError):
            obligation.with_user(self.manager).write({'amount': 10})
        with self.assertRaises(UserError):
            obligation.with_user(self.manager).unlink()

    def test_claim_paid_once_the_regime_allows_it(self):
        case, obligation = self._case(self.plan, 'Eventually Paid')
        obligation.write({'claim_declared_date': date(2026, 7, 1), 'claim_channel': 'phone'})
        self.assertEqual(obligation.refund_regime, 'claim')
        due = obligation.refund_due_date
        self.assertEqual(due, self.plan.claims_deadline + timedelta(days=30))
        with self.assertRaisesRegex(UserError, 'Art. 235|back-dated'):
            obligation.with_user(self.manager)._closure_record_refund_payment(
                300.0, due - timedelta(days=1), 'EARLY')
        if due <= self.today:
            # paid on the day it is recorded, on the confirmed liquidation plan, once the claim is confirmed
            self.env['closure.plan.fact'].create({
                'plan_id': self.plan.id, 'fact_type': 'plan_confirmed', 'date': self.today,
                'confirmed_by': 'shareholders', 'evidence_url': 'https://example.com/plan'})
            obligation.with_user(self.manager)._closure_review_claim('confirmed')
            obligation.with_user(self.manager)._closure_record_refund_payment(300.0, self.today, 'ON-TIME')
            self.assertEqual(obligation.state, 'settled')

    def test_refund_document_only_with_invoicing(self):
        selection = dict(self.env['closure.obligation']._selection_refund_document())
        self.assertEqual('account.move' in selection, 'account.move' in self.env)
        self.assertNotIn('account', self.env.ref('base.module_closure_crm').dependencies_id.mapped('name'))

    # ------------------------------------------------------------------
    # prorating
    # ------------------------------------------------------------------
    def test_subscription_prorated_from_its_period(self):
        end = self.trading_plan.service_end_date
        case, membership = self._case(self.trading_plan, 'Gym Member', amount=1200.0, obligation_type='subscription')
        membership.write({'period_start': end - timedelta(days=291), 'period_end': end + timedelta(days=73)})
        self.assertEqual(membership.refundable_amount, 240.0)
        self.assertIn('73/365 days unused', membership.proration_note)
        self.assertIn('= ', membership.proration_note)
        self.assertEqual(case.closure_refund_due, 240.0)
        # a period over before the service ends leaves nothing to refund
        membership.write({'period_start': end - timedelta(days=100), 'period_end': end - timedelta(days=1)})
        self.assertEqual(membership.refundable_amount, 0.0)

    # ------------------------------------------------------------------
    # the claims register
    # ------------------------------------------------------------------
    def test_register_lists_every_creditor_kind(self):
        end = self.plan.service_end_date
        Obligation = self.env['closure.obligation']
        prepaid, _o = self._case(self.plan, 'Kind Prepaid')
        deposit, _o = self._case(self.plan, 'Kind Deposit', obligation_type='deposit', amount=80)
        member, sub = self._case(self.plan, 'Kind Member', obligation_type='subscription', amount=365)
        sub.write({'period_start': end - timedelta(days=264), 'period_end': end + timedelta(days=100)})
        project, milestone = self._case(self.plan, 'Kind Project', obligation_type='milestone', amount=5000)
        milestone.write({'is_paid': True, 'claim_declared_date': date(2026, 7, 2), 'claim_channel': 'email'})
        unpaid, _o = self._case(self.plan, 'Kind Unpaid', obligation_type='milestone', amount=900)
        contract, _o = self._case(self.plan, 'Kind Contract', obligation_type='contract', amount=700)
        _o.is_paid = True
        prepaid._closure_record_answer(refund=True)
        Obligation.flush_model()
        _name, content, _count = self.plan.with_user(self.manager)._closure_export_register('claims')
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [cell.value for cell in sheet[3]]
        rows = {row['Customer']: row for row in (
            dict(zip(header, (cell.value for cell in line), strict=False)) for line in sheet.iter_rows(min_row=4))}
        self.assertNotIn('Kind Unpaid', rows, "not paid: no claim")
        self.assertEqual(rows['Kind Prepaid']['Prepaid Balance'], 300)
        self.assertEqual(rows['Kind Prepaid']['Claim Declared On'].date(), self.today)
        self.assertEqual(rows['Kind Prepaid']['Declared Through'], 'Personal Page')
        self.assertEqual(rows['Kind Prepaid']['Refund Regime'], 'Declared claim (liquidation)')
        self.assertEqual(rows['Kind Prepaid']['Refund Due By'].date(), prepaid.closure_refund_due_date)
        self.assertEqual(rows['Kind Deposit']['Deposits'], 80)
        self.assertEqual(rows['Kind Member']['Subscriptions (Unused Share)'], 100)
        self.assertEqual(rows['Kind Project']['Paid, Not Delivered'], 5000)
        self.assertEqual(rows['Kind Project']['Creditor Kinds'], 'Open Milestone')
        self.assertEqual(rows['Kind Project']['Declared Through'], 'Email')
        self.assertEqual(rows['Kind Project']['Claim Declared On'].date(), date(2026, 7, 2))
        self.assertEqual(rows['Kind Contract']['Total Owed'], 700)
        self.assertIsNone(rows['Kind Contract']['Claim Declared On'])
