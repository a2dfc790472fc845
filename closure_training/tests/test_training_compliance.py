from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.closure_crm.tests.transfer_common import TransferCommon

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingCompliance(TrainingCommon, TransferCommon):
    """Procedure compliance per rep, measured from what happened in the CRM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_to_team(cls.rep_1 | cls.rep_2)
        today = fields.Date.today()
        cls.plan.liquidation_formed_date = today - timedelta(days=30)
        cls.deadline = cls.plan.creditor_notice_deadline
        cls.cases_1 = cls._create_cases(cls._create_customers(3, prefix='Rep One Customer'), user_id=cls.rep_1.id)
        cls.cases_2 = cls._create_cases(cls._create_customers(1, prefix='Rep Two Customer'), user_id=cls.rep_2.id)

    def _notify(self, case, when):
        # constructed history: the notice went out on ``when``
        self.env.cr.execute("UPDATE crm_lead SET closure_notified_date = %s WHERE id = %s", (when, case.id))
        case.invalidate_recordset(['closure_notified_date'])

    def _customer_says(self, case, body, when=None):
        message = case.message_post(body=body, author_id=case.partner_id.id, message_type='comment',
                                    subtype_xmlid='mail.mt_comment')
        if when:
            self.env.cr.execute("UPDATE mail_message SET date = %s WHERE id = %s", (when, message.id))
        return message

    def _rep_says(self, rep, case, body, when=None, confirmed=False):
        # a taboo phrase is sent only on the rep's confirmation ("Send anyway")
        message = case.with_user(rep).with_context(closure_taboo_confirmed=confirmed).message_post(
            body=body, message_type='comment', subtype_xmlid='mail.mt_comment')
        if when:
            self.env.cr.execute("UPDATE mail_message SET date = %s WHERE id = %s", (when, message.id))
        return message

    def _compliance(self, user):
        self.env.flush_all()
        self.env['closure.training.compliance'].invalidate_model()  # a view: read it afresh
        return self.env['closure.training.compliance'].search(
            [('plan_id', '=', self.plan.id), ('user_id', '=', user.id)])

    def test_notices_on_time(self):
        case_1, case_2, case_3 = self.cases_1
        row = self._compliance(self.rep_1)
        self.assertEqual((row.notice_count, row.notice_on_time_count, row.compliance), (3, 0, 0.0),
                         "deadline passed, nothing sent: three late notices")
        self._notify(case_1, self.deadline - timedelta(days=1))
        self._notify(case_2, self.deadline + timedelta(days=3))
        # case_3 never notified and the deadline has passed: late
        self._notify(self.cases_2, self.deadline)
        row = self._compliance(self.rep_1)
        self.assertEqual((row.notice_count, row.notice_on_time_count), (3, 1))
        self.assertAlmostEqual(row.notice_rate, 100.0 / 3, places=2)
        self.assertAlmostEqual(row.compliance, 100.0 / 3, places=2)
        self.assertEqual(row.is_compliant, 0)
        row_2 = self._compliance(self.rep_2)
        self.assertEqual((row_2.notice_count, row_2.notice_on_time_count, row_2.compliance), (1, 1, 100.0))
        self.assertEqual(row_2.is_compliant, 1)
        self.assertEqual(row_2.compliance_target, 92.0, "the handbook's figure is the default target")

    def test_angry_replies_and_taboo_phrases(self):
        case_1, case_2, _case_3 = self.cases_1
        for case in self.cases_1:
            self._notify(case, self.deadline)  # notices on time: 100%
        morning = fields.Datetime.now().replace(hour=8, minute=0)
        angry_1 = self._customer_says(case_1, "This is unacceptable, I want my money back", when=morning)
        self.assertEqual(angry_1.closure_reply_mood, 'angry')
        self._customer_says(case_2, "Unacceptable. Nobody answers.", when=morning - timedelta(days=2))
        # rep one answers the first the same day, the second two days later; one answer holds a taboo phrase
        clean = self._rep_says(self.rep_1, case_1, "I understand; your refund is registered, I call you at 3 pm.",
                               when=morning + timedelta(hours=2))
        with self.assertRaisesRegex(UserError, 'bankrupt'), self.env.cr.savepoint():
            self._rep_says(self.rep_1, case_2, "Sorry, the company is bankrupt.", when=morning)
        taboo = self._rep_says(self.rep_1, case_2, "Sorry, the company is bankrupt.", when=morning, confirmed=True)
        self.assertEqual(clean.closure_taboo_check, 'clean')
        self.assertEqual((taboo.closure_taboo_check, taboo.closure_taboo_terms), ('confirmed', 'bankrupt'))
        note = case_1.with_user(self.rep_1).message_post(body="bankrupt? check", subtype_xmlid='mail.mt_note')
        self.assertFalse(note.closure_taboo_check, "internal notes are not outgoing messages")
        row = self._compliance(self.rep_1)
        self.assertEqual((row.angry_count, row.angry_same_day_count), (2, 1))
        self.assertEqual((row.message_count, row.taboo_count, row.taboo_confirmed_count), (2, 1, 1),
                         "the refused reply is not counted, the one sent on confirmation is")
        self.assertEqual((row.angry_rate, row.clean_rate), (50.0, 50.0))
        self.assertAlmostEqual(row.compliance, (100.0 + 50.0 + 50.0) / 3, places=2,
                               msg="each procedure weighs the same")

    def test_rep_cannot_clear_a_taboo_flag(self):
        taboo = self._rep_says(self.rep_1, self.cases_1[0], "Sorry, we are bankrupt.", confirmed=True)
        self.assertEqual(taboo.closure_taboo_check, 'confirmed')
        with self.assertRefused(taboo, AccessError):
            taboo.with_user(self.rep_1).write({'closure_taboo_check': 'clean', 'closure_taboo_terms': False})

    def test_consent_recorded_before_hand_over(self):
        receiver = self._create_receiver('Harbour IT', industries=self.retail, states=self.shanghai)
        cases = self._create_need_cases(2, prefix='Consenting', industry=self.retail, state=self.shanghai)
        transfers = self.env['closure.transfer']
        for case in cases:
            transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': receiver.id})
            transfer.action_introduce()
            self._consent(case, receiver=receiver, transfer=transfer)
            transfer._receiver_answer(True)
            transfer.with_user(self.manager).action_hand_over()
            transfers |= transfer
        # constructed: the second consent was entered only after its hand-over
        self.env.flush_all()
        self.env.cr.execute("UPDATE closure_consent SET create_date = t.date_handed_over + interval '1 hour' "
                            "FROM closure_transfer t WHERE t.consent_id = closure_consent.id AND t.id = %s",
                            (transfers[1].id,))
        row = self._compliance(self.manager)
        self.assertEqual((row.handover_count, row.handover_consent_count, row.consent_rate), (2, 1, 50.0))

    def test_certification_gate_may_require_compliance(self):
        self._certify(self.rep_1 | self.rep_2)
        self.plan.training_gate_send_wave = True
        self._notify(self.cases_1[0], self.deadline + timedelta(days=5))  # rep one: 1 of 3 on time at best
        self.plan._check_closure_gate('send_wave', users=self.rep_1 | self.rep_2)  # compliance not required yet
        self.plan.training_compliance_gate = True
        with self.assertRaisesRegex(UserError, 'Rep One.*compliance'):
            self.plan._check_closure_gate('send_wave', users=self.rep_1)
        self._notify(self.cases_2, self.deadline)
        self.plan._check_closure_gate('send_wave', users=self.rep_2)  # rep two: every notice on time
        self.plan.training_compliance_target = 0.0
        self.plan._check_closure_gate('send_wave', users=self.rep_1)
        self.env.flush_all()
        report = self.env['closure.training.report'].search(
            [('plan_id', '=', self.plan.id), ('user_id', '=', self.rep_1.id)])
        self.assertEqual(report.compliance_target, 0.0)
        self.assertEqual(report.blocked, 0)
