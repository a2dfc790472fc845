from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingGates(TrainingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_to_team(cls.rep_1 | cls.rep_2)
        cls.plan.write({'training_gate_send_wave': True, 'training_gate_own_tier_a': True})
        customers = cls._create_customers(2)
        cls.case_a, cls.case_c = cls._create_cases(customers, user_id=False)
        # tiering is written by SQL in closure_crm; here we set the result directly
        cls.case_a.closure_tier = 'a'
        cls.case_c.closure_tier = 'c'

    def test_gate_off_lets_everyone_through(self):
        self.plan.training_gate_send_wave = False
        self.assertTrue(self.plan.with_user(self.rep_1)._check_closure_gate('send_wave'))
        self.assertTrue(self.plan._check_closure_gate('confirm_handover', users=self.rep_1))

    def test_missing_certification_blocks_with_a_clear_message(self):
        with self.assertRaises(UserError) as error:
            self.plan.with_user(self.rep_1)._check_closure_gate('send_wave')
        message = str(error.exception)
        self.assertIn('Rep One', message)
        self.assertIn('Closure Communication Certification', message, "the message names the missing certification")
        self.assertIn('send notice waves', message)

    def test_certification_unlocks_the_gate(self):
        self._certify(self.rep_1)
        self.assertTrue(self.plan.with_user(self.rep_1)._check_closure_gate('send_wave'))
        self.assertTrue(self._participant(self.rep_1).is_certified)
        # a failed attempt does not count
        self._certify(self.rep_2, passed=False)
        with self.assertRaisesRegex(UserError, 'Rep Two'):
            self.plan._check_closure_gate('send_wave', users=self.rep_1 | self.rep_2)

    def test_exemption_is_dated_and_logged(self):
        with freeze_time('2026-06-10'):
            exemption = self.env['closure.training.exemption'].with_user(self.manager).create({
                'plan_id': self.plan.id, 'user_id': self.rep_1.id, 'gate': 'send_wave',
                'valid_until': date(2026, 6, 20), 'reason': 'Exam booked for next week',
            })
            self.assertTrue(self.plan.with_user(self.rep_1)._check_closure_gate('send_wave'))
            # an exemption is for one gate only
            with self.assertRaises(UserError):
                self.plan._check_closure_gate('own_tier_a', users=self.rep_1)
            log = self.plan.message_ids.filtered(lambda m: 'Exam booked for next week' in str(m.body))
            self.assertTrue(log, "the grant is logged in the plan's chatter")
            self.assertIn('Closure Manager', str(log.body))
        with freeze_time('2026-06-21'):
            self.assertFalse(exemption.is_valid)
            with self.assertRaisesRegex(UserError, 'Rep One'):
                self.plan.with_user(self.rep_1)._check_closure_gate('send_wave')
        with freeze_time('2026-06-15'):
            exemption.with_user(self.manager).action_revoke()
            with self.assertRaises(UserError):
                self.plan.with_user(self.rep_1)._check_closure_gate('send_wave')

    def test_reps_cannot_grant_exemptions(self):
        from odoo.exceptions import AccessError
        with self.assertRaises(AccessError):
            self.env['closure.training.exemption'].with_user(self.rep_1).create({
                'plan_id': self.plan.id, 'user_id': self.rep_1.id, 'gate': 'send_wave',
                'valid_until': date(2099, 1, 1), 'reason': 'I say so',
            })

    def test_assigning_a_tier_case_to_uncertified_owner_is_refused(self):
        with self.assertRaisesRegex(UserError, 'Rep One .*own a-tier cases.*Closure Communication Certification'):
            self.case_a.with_user(self.manager).write({'user_id': self.rep_1.id})
        self.assertFalse(self.case_a.user_id, "nothing was written")
        # B/C cases are not gated, certified owners are welcome
        self.case_c.with_user(self.manager).write({'user_id': self.rep_1.id})
        self._certify(self.rep_1)
        self.case_a.with_user(self.manager).write({'user_id': self.rep_1.id})
        self.assertEqual(self.case_a.user_id, self.rep_1)

    def test_creating_a_tier_case_for_uncertified_owner_is_refused(self):
        partner = self._create_customers(1, prefix='Big')
        with self.assertRaisesRegex(UserError, 'Rep Two'):
            self._create_cases(partner, user_id=self.rep_2.id, closure_tier='a')

    def test_tiering_reports_blocked_a_tier_owners(self):
        self.plan.training_gate_own_tier_a = False
        self.case_a.user_id = self.rep_2
        self.plan.training_gate_own_tier_a = True
        partner = self.case_a.partner_id
        self._create_won_revenue(partner, 100000)
        self.plan.action_compute_tiers()
        self.assertEqual(self.case_a.closure_tier, 'a')
        self.assertIn('Rep Two', str(self.plan.message_ids[0].body))
