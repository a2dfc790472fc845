from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingEnrolment(TrainingCommon):

    def test_team_member_is_enrolled_from_track_and_layer(self):
        """Adding a rep to the plan's team makes them a participant and enrols
        them in their role track's and their layer's courses, without a click."""
        self._add_to_team(self.rep_1)
        participant = self._participant(self.rep_1)
        self.assertEqual(participant.role, 'frontline')
        self.assertTrue(participant.layer)
        self.assertTrue(participant.enrolled_date)
        expected = self.track_frontline.course_ids | self.layer_tracks[participant.layer].course_ids
        memberships = self._memberships(self.rep_1)
        self.assertEqual(memberships.channel_id, expected)
        self.assertTrue(all(m.member_status == 'joined' for m in memberships))
        self.assertEqual(participant.course_ids, expected)
        self.assertEqual(participant.course_count, len(expected))

    def test_team_leader_and_closure_manager_take_the_manager_track(self):
        # the plan's team was created with the manager as leader
        participant = self._participant(self.manager)
        self.assertEqual(participant.role, 'manager')
        self.assertLessEqual(self.track_manager.course_ids | self.layer_tracks[participant.layer].course_ids,
                             self._memberships(self.manager).channel_id)

    def test_role_change_enrols_in_the_new_track(self):
        self._add_to_team(self.rep_1)
        participant = self._participant(self.rep_1)
        handover = self.env.ref('closure_training.course_handover')
        self.assertNotIn(handover, self._memberships(self.rep_1).channel_id)
        participant.role = 'departing'
        self.assertIn(handover, self._memberships(self.rep_1).channel_id)
        self.assertEqual(participant.layer, 'micro', "departing staff take the micro-lessons")

    def test_new_plan_team_enrols_its_members(self):
        team = self.env['crm.team'].create({'name': 'Closure Desk 2', 'member_ids': [(6, 0, self.rep_2.ids)]})
        self.assertFalse(self._participant(self.rep_2))
        self.plan.team_id = team
        self.assertTrue(self._participant(self.rep_2))
        self.assertIn(self.track_frontline.course_ids[0], self._memberships(self.rep_2).channel_id)

    def test_member_of_a_regular_team_is_not_enrolled(self):
        self.env['crm.team.member'].create({'crm_team_id': self.sales_team.id, 'user_id': self.rep_2.id})
        self.assertFalse(self.env['closure.training.participant'].search([('user_id', '=', self.rep_2.id)]))
        self.assertFalse(self._memberships(self.rep_2))

    def test_closed_plan_enrols_nobody(self):
        self.plan.action_close()
        self._add_to_team(self.rep_1)
        self.assertFalse(self._participant(self.rep_1))


@tagged('post_install', '-at_install')
class TestTrainingLayers(TrainingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # nine reps with customer loads 9, 8, ... 1 plus the plan's manager: ten staff
        cls.staff = cls._create_staff(9)
        customers = cls._create_customers(45)
        index = 0
        for load, user in zip(range(9, 0, -1), cls.staff, strict=False):
            cls._create_cases(customers[index:index + load], user_id=user.id)
            index += load
        cls._add_to_team(cls.staff)

    def _layers(self):
        participants = self.plan.training_participant_ids
        return {layer: participants.filtered(lambda p, layer=layer: p.layer == layer).user_id
                for layer in ('core', 'workshop', 'micro')}

    def test_proposal_follows_shares_role_and_load(self):
        layers = self._layers()
        self.assertEqual([len(layers[k]) for k in ('core', 'workshop', 'micro')], [3, 3, 4])
        # the manager and the two reps with the most customers are the trainers
        self.assertEqual(layers['core'], self.manager | self.staff[0] | self.staff[1])
        self.assertEqual(layers['workshop'], self.staff[2] | self.staff[3] | self.staff[4])
        self.assertEqual(self._participant(self.staff[0]).case_count, 9)

    def test_shares_are_settings(self):
        self.plan.write({'training_core_share': 20, 'training_workshop_share': 30, 'training_micro_share': 50})
        self.plan.action_training_propose_layers()
        layers = self._layers()
        self.assertEqual([len(layers[k]) for k in ('core', 'workshop', 'micro')], [2, 3, 5])
        with self.assertRaisesRegex(ValidationError, 'must add up to 100'):
            self.plan.training_micro_share = 60

    def test_manager_choice_is_kept_and_counts(self):
        low = self._participant(self.staff[8])  # lowest load: proposed micro-lessons
        self.assertEqual(low.layer, 'micro')
        low.layer = 'core'  # the manager knows better
        self.assertTrue(low.is_layer_manual)
        self.plan.action_training_propose_layers()
        layers = self._layers()
        self.assertEqual(low.layer, 'core')
        self.assertEqual([len(layers[k]) for k in ('core', 'workshop', 'micro')], [3, 3, 4])
        self.assertNotIn(self.staff[1], layers['core'], "the manual choice took the third trainer seat")
        self.assertIn(self.env.ref('closure_training.course_trainer'), self._memberships(self.staff[8]).channel_id)
        low.action_reset_layer()
        self.assertEqual(low.layer, 'micro')

    def test_proposal_query_count(self):
        self.env.invalidate_all()
        with self.assertQueryCount(10):  # read participants, users, loads; one UPDATE per layer
            self.plan._training_propose_layers()
