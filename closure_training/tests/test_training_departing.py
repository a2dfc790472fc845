from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingDeparting(TrainingCommon, MailCase):
    """Confirming a staff hand-over in the CRM puts the departing person on the
    departing track of the training at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_to_team(cls.rep_1 | cls.rep_2)
        cls.cases = cls._create_cases(cls._create_customers(2, prefix='Leaving'), user_id=cls.rep_1.id)
        cls.course_handover = cls.env.ref('closure_training.course_handover')

    def _handover(self, **values):
        return self.env['closure.handover'].with_user(self.manager).create({
            'departing_user_id': self.rep_1.id, 'successor_user_id': self.rep_2.id,
            'notify_customers': False, **values})

    def test_confirm_puts_the_departing_person_on_the_departing_track(self):
        participant = self._participant(self.rep_1)
        self.assertEqual(participant.role, 'frontline')
        self.assertNotIn(self.course_handover, self._memberships(self.rep_1).channel_id)
        handover = self._handover()
        handover.action_confirm()
        self.assertEqual(participant.role, 'departing')
        self.assertIn(self.course_handover, self._memberships(self.rep_1).channel_id,
                      "enrolled in the hand-over course at once")
        self.assertEqual(self._participant(self.rep_2).role, 'frontline', "the successor stays where they were")
        self.assertIn(self.plan.name, handover.message_ids[0].body)

    def test_departing_person_outside_the_training_is_added(self):
        """Someone who owns cases but was never in the plan's team joins its
        training on the departing track."""
        outsider = self._create_staff(1, prefix='outsider')
        self._create_cases(self._create_customers(1, prefix='Outsider'), user_id=outsider.id)
        self.assertFalse(self._participant(outsider))
        self._handover(departing_user_id=outsider.id).action_confirm()
        participant = self._participant(outsider)
        self.assertEqual(participant.role, 'departing')
        self.assertIn(self.course_handover, self._memberships(outsider).channel_id)

    def test_refused_hand_over_changes_no_role(self):
        """A hand-over that is refused (nothing to hand over) leaves the training alone."""
        participant = self._participant(self.rep_2)
        handover = self._handover(departing_user_id=self.rep_2.id, successor_user_id=self.rep_1.id)
        with self.assertRefused(participant, UserError, regex='owns no case'):
            handover.action_confirm()
        self.assertEqual(participant.role, 'frontline')

    def test_rep_cannot_confirm_a_hand_over(self):
        handover = self._handover()
        participant = self._participant(self.rep_1)
        with self.assertRefused(participant, AccessError):
            handover.with_user(self.rep_1).action_confirm()
        self.assertEqual(handover.state, 'draft')
        self.assertEqual(participant.role, 'frontline')
