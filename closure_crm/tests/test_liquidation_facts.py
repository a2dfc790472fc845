from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ClosureCommon

EVIDENCE = 'https://www.gsxt.gov.cn/example'


@tagged('post_install', '-at_install')
class TestLiquidationFacts(ClosureCommon):
    """The plan is the record of the liquidation: facts recorded with their
    evidence, and every date, refund and payment follows them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        cls.today = fields.Date.today()
        # decided 20 days ago: the group is planned for 5 days ago
        cls.live = cls.env['closure.plan'].create({
            'name': 'Live Closure', 'decision_date': cls.today - timedelta(days=20), 'user_id': cls.manager.id})

    def _fact(self, plan, fact_type, day, user=None, **values):
        values.setdefault('evidence_url', EVIDENCE)
        if fact_type == 'liquidation_formed':
            values.setdefault('leader_name', 'Li Ming')
            values.setdefault('creditor_contact', 'liquidation@example.com, +86 10 1234 5678')
        if fact_type == 'plan_confirmed':
            values.setdefault('confirmed_by', 'shareholders')
        return self.env['closure.plan.fact'].with_user(user or self.manager).create(
            {'plan_id': plan.id, 'fact_type': fact_type, 'date': day, **values})

    def _case(self, plan, name, amount=300.0, lang='en_US'):
        partner = self.env['res.partner'].create({'name': name, 'email': 'x@example.com', 'lang': lang})
        case = self._create_cases(partner, plan=plan, user_id=self.rep_1.id)
        obligation = self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': amount})
        return case, obligation

    # ------------------------------------------------------------------
    # facts, not plans
    # ------------------------------------------------------------------
    def test_recorded_formation_earlier_than_planned_moves_the_deadlines(self):
        plan = self.live
        planned = plan.liquidation_formed_date
        self.assertEqual(planned, self.today - timedelta(days=5))
        self.assertFalse(plan.liquidation_formed_is_recorded)
        formed = self.today - timedelta(days=12)
        self._fact(plan, 'liquidation_formed', formed, member_names='Li Ming, Wang Fang')
        self.assertTrue(plan.liquidation_formed_is_recorded)
        self.assertEqual(plan.liquidation_formed_date, formed)
        self.assertEqual(plan.creditor_notice_deadline, formed + timedelta(days=10))
        self.assertEqual(plan.announcement_date, formed + timedelta(days=60))
        self.assertEqual(plan.claims_deadline, formed + timedelta(days=105))
        self.assertEqual(plan.liquidation_leader, 'Li Ming')
        self.assertIn('liquidation@example.com', plan.liquidation_contact)
        # the erasure never precedes the claims' settlement
        self.assertGreaterEqual(plan.data_erasure_date, plan.claims_settlement_date)
        # a customer's claim deadline follows too
        case, _obligation = self._case(plan, 'Follower')
        self.assertEqual(case.closure_claim_deadline, plan.claims_deadline)
        # the date that follows a fact is not typed over
        with self.assertRefused(plan, UserError, 'record a correction', fnames=['liquidation_formed_date']):
            plan.with_user(self.manager).liquidation_formed_date = planned
        # the timeline shows it recorded, with who, and the next legal step, in the manager's language
        self.assertIn('Closure Manager', plan.timeline_html)
        self.assertIn('Next legal step', plan.with_context(lang='en_US').timeline_html)
        timeline_zh = plan.with_context(lang='zh_CN').timeline_html
        self.assertIn('清算组已成立（第二百三十二条）', timeline_zh)
        self.assertIn('已登记', timeline_zh)
        self.assertIn('下一个法定步骤', timeline_zh)

    def test_fact_is_evidence_corrected_by_a_new_record(self):
        plan = self.live
        first = self._fact(plan, 'announcement_published', self.today - timedelta(days=3))
        for user in (self.manager, self.rep_1):
            with self.assertRefused(first, UserError):
                first.with_user(user).write({'date': self.today - timedelta(days=4)})
            with self.assertRefused(first, UserError):
                first.with_user(user).unlink()
        # a rep records no fact, and no one records one in the future or without evidence
        with self.assertRaises(AccessError):
            self._fact(plan, 'deregistered', self.today, user=self.rep_1)
        with self.assertRaisesRegex(ValidationError, 'future'), self.env.cr.savepoint():
            self._fact(plan, 'deregistered', self.today + timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, 'evidence'), self.env.cr.savepoint():
            self._fact(plan, 'deregistered', self.today, evidence_url=False)
        self.assertFalse(self.env['closure.plan.fact'].search_count(
            [('plan_id', '=', plan.id), ('fact_type', '=', 'deregistered')]))
        # the recorder is who records, whatever is sent
        correction = self.env['closure.plan.fact'].with_user(self.manager).create({
            'plan_id': plan.id, 'fact_type': 'announcement_published', 'date': self.today - timedelta(days=2),
            'evidence_url': EVIDENCE, 'user_id': self.rep_1.id})
        self.assertEqual(correction.user_id, self.manager)
        self.assertEqual(plan.announcement_date, self.today - timedelta(days=2), "the newest record counts")
        self.assertEqual(correction.supersedes_id, first)
        self.assertEqual((first.is_current, correction.is_current), (False, True))
        self.assertEqual(len(plan.fact_ids), 2, "both records are kept")

    def test_letter_claim_period_runs_from_its_recorded_receipt(self):
        case, _obligation = self._case(self.live, 'Letter Reader')
        case.closure_notified_date = self.today - timedelta(days=6)
        self.assertEqual(case.closure_claim_deadline, self.today + timedelta(days=24))
        with self.assertRaises(UserError):
            case.with_user(self.rep_1).write({'closure_notice_received_date': self.today})
        with self.assertRaisesRegex(UserError, 'evidence'):
            case.with_user(self.rep_1)._closure_record_notice_receipt(self.today - timedelta(days=2))
        case.with_user(self.rep_1)._closure_record_notice_receipt(
            self.today - timedelta(days=2), evidence_url='https://post.example.com/receipt/1')
        self.assertEqual(case.closure_notice_received_date, self.today - timedelta(days=2))
        self.assertEqual(case.closure_claim_deadline, self.today + timedelta(days=28))

    def test_only_managers_generate_cases(self):
        with self.assertRaises(AccessError):
            self.live.with_user(self.rep_1).action_generate_cases()

    # ------------------------------------------------------------------
    # the lawful refund window
    # ------------------------------------------------------------------
    def test_refund_asked_the_day_before_a_recorded_formation(self):
        plan = self.live
        formed = self.today - timedelta(days=3)
        case, obligation = self._case(plan, 'Day Before')
        case_zh, obligation_zh = self._case(plan, 'Qian Yi Tian', lang='zh_CN')
        # a rep records a declaration on the day it comes in, never earlier
        with self.assertRefused(obligation, AccessError):
            obligation.with_user(self.rep_1).write({'claim_declared_date': formed - timedelta(days=1),
                                                    'claim_channel': 'phone'})
        for record, lead in ((obligation, case), (obligation_zh, case_zh)):
            record.with_user(self.manager).write({'claim_declared_date': formed - timedelta(days=1),
                                                  'claim_channel': 'paper'})
            lead.sudo().write({'closure_refund_requested_date': formed - timedelta(days=1)})
        self._fact(plan, 'liquidation_formed', formed)
        # asked while trading, unpaid when the group formed: a declared claim at once
        self.assertEqual(obligation.refund_regime, 'claim')
        self.assertTrue(obligation.refund_converted)
        self.assertEqual(case.closure_refund_regime, 'claim')
        self.assertGreater(case.closure_refund_due_date, plan.claims_deadline)
        self.assertIn('became a creditor', case.with_context(lang='en_US')._closure_refund_why())
        zh = case_zh.with_context(lang='zh_CN')._closure_refund_why()
        self.assertIn('清算组', zh)
        self.assertIn('第二百三十五条', zh)
        # no payment inside the declaration period
        with self.assertRefused(obligation, UserError, 'Art. 235'):
            obligation.with_user(self.manager)._closure_record_refund_payment(300.0, self.today, 'IN-PERIOD')

    def test_trading_refund_due_before_the_planned_formation(self):
        plan = self.env['closure.plan'].create({'name': 'Trading', 'decision_date': self.today})
        case, obligation = self._case(plan, 'Trader')
        # a deposit still owed keeps the case open
        self.env['closure.obligation'].create({
            'lead_id': case.id, 'obligation_type': 'deposit', 'name': 'Key', 'amount': 20})
        obligation.with_user(self.rep_1)._closure_declare_claim('phone')
        self.assertEqual(obligation.refund_regime, 'trading')
        self.assertLess(obligation.refund_due_date, plan.liquidation_formed_date)
        self.assertEqual(obligation.refund_due_date, plan.liquidation_formed_date - timedelta(days=1))
        # back-dated payment refused, even while trading; today's is fine
        with self.assertRefused(obligation, UserError, 'back-dated'):
            obligation.with_user(self.manager)._closure_record_refund_payment(
                300.0, self.today - timedelta(days=1), 'OLD')
        obligation.with_user(self.manager)._closure_record_refund_payment(300.0, self.today, 'NOW')
        self.assertEqual(obligation.state, 'settled')
        # a paid obligation is frozen whole
        with self.assertRefused(obligation, UserError):
            obligation.with_user(self.manager).write({'note': 'changed', 'change_reason': 'why not'})
        with self.assertRefused(obligation, UserError):
            obligation.with_user(self.manager).with_context(closure_change_reason='gone').unlink()
        self.assertTrue(case)

    def test_payment_back_dated_into_the_declaration_period(self):
        plan = self.live
        self._fact(plan, 'liquidation_formed', self.today - timedelta(days=10))
        case, obligation = self._case(plan, 'Back Dater')
        obligation.with_user(self.manager).write({'claim_declared_date': self.today - timedelta(days=15),
                                                  'claim_channel': 'email'})
        for user in (self.manager, self.rep_1):
            with self.assertRefused(obligation, UserError):
                obligation.with_user(user)._closure_record_refund_payment(
                    300.0, self.today - timedelta(days=5), 'BACK')
            with self.assertRefused(case, UserError, fnames=['stage_id', 'closure_refund_due']):
                obligation.with_user(user)._closure_record_refund_payment(
                    300.0, self.today - timedelta(days=5), 'BACK')
            with self.assertRefused(obligation, UserError):
                obligation.with_user(user).write({'refund_paid_amount': 300.0,
                                                  'refund_paid_date': self.today - timedelta(days=11)})

    def test_money_owed_is_a_managers_business(self):
        case, obligation = self._case(self.live, 'Owed')
        with self.assertRefused(obligation, AccessError):
            obligation.with_user(self.rep_1).write({'state': 'waived', 'change_reason': 'customer said so'})
        with self.assertRefused(obligation, AccessError):
            obligation.with_user(self.rep_1).write({'amount': 10.0, 'change_reason': 'typo'})
        with self.assertRefused(obligation, AccessError):
            obligation.with_user(self.rep_1).with_context(closure_change_reason='dup').unlink()
        with self.assertRefused(obligation, UserError, 'reason'):
            obligation.with_user(self.manager).write({'state': 'waived'})
        with self.assertRefused(obligation, UserError, 'reason'):
            obligation.with_user(self.manager).unlink()
        obligation.with_user(self.manager).write({'amount': 250.0, 'change_reason': 'Card balance checked: 250'})
        self.assertEqual((obligation.amount, obligation.change_reason), (250.0, 'Card balance checked: 250'))
        self.assertIn('Card balance checked', case.message_ids[0].body)
        # the waiver button needs the reason first, then keeps it
        _other_case, waived = self._case(self.live, 'Generous', amount=40.0)
        with self.assertRefused(waived, UserError, 'reason'):
            waived.with_user(self.manager).action_waive()
        with self.assertRefused(waived, AccessError):
            waived.with_user(self.rep_1).write({'change_reason': 'Customer waived by phone'})
            waived.with_user(self.rep_1).action_waive()
        waived.with_user(self.manager).write({'change_reason': 'Written waiver of 2026-12-01'})
        waived.with_user(self.manager).action_waive()
        self.assertEqual((waived.state, waived.change_reason), ('waived', 'Written waiver of 2026-12-01'))
        # reps still create obligations and record declarations
        self.env['closure.obligation'].with_user(self.rep_1).create({
            'lead_id': case.id, 'obligation_type': 'deposit', 'name': 'Key', 'amount': 20,
            'claim_declared_date': self.today, 'claim_channel': 'phone'})

    # ------------------------------------------------------------------
    # erasure never precedes what is owed
    # ------------------------------------------------------------------
    def test_erasure_date_before_settlement_is_refused(self):
        plan = self.plan
        self.assertEqual(plan.claims_settlement_date, plan.claims_deadline + timedelta(days=30))
        self.assertGreaterEqual(plan.data_erasure_date, plan.claims_settlement_date, "the defaults respect it")
        for user in (self.manager,):
            with self.assertRefused(plan, ValidationError, 'claims are settled', fnames=['data_erasure_date']):
                plan.with_user(user).data_erasure_date = plan.claims_settlement_date - timedelta(days=1)
        with self.assertRefused(plan, AccessError, fnames=['data_erasure_date']):
            plan.with_user(self.rep_1).data_erasure_date = plan.claims_settlement_date - timedelta(days=1)

    # ------------------------------------------------------------------
    # simplified procedure only without debts
    # ------------------------------------------------------------------
    def test_simplified_plan_with_an_open_balance(self):
        plan = self.env['closure.plan'].create({'name': 'Small', 'decision_date': self.today - timedelta(days=2)})
        for index in range(7):
            self._case(plan, f'Creditor {index}', amount=10.0)
        with self.assertRefused(plan, UserError, r'7 customers are still owed money: Creditor 0, .* and 2 more',
                                fnames=['plan_type', 'state']):
            plan.with_user(self.manager).plan_type = 'simplified'
        # without debts, it starts only on the shareholders' commitment
        quiet = self.env['closure.plan'].create({
            'name': 'Quiet', 'plan_type': 'simplified', 'decision_date': self.today - timedelta(days=2)})
        with self.assertRefused(quiet, UserError, 'commitment', fnames=['state']):
            quiet.with_user(self.manager).action_start()
        self._fact(quiet, 'shareholder_commitment', self.today - timedelta(days=1))
        quiet.with_user(self.manager).action_start()
        self.assertEqual(quiet.state, 'in_progress')
        # export and erasure fall before deregistration
        self.assertLessEqual(quiet.data_export_deadline, quiet.deregistration_date)
        self.assertLessEqual(quiet.data_erasure_date, quiet.deregistration_date)
        with self.assertRefused(quiet, ValidationError, 'deregistration', fnames=['data_erasure_date']):
            quiet.with_user(self.manager).data_erasure_date = quiet.deregistration_date + timedelta(days=1)

    # ------------------------------------------------------------------
    # claims reviewed and paid in order
    # ------------------------------------------------------------------
    def test_claims_paid_pro_rata_when_assets_fall_short(self):
        decision = self.today - timedelta(days=200)
        plan = self.env['closure.plan'].create({'name': 'Short', 'decision_date': decision})
        self._fact(plan, 'liquidation_formed', decision + timedelta(days=10))
        self.assertLess(plan.claims_settlement_date, self.today)
        cases = [self._case(plan, f'Pro Rata {index}', amount=100.0) for index in range(2)]
        for _case, obligation in cases:
            obligation.with_user(self.manager).write({'claim_declared_date': decision + timedelta(days=30),
                                                      'claim_channel': 'email'})
        first = cases[0][1]
        self.assertEqual(first.claim_review_state, 'to_review')
        # an open milestone (not paid, so no claim) keeps the case open after the payment
        self.env['closure.obligation'].create({
            'lead_id': cases[0][0].id, 'obligation_type': 'milestone', 'name': 'Visit', 'amount': 50})
        # payment needs the confirmed liquidation plan and the review
        with self.assertRefused(first, UserError, 'liquidation plan'):
            first.with_user(self.manager)._closure_record_refund_payment(50.0, self.today, 'EARLY')
        self._fact(plan, 'plan_confirmed', self.today - timedelta(days=1), payment_date=self.today)
        with self.assertRefused(first, UserError, 'not confirmed'):
            first.with_user(self.manager)._closure_record_refund_payment(50.0, self.today, 'UNREVIEWED')
        with self.assertRaises(AccessError):
            first.with_user(self.rep_1)._closure_review_claim('confirmed')
        with self.assertRaisesRegex(UserError, 'reason'):
            cases[1][1].with_user(self.manager)._closure_review_claim('disputed')
        for _case, obligation in cases:
            obligation.with_user(self.manager)._closure_review_claim('confirmed')
        self.assertEqual((first.claim_confirmed_amount, first.claim_reviewed_by_id), (100.0, self.manager))
        # 1000 assets: 700 costs, 100 wages, 100 taxes -> 100 left for 200 other debts and 200 of customers
        plan.write({'liquidation_assets': 1000, 'owed_liquidation_costs': 700, 'owed_wages': 100,
                    'owed_taxes': 100, 'owed_other_debts': 200})
        self.assertEqual(plan.customer_claims_confirmed, 200.0)
        self.assertAlmostEqual(plan.claim_pay_ratio, 0.25)
        self.assertEqual(first.claim_payable_amount, 25.0)
        with self.assertRefused(first, UserError, 'at most 25'):
            first.with_user(self.manager)._closure_record_refund_payment(100.0, self.today, 'FULL')
        first.with_user(self.manager)._closure_record_refund_payment(25.0, self.today, 'PRO-RATA')
        self.assertEqual((first.state, first.refund_paid_amount), ('settled', 25.0))
        # bankruptcy stops payments
        plan.is_bankruptcy = True
        second = cases[1][1]
        with self.assertRefused(second, UserError, 'bankruptcy'):
            second.with_user(self.manager)._closure_record_refund_payment(25.0, self.today, 'STOP')

    # ------------------------------------------------------------------
    # the wizards staff use
    # ------------------------------------------------------------------
    def test_review_and_receipt_wizards(self):
        case, obligation = self._case(self.live, 'Wizard Creditor')
        obligation.with_user(self.rep_1).write({'claim_declared_date': self.today, 'claim_channel': 'phone'})
        # a rep cannot review; a manager disputes with a reason
        with self.assertRaises(AccessError):
            self.env['closure.claim.review'].with_user(self.rep_1).create(
                {'obligation_ids': obligation.ids, 'decision': 'rejected', 'reason': 'no'}).action_confirm()
        wizard = self.env['closure.claim.review'].with_user(self.manager).create({
            'obligation_ids': obligation.ids, 'decision': 'disputed', 'reason': 'The receipt shows 200.'})
        wizard.action_confirm()
        self.assertEqual(
            (obligation.claim_review_state, obligation.claim_review_reason, obligation.claim_reviewed_by_id),
            ('disputed', 'The receipt shows 200.', self.manager))
        # the review fields are written by the review only
        with self.assertRefused(obligation, UserError):
            obligation.with_user(self.manager).write({'claim_review_state': 'confirmed',
                                                      'claim_confirmed_amount': 300.0})
        # the letter's receipt, with its evidence file
        case.closure_notified_date = self.today - timedelta(days=4)
        receipt = self.env['closure.notice.receipt'].with_user(self.rep_1).create({
            'lead_id': case.id, 'date': self.today - timedelta(days=1),
            'evidence_file': 'cmVjZWlwdA==', 'evidence_filename': 'receipt.pdf'})
        receipt.action_confirm()
        self.assertEqual(case.closure_notice_received_date, self.today - timedelta(days=1))
        self.assertEqual(case.closure_claim_deadline, self.today + timedelta(days=29))
        self.assertIn('receipt.pdf', case.message_ids[0].attachment_ids.mapped('name'))
        with self.assertRefused(case, UserError, 'already recorded', fnames=['closure_notice_received_date']):
            case.with_user(self.rep_1)._closure_record_notice_receipt(
                self.today, evidence_url='https://post.example.com/2')

    def test_printed_letter_counts_from_its_receipt(self):
        """A letter wave notifies the case on printing, but its 30 days run
        from the recorded receipt (until then, the announcement's 45 days)."""
        plan = self.live
        plan.action_start()
        case, _obligation = self._case(plan, 'Posted Creditor')
        case.partner_id.write({'street': '1 Nanjing Road', 'city': 'Shanghai', 'zip': '200000'})
        case.closure_tier = 'c'
        wave = self.env['closure.notice.wave'].create({'name': 'Letters', 'plan_id': plan.id, 'channel': 'letter'})
        wave.action_send()
        self.assertEqual(wave.recipient_ids.mapped('state'), ['sent'], wave.recipient_ids.failure_reason)
        self.assertEqual(case.closure_notified_date, self.today)
        self.assertEqual(case.closure_claim_deadline, plan.claims_deadline, "not from the printing")
        case._closure_record_notice_receipt(self.today, evidence_url='https://post.example.com/3')
        self.assertEqual(case.closure_claim_deadline, self.today + timedelta(days=plan.claim_notice_days))

    def test_facts_stay_in_their_company(self):
        other = self.env['res.company'].create({'name': 'Other Closing Co'})
        plan = self.env['closure.plan'].create({
            'name': 'Elsewhere', 'decision_date': self.today - timedelta(days=5), 'company_id': other.id})
        # recorded by that company's staff; this company's manager does not see it, nor create one there
        self._fact(plan, 'dissolution_published', self.today - timedelta(days=1), user=self.env.user)
        self.assertFalse(self.env['closure.plan.fact'].with_user(self.manager).search([('plan_id', '=', plan.id)]))
        with self.assertRaises(AccessError):
            self._fact(plan, 'announcement_published', self.today)
