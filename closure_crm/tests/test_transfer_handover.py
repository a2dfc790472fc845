import base64
import json
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestTransferHandover(TransferCommon, MailCase):
    """The transfer from introduction to hand-over: the three-way mail, the
    customer's recorded consent, the receiver's answer, and the data package
    that holds exactly what the customer consented to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = cls._create_receiver(
            'Harbour IT', industries=cls.retail, states=cls.shanghai, services=cls.it_support,
            closure_fee_type='fixed', closure_fee_amount=800.0)
        cls.other_receiver = cls._create_receiver('Second Choice', industries=cls.retail, services=cls.it_support)
        cls.case = cls._create_need_cases(1, prefix='Tea House', industry=cls.retail, state=cls.shanghai,
                                          services=cls.it_support, closure_process_dependencies='Orders run on our POS',
                                          description='<p>Prefers calls in the morning</p>')
        cls.env['closure.obligation'].create({
            'lead_id': cls.case.id, 'obligation_type': 'milestone', 'name': 'POS migration', 'amount': 0})
        cls.transfer = cls.env['closure.transfer'].create({'lead_id': cls.case.id, 'receiver_id': cls.receiver.id})

    def test_introduction_mail_queued_once(self):
        transfer = self.transfer.with_user(self.rep_1)
        with self.mock_mail_gateway():
            transfer.action_introduce()
            transfer.action_introduce()  # pressed twice: still one mail
        self.assertEqual(len(self._new_mails), 2, "the customer's introduction and the receiver's proposal")
        self.assertMailMail(
            self.case.partner_id | self.rep_1.partner_id, 'outgoing',
            fields_values={'model': 'closure.transfer', 'res_id': self.transfer.id},
            content='Harbour IT')
        contact = self.receiver.closure_transfer_contact_id
        mail = self._new_mails.filtered(lambda m: self.case.partner_id in m.recipient_ids)
        receiver_mail = self._new_mails - mail
        self.assertIn('unless you agree', mail.body_html)
        self.assertIn(contact.email, mail.body_html, "the customer is told the receiver's contact (PIPL Art. 22)")
        # the receiver: the pseudonymous profile, not who the customer is (PIPL Art. 23)
        self.assertEqual(receiver_mail.recipient_ids, contact)
        for secret in (self.case.partner_id.name, self.case.partner_id.phone, 'Orders run on our POS',
                       'Prefers calls'):
            self.assertNotIn(secret, receiver_mail.body_html + receiver_mail.subject)
        self.assertIn(self.retail.name, receiver_mail.body_html)
        self.assertIn(self.it_support.name, receiver_mail.body_html)
        self.assertIn(f'/my/closure/transfers/{self.transfer.id}', receiver_mail.body_html)
        self.assertNotIn('access_token', receiver_mail.body_html,
                         "the link gives no access without the receiver's login")
        self.assertEqual(self.transfer.state, 'introduced')
        self.assertTrue(self.transfer.date_introduced)

    def test_introductions_in_batches_by_the_scheduled_job(self):
        cases = self._create_need_cases(3, prefix='Batch', industry=self.retail, state=self.shanghai)
        cases[2].partner_id.email = False
        transfers = self.env['closure.transfer'].create([
            {'lead_id': case.id, 'receiver_id': self.receiver.id} for case in cases])
        with patch('odoo.addons.closure_crm.models.closure_transfer.INTRODUCTION_BATCH', 2), \
                self.mock_mail_gateway():
            transfers.action_introduce()  # three: queued for the scheduled job
            self.assertEqual(transfers.mapped('introduction_pending'), [True] * 3)
            self.assertFalse(self._new_mails)
            Transfer = self.env['closure.transfer']
            mail_queue = self.env.ref('mail.ir_cron_mail_scheduler_action')
            Trigger = self.env['ir.cron.trigger'].sudo()
            queue_triggers = Trigger.search_count([('cron_id', '=', mail_queue.id)])
            Transfer._cron_send_introductions()
            Transfer._cron_send_introductions()
            Transfer._cron_send_introductions()
        self.assertEqual(len(self._new_mails), 4, "per transfer the introduction and the receiver's proposal, "
                                                  "none for the customer without email")
        self.assertGreater(Trigger.search_count([('cron_id', '=', mail_queue.id)]), queue_triggers,
                           "the introductions go out now, not at the hourly run of Odoo's mail queue")
        self.assertEqual(transfers.mapped('state'), ['introduced', 'introduced', 'proposed'])
        self.assertFalse(any(transfers.mapped('introduction_pending')))
        self.assertIn('need an email address', transfers[2].message_ids[0].body)
        with self.assertRaisesRegex(UserError, 'need an email address'):
            transfers[2].action_introduce()

    def test_introduction_in_the_customer_language(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.case.partner_id.lang = 'zh_CN'
        template = self.env.ref('closure_crm.mail_template_transfer_introduction')
        self.assertEqual(template._render_lang(self.transfer.ids)[self.transfer.id], 'zh_CN')

    def test_handover_refused_without_consent(self):
        self.transfer.action_introduce()
        # the receiver cannot accept before the customer
        with self.assertRaisesRegex(UserError, 'once the customer has accepted'):
            self.transfer._receiver_answer(True)
        # even forced into "both accepted", no data goes without a recorded consent
        self.transfer.write({'state': 'receiver_accepted'})
        with self.assertRaisesRegex(UserError, 'without the recorded consent'):
            self.transfer.with_user(self.manager).action_hand_over()
        self.assertFalse(self.transfer.package_attachment_id)
        self.assertEqual(self.transfer.state, 'receiver_accepted')

    def test_consent_then_handover_of_the_consented_data_only(self):
        self.transfer.action_introduce()
        consent = self._consent(self.case, receiver=self.receiver, transfer=self.transfer,
                                categories=self.cat_contact | self.cat_business)
        self.assertEqual(self.transfer.state, 'customer_accepted')
        self.assertEqual(self.transfer.consent_id, consent)
        self.assertEqual(self.case.closure_stage_code, 'transfer_agreed')
        with self.assertRaises(AccessError):
            self.transfer.with_user(self.rep_1).action_receiver_accept()
        self.transfer.with_user(self.manager).action_receiver_accept()  # the receiver said yes on the phone
        self.assertEqual(self.transfer.state, 'receiver_accepted')
        with self.assertRaises(AccessError):
            self.transfer.with_user(self.rep_1).action_hand_over()
        with patch.object(type(self.env['closure.plan']), '_check_closure_gate', autospec=True,
                          return_value=True) as gate:
            self.transfer.with_user(self.manager).action_hand_over()
        gate.assert_called_once()
        self.assertEqual(gate.call_args.args[1], 'confirm_handover')
        self.assertEqual(self.transfer.state, 'handed_over')
        self.assertEqual(self.transfer.package_category_ids, self.cat_contact | self.cat_business)
        package = json.loads(base64.b64decode(self.transfer.package_attachment_id.datas))
        self.assertEqual(package['contact']['email'], self.case.partner_id.email)
        self.assertEqual(package['open_business']['obligations'][0]['name'], 'POS migration')
        self.assertNotIn('notes', package, "notes were not consented to")
        self.assertNotIn('Prefers calls', json.dumps(package))
        self.assertEqual(package['consent']['channel'], 'phone')
        self.transfer.action_complete()
        self.assertEqual(self.transfer.state, 'completed')
        self.assertEqual(self.case.closure_stage_code, 'transferred')
        self.assertEqual(self.receiver.closure_completed_count, 1)
        self.assertEqual(self.transfer.fee_expected, 800.0)

    def test_training_gate_blocks_handover(self):
        self._consent(self.case, receiver=self.receiver, transfer=self.transfer)
        self.transfer._receiver_answer(True)

        def closed_gate(plan, gate, users=None):
            # a test double: the text is asserted, never shown
            # pylint: disable-next=translation-required
            raise UserError("Not certified for %s" % gate)
        with patch.object(type(self.env['closure.plan']), '_check_closure_gate', closed_gate):
            with self.assertRaisesRegex(UserError, 'Not certified for confirm_handover'):
                self.transfer.with_user(self.manager).action_hand_over()
        self.assertFalse(self.transfer.package_attachment_id)

    def test_later_answer_withdraws_consent(self):
        self._consent(self.case, receiver=self.receiver, transfer=self.transfer)
        self.transfer._receiver_answer(True)
        self._consent(self.case, decision='decline')
        self.assertEqual(self.transfer.state, 'customer_declined')
        self.assertTrue(self.case.closure_transfer_declined)
        self.assertEqual(self.transfer.capacity_id.used_count, 0)
        self.assertEqual(self.env['closure.transfer.matcher']._assign(self.plan)['assigned'], 0,
                         "no receiver is proposed to a customer who declined")

    def test_pick_another_receiver(self):
        self.transfer.action_introduce()
        self._consent(self.case, decision='pick_another', receiver=self.other_receiver, transfer=self.transfer,
                      categories=self.cat_contact | self.cat_notes)
        self.assertEqual(self.transfer.state, 'customer_declined')
        chosen = self._live_transfer(self.case)
        self.assertRecordValues(chosen, [{'receiver_id': self.other_receiver.id, 'state': 'customer_accepted',
                                          'origin': 'customer'}])
        self.assertGreater(chosen.score, 0)
        chosen._receiver_answer(True)
        chosen.with_user(self.manager).action_hand_over()
        package = json.loads(chosen.package_attachment_id.raw)
        self.assertIn('Orders run on our POS', package['notes']['process_dependencies'])
        self.assertNotIn('open_business', package)

    def test_consent_is_evidence(self):
        with self.assertRaisesRegex(ValidationError, 'attach the evidence'), self.env.cr.savepoint():
            self.env['closure.consent'].create({
                'lead_id': self.case.id, 'transfer_id': self.transfer.id, 'decision': 'accept',
                'receiver_id': self.receiver.id, 'data_category_ids': self.cat_contact.ids, 'channel': 'paper'})
        with self.assertRaisesRegex(ValidationError, 'which data'), self.env.cr.savepoint():
            self.env['closure.consent'].create({
                'lead_id': self.case.id, 'transfer_id': self.transfer.id, 'decision': 'accept',
                'receiver_id': self.receiver.id, 'channel': 'phone', 'note': 'ok'})
        consent = self.env['closure.consent'].with_user(self.rep_1).create({
            'lead_id': self.case.id, 'transfer_id': self.transfer.id, 'decision': 'accept',
            'receiver_id': self.receiver.id, 'data_category_ids': self.cat_contact.ids, 'channel': 'email',
            'evidence': base64.b64encode(b'From: customer\n\nYes, please hand my contact over.'),
            'evidence_filename': 'answer.eml'})
        self.assertEqual(consent.user_id, self.rep_1)
        with self.assertRaisesRegex(UserError, 'evidence'):
            consent.write({'data_category_ids': [(4, self.cat_notes.id)]})
        with self.assertRaisesRegex(UserError, 'evidence'):
            consent.write({'note': 'Customer also asked for a call.'})
        # who answered, for which plan and company, is part of the evidence:
        # later edits of the case do not rewrite it
        customer = self.case.partner_id
        self.assertEqual((consent.partner_id, consent.plan_id, consent.company_id),
                         (customer, self.case.closure_plan_id, self.case.company_id))
        with self.assertRaisesRegex(UserError, 'evidence'):
            consent.write({'partner_id': self.receiver.id})
        self.case.write({'partner_id': self.env['res.partner'].create({'name': 'Someone Else'}).id,
                         'user_id': self.rep_2.id})
        self.assertEqual(consent.partner_id, customer)

    def test_cancel_and_statistics(self):
        self.transfer.action_cancel()
        self.assertEqual(self.transfer.state, 'cancelled')
        self.assertEqual(self.transfer.capacity_id.used_count, 0)
        report = self.env['closure.transfer.report'].search([('receiver_id', '=', self.receiver.id)])
        self.assertRecordValues(report, [{'plan_id': self.plan.id, 'capacity': 5, 'capacity_used': 0,
                                          'offered_count': 0, 'accepted_count': 0}])
        second = self.env['closure.transfer'].create({'lead_id': self.case.id, 'receiver_id': self.receiver.id})
        self._consent(self.case, receiver=self.receiver, transfer=second)
        second._receiver_answer(True)
        self.env.flush_all()
        self.env.invalidate_all()
        report = self.env['closure.transfer.report'].search([('receiver_id', '=', self.receiver.id)])
        self.assertRecordValues(report, [{'capacity_used': 1, 'offered_count': 1, 'accepted_count': 1,
                                          'fee_expected': 800.0}])

    def test_only_a_manager_cancels_an_agreed_transfer_with_a_reason(self):
        self.transfer.action_introduce()
        self._consent(self.case, receiver=self.receiver, transfer=self.transfer)
        self.transfer._receiver_answer(True)
        self.assertEqual(self.transfer.state, 'receiver_accepted')
        # a rep: neither the button, nor the trusted method, nor a direct write (external API)
        transfer = self.transfer.with_user(self.rep_1)
        with self.assertRefused(self.transfer, AccessError, 'only a closure manager'):
            transfer.action_cancel()
        with self.assertRefused(self.transfer, AccessError, 'only a closure manager'):
            transfer._cancel('Customer changed their mind')
        with self.assertRefused(self.transfer, UserError, 'Status'):
            transfer.write({'state': 'cancelled'})
        with self.assertRefused(self.transfer, AccessError):
            self.env['closure.transfer.cancel'].with_user(self.rep_1).create({
                'transfer_ids': self.transfer.ids, 'reason': 'No reason'}).action_confirm()
        # a manager: through the wizard, with a reason
        action = self.transfer.with_user(self.manager).action_cancel()
        self.assertEqual(action['res_model'], 'closure.transfer.cancel')
        self.assertEqual(self.transfer.state, 'receiver_accepted', "the button alone cancels nothing")
        with self.assertRefused(self.transfer, UserError, 'reason'):
            self.transfer.with_user(self.manager)._cancel('  ')
        wizard = self.env['closure.transfer.cancel'].with_user(self.manager).with_context(
            **action['context']).create({'reason': 'The receiver lost its licence'})
        wizard.action_confirm()
        self.assertRecordValues(self.transfer, [{
            'state': 'cancelled', 'cancel_reason': 'The receiver lost its licence',
            'cancel_user_id': self.manager.id}])
        self.assertIn('The receiver lost its licence', self.transfer.message_ids[0].body)
        # a transfer only proposed or introduced: a rep still cancels it
        second = self.env['closure.transfer'].create({'lead_id': self.case.id, 'receiver_id': self.receiver.id})
        second.with_user(self.rep_1).action_cancel()
        self.assertEqual(second.state, 'cancelled')
