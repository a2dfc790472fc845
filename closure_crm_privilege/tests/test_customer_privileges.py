import base64
import io

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon

PRIORITY_TERMS = "First access to the founders' next offer, for 12 months, at the launch price."
ADVISORY_TERMS = "Two meetings a year with the founders about their next venture; no fee either way."


@tagged('post_install', '-at_install')
class TestCustomerPrivileges(NoticeCommon):
    """Priority rights and the advisory circle for high-value customers: the
    plan's manager approves the terms on the plan, a closure manager offers
    them on tier A and B cases, the customer's own opt-in is evidence, and no
    message or notice promises what the plan has not approved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_2 = new_test_user(
            cls.env, login='closure_manager_2', name='Other Manager',
            groups='closure_crm.group_closure_manager', email='manager2@example.com')
        cls.case_a = cls._notice_cases(1, prefix='Key Account', tier='a', is_company=True)
        cls.case_b = cls._notice_cases(1, prefix='Regular', tier='b')
        cls.case_c = cls._notice_cases(1, prefix='Small', tier='c')
        cls.Privilege = cls.env['closure.privilege']

    def _approve(self, kind='priority', terms=PRIORITY_TERMS):
        self.plan.write({f'privilege_{kind}_terms': terms})
        self.plan.with_user(self.manager)._closure_approve_offer(kind)

    def _grant(self, case, kind='priority', user=None):
        return self.Privilege.with_user(user or self.manager_2).create({'lead_id': case.id, 'kind': kind})

    # ------------------------------------------------------------------
    # Approval on the plan
    # ------------------------------------------------------------------
    def test_only_the_plans_manager_approves_written_terms(self):
        self.plan.privilege_priority_terms = PRIORITY_TERMS
        for user in (self.manager_2, self.rep_1):
            with self.assertRefused(self.plan, AccessError, "Only the plan's manager"):
                self.plan.with_user(user).action_closure_approve_priority()
        # nor by writing the approval fields directly (JSON-RPC)
        for user in (self.manager, self.manager_2):
            with self.assertRefused(self.plan, UserError, 'Approve button'):
                self.plan.with_user(user).write({'privilege_priority_approved_by_id': user.id})
        self.plan.privilege_advisory_terms = '  '
        with self.assertRefused(self.plan, UserError, 'Write the Advisory Circle terms down'):
            self.plan.with_user(self.manager).action_closure_approve_advisory()
        self.plan.with_user(self.manager).action_closure_approve_priority()
        self.assertEqual(self.plan.privilege_priority_approved_by_id, self.manager)
        self.assertEqual(self.plan._closure_approved_kinds(), {'priority'})
        # approved terms stay as customers are offered them
        with self.assertRefused(self.plan, UserError, 'withdraw the approval'):
            self.plan.with_user(self.manager).privilege_priority_terms = 'Free products forever.'

    def test_terms_with_a_taboo_phrase_are_not_approved(self):
        self.plan.privilege_priority_terms = 'You get priority in our next product.'
        with self.assertRefused(self.plan, ValidationError, 'taboo phrase'):
            self.plan.with_user(self.manager).action_closure_approve_priority()

    # ------------------------------------------------------------------
    # Granting on a case
    # ------------------------------------------------------------------
    def test_grant_needs_approval_a_manager_and_a_high_value_case(self):
        with self.assertRaisesRegex(ValidationError, 'not approved on the plan'):
            self._grant(self.case_a)
        self._approve()
        with self.assertRaisesRegex(AccessError, 'Only a closure manager'):
            self._grant(self.case_a, user=self.rep_1)
        with self.assertRaisesRegex(ValidationError, 'tier C'):
            self._grant(self.case_c)
        with self.assertRaisesRegex(ValidationError, 'not approved on the plan'):
            self._grant(self.case_b, kind='advisory')
        mine = [('plan_id', '=', self.plan.id)]
        self.assertFalse(self.Privilege.search(mine))
        privilege = self._grant(self.case_a)
        self.assertRecordValues(privilege, [{
            'terms': PRIORITY_TERMS, 'granted_by_id': self.manager_2.id, 'state': 'pending',
            'plan_id': self.plan.id, 'partner_id': self.case_a.partner_id.id}])
        # the terms offered are frozen, whoever tries
        for user in (self.manager_2, self.rep_1):
            with self.assertRefused(privilege, UserError, 'keeps the terms offered'):
                privilege.with_user(user).write({'terms': 'Lifetime discounts.'})
        # the rep sees the privilege of their case, not those of another rep's
        self.assertEqual(self.Privilege.with_user(self.rep_1).search(mine), privilege)
        self.assertFalse(self.Privilege.with_user(self.rep_2).search(mine))

    def test_opt_in_is_recorded_like_a_consent(self):
        self._approve()
        privilege = self._grant(self.case_a)
        Answer = self.env['closure.privilege.answer']
        with self.assertRefused(privilege, ValidationError, 'note of the call'):
            Answer.with_user(self.rep_1).create({'privilege_id': privilege.id, 'channel': 'phone'})
        with self.assertRefused(privilege, ValidationError, 'attach the evidence'):
            Answer.with_user(self.rep_1).create({'privilege_id': privilege.id, 'channel': 'paper'})
        with self.assertRefused(privilege, UserError, "answer page only"):
            Answer.with_user(self.rep_1).create({'privilege_id': privilege.id, 'channel': 'portal'})
        # another rep's case: not theirs to record
        with self.assertRefused(privilege, AccessError):
            Answer.with_user(self.rep_2).create(
                {'privilege_id': privilege.id, 'channel': 'phone', 'note': 'Said yes.'})
        self.assertFalse(privilege.answer_ids)
        answer = Answer.with_user(self.rep_1).create({
            'privilege_id': privilege.id, 'channel': 'phone', 'note': 'Mr Key said yes on the phone.',
            'user_id': self.manager.id})
        self.assertEqual(answer.user_id, self.rep_1, "recorded by the user logged in, whatever the client says")
        self.assertEqual(privilege.state, 'opted_in')
        # no write or delete rights for reps and managers; the model refuses the administrator too
        for user, error in ((self.rep_1, AccessError), (self.manager, AccessError), (self.env.user, UserError)):
            with self.assertRefused(answer, UserError, 'cannot be changed'):
                answer.with_user(user).write({'decision': 'opt_out'})
            with self.assertRefused(answer, error):
                answer.with_user(user).unlink()
        for user, error in ((self.rep_1, AccessError), (self.manager, UserError)):
            with self.assertRefused(privilege, error):
                privilege.with_user(user).unlink()
        # a later answer is a new record: the customer changes their mind
        privilege._record_answer('opt_out', 'email', evidence=base64.b64encode(b'Please remove me.'),
                                 evidence_filename='mail.eml')
        self.assertEqual(privilege.state, 'opted_out')
        self.assertEqual(len(privilege.answer_ids), 2)
        # the promise stood while they were in; now it may be withdrawn
        self.plan.with_user(self.manager).action_closure_withdraw_priority()
        self.assertFalse(self.plan._closure_approved_kinds())

    def test_approval_is_not_withdrawn_once_a_customer_opted_in(self):
        self._approve()
        privilege = self._grant(self.case_a)
        privilege._record_answer('opt_in', 'phone', note='Yes.')
        with self.assertRefused(self.plan, UserError, 'the promise stands'):
            self.plan.with_user(self.manager).action_closure_withdraw_priority()

    # ------------------------------------------------------------------
    # Over-promising
    # ------------------------------------------------------------------
    def test_a_message_promising_an_unapproved_privilege_is_refused(self):
        case = self.case_a.with_user(self.rep_1)
        count = len(self.case_a.message_ids)
        with self.assertRaisesRegex(UserError, 'not approved.*over-promise'):
            case.message_post(body='You will have priority access to our next venture.',
                              message_type='comment', subtype_xmlid='mail.mt_comment')
        with self.assertRaisesRegex(UserError, 'over-promise'):
            case.message_post(body='我们邀请您加入顾问团。', message_type='comment', subtype_xmlid='mail.mt_comment')
        self.assertEqual(len(self.case_a.message_ids), count)
        # an internal note is not sent to the customer
        case.message_post(body='Could we offer priority access?', message_type='comment', subtype_xmlid='mail.mt_note')
        self._approve()
        case.message_post(body='As agreed, you have priority access to our next venture.',
                          message_type='comment', subtype_xmlid='mail.mt_comment')
        with self.assertRaisesRegex(UserError, 'advisory circle'):
            case.message_post(body='Join our advisory circle!', message_type='comment', subtype_xmlid='mail.mt_comment')

    def test_a_wave_promising_an_unapproved_privilege_is_refused(self):
        template = self.env['mail.template'].create({
            'name': 'Closure: generous notice', 'model_id': self.env['ir.model']._get_id('crm.lead'),
            'closure_kind': 'guide', 'subject': 'About your service',
            'body_html': '<p>As a thank-you, you join our advisory circle.</p>'})
        wave = self._new_wave(mail_template_id=template.id, stage_ids=[(6, 0, self.stage_to_notify.ids)])
        with self.assertRaisesRegex(UserError, '"advisory circle".*over-promise'):
            wave.action_send()
        self.assertEqual(wave.state, 'draft')
        self.assertFalse(wave.recipient_ids)
        self._approve('advisory', ADVISORY_TERMS)
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(wave.state, 'done')

    # ------------------------------------------------------------------
    # The notice and the register
    # ------------------------------------------------------------------
    def test_notice_names_the_privileges_offered(self):
        self._approve()
        self._approve('advisory', ADVISORY_TERMS)
        self._grant(self.case_a)
        self._grant(self.case_a, kind='advisory')
        template = self.env.ref('closure_crm.mail_template_notice_a_b2b')
        body = template._generate_template(self.case_a.ids, ['body_html'])[self.case_a.id]['body_html']
        self.assertIn(PRIORITY_TERMS.replace("'", '&#39;'), body)
        self.assertIn(ADVISORY_TERMS, body)
        self.assertIn('only if you say yes', body)
        # in the customer's language
        self.case_a.partner_id.lang = 'zh_CN'
        body = template._generate_template(self.case_a.ids, ['body_html'])[self.case_a.id]['body_html']
        self.assertIn('顾问', body)
        self.assertIn(ADVISORY_TERMS, body)
        # a case without privileges: nothing added
        body = template._generate_template(self.case_b.ids, ['body_html'])[self.case_b.id]['body_html']
        self.assertNotIn('valued customer', body)

    def test_privileges_register(self):
        self._approve()
        self._grant(self.case_a)._record_answer('opt_in', 'phone', note='Yes.')
        self._grant(self.case_b)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1)._closure_export_register('privileges')
        filename, content, count = self.plan.with_user(self.manager)._closure_export_register('privileges')
        self.assertEqual(count, 2)
        self.assertIn('Privileges Register', filename)
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=4, values_only=True))
        by_customer = {row[0]: row for row in rows}
        key = by_customer[self.case_a.partner_id.name]
        self.assertEqual(key[2], 'Priority Rights')
        self.assertEqual(key[6], 'Opted In')
        self.assertEqual(key[8], 'Phone')
        self.assertEqual(by_customer[self.case_b.partner_id.name][6], 'Awaiting Opt-in')

    # ------------------------------------------------------------------
    # Tier A: personal contact by the founder
    # ------------------------------------------------------------------
    def test_tier_a_contact_goes_to_the_signatory_not_the_rep(self):
        self.plan.notice_tier_a_mode = 'activity_mail'
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        activity = self.case_a.activity_ids
        self.assertEqual(activity.user_id, self.manager, "the plan's signatory, not the rep")
        self.assertEqual(activity.activity_type_id, self.env.ref('mail.mail_activity_data_call'))
        self.assertFalse(self.case_b.activity_ids.filtered(lambda a: a.user_id == self.manager))
        # a meeting is booked from the case, hosted by the signatory; the letter follows it
        action = self.case_a.with_user(self.rep_1).action_closure_book_meeting()
        self.assertEqual(action['res_model'], 'calendar.event')
        context = action['context']
        self.assertEqual(context['default_user_id'], self.manager.id)
        self.assertIn(self.manager.partner_id.id, context['default_partner_ids'])
        self.assertIn(self.case_a.partner_id.id, context['default_partner_ids'])
        self.assertEqual(context['default_opportunity_id'], self.case_a.id)
        event = self.env['calendar.event'].with_context(**context).create({
            'start': '2026-07-01 09:00:00', 'stop': '2026-07-01 10:00:00'})
        self.assertEqual(event.opportunity_id, self.case_a)
        self.assertEqual(event.user_id, self.manager)
        mail = self._mails_of(self.case_a)[self.case_a]
        self.assertEqual(mail.state, 'outgoing', "the personal letter is scheduled after the contact")

    def test_opt_in_evidence_file_stays(self):
        self._approve()
        privilege = self._grant(self.case_a)
        privilege._record_answer('opt_in', 'paper', evidence=base64.b64encode(b'signed form'),
                                 evidence_filename='form.pdf')
        attachment = self.env['ir.attachment'].search([
            ('res_model', '=', 'closure.privilege.answer'), ('res_id', '=', privilege.answer_ids.id),
            ('res_field', '=', 'evidence')])
        self.assertEqual(len(attachment), 1)
        for user, error in ((self.manager, AccessError), (self.rep_1, AccessError), (self.env.user, UserError)):
            with self.assertRefused(attachment, error):
                attachment.with_user(user).unlink()
        for user in (self.manager, self.rep_1):
            with self.assertRefused(attachment, UserError, 'evidence'):
                attachment.with_user(user).write({'datas': base64.b64encode(b'forged')})
        with self.assertRaisesRegex(UserError, 'evidence file'), self.env.cr.savepoint():
            self.env['ir.attachment'].with_user(self.rep_1).create({
                'name': 'fake.pdf', 'res_model': 'closure.privilege.answer', 'res_id': privilege.answer_ids.id})

    def test_reply_coach_flags_unapproved_promises(self):
        text = "I understand. As a thank-you you get priority access to our founders' next venture."
        # only this test's plan runs (the demo plan approves both offers)
        self.env['closure.plan'].search([('id', '!=', self.plan.id)]).write({'state': 'cancel'})
        Phrase = self.env['closure.phrase']
        self.assertIn('priority access', Phrase._find_coach_taboo(text).mapped('name'))
        Rule = self.env.get('closure.training.coach.rule')
        if Rule is not None:
            result = Rule._coach_answer(text)
            self.assertIn('priority access', [name for name, _hint in result['taboo']])
            self.assertFalse(result['passed'])
        self._approve()
        self.assertFalse(Phrase._find_coach_taboo(text))
