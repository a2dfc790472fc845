from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingReport(TrainingCommon):
    """Dashboard figures on constructed data: three staff, one per layer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({'training_gate_send_wave': True, 'training_gate_own_tier_a': True})
        cls._create_cases(cls._create_customers(2), user_id=cls.rep_1.id)
        cls._add_to_team(cls.rep_1 | cls.rep_2)
        # 3 staff at 30/30/40: manager core, rep 1 (more customers) workshop, rep 2 micro-lessons
        participants = cls.plan.training_participant_ids
        cls.layer_of = {p.user_id: p.layer for p in participants}
        # rep 1 finishes their whole track (quizzes at the second attempt) and is certified
        for course in participants.filtered(lambda p: p.user_id == cls.rep_1).course_ids:
            cls._complete_course(cls.rep_1, course, quiz_attempts=2)
        cls._certify(cls.rep_1 | cls.manager)
        # the manager is certified but finished one course only, at the first attempt
        cls._complete_course(cls.manager, cls.env.ref('closure_training.course_legal'), quiz_attempts=1)
        # practice: rep 1 answered both questions, rep 2 none of one
        today = fields.Date.today()
        scenario = cls.env.ref('closure_training.scenario_refund_not_in_contract')
        Practice = cls.env['closure.training.practice']
        for offset in (1, 2):
            Practice.create({'user_id': cls.rep_1.id, 'plan_id': cls.plan.id, 'scenario_id': scenario.id,
                             'date': today - timedelta(days=offset), 'state': 'answered'})
        Practice.create({'user_id': cls.rep_2.id, 'plan_id': cls.plan.id, 'scenario_id': scenario.id,
                         'date': today - timedelta(days=1)})
        # rep 2 may send waves until next week, but the A-tier gate still stops them
        cls.env['closure.training.exemption'].create({
            'plan_id': cls.plan.id, 'user_id': cls.rep_2.id, 'gate': 'send_wave',
            'valid_until': today + timedelta(days=7), 'reason': 'Exam next week'})
        cls.env.flush_all()

    def _figures(self, groupby):
        Report = self.env['closure.training.report']
        fnames = ['staff_count:sum', 'enrolled:sum', 'completed:sum', 'certified:sum', 'coverage:avg',
                  'certified_rate:avg', 'target_share:avg', 'practice_participation:avg', 'quiz_score:avg',
                  'blocked:sum', 'blocked_gate_count:sum']
        return {
            group[0] if groupby else 'all': dict(
                zip([f.split(':')[0] for f in fnames], group[1 if groupby else 0 :], strict=False)
            )
            for group in Report._read_group([('plan_id', '=', self.plan.id)], [groupby] if groupby else [], fnames)
        }

    def test_layers(self):
        self.assertEqual(self.layer_of, {self.manager: 'core', self.rep_1: 'workshop', self.rep_2: 'micro'})

    def test_figures_per_layer(self):
        figures = self._figures('layer')
        core, workshop, micro = figures['core'], figures['workshop'], figures['micro']
        self.assertEqual((core['staff_count'], core['enrolled'], core['completed'], core['certified']), (1, 1, 0, 1))
        self.assertEqual(core['coverage'], 0)
        self.assertEqual(core['target_share'], 30)
        self.assertEqual(core['quiz_score'], 100)
        self.assertFalse(core['practice_participation'], "no question sent: no participation figure")
        self.assertEqual((workshop['completed'], workshop['certified'], workshop['coverage']), (1, 1, 100))
        self.assertEqual(workshop['practice_participation'], 100)
        self.assertEqual(workshop['quiz_score'], 70, "second attempts earn 7 of 10 karma points")
        self.assertEqual(micro['target_share'], 40)
        self.assertEqual((micro['completed'], micro['certified'], micro['practice_participation']), (0, 0, 0))
        self.assertEqual(
            (micro['blocked'], micro['blocked_gate_count']), (1, 1), "exempted for waves, not for A-tier cases"
        )
        self.assertEqual(core['blocked'] + workshop['blocked'], 0)

    def test_figures_per_plan(self):
        total = self._figures(None)['all']
        self.assertEqual(
            (total['staff_count'], total['enrolled'], total['completed'], total['certified'], total['blocked']),
            (3, 3, 1, 2, 1),
        )
        self.assertAlmostEqual(total['coverage'], 100 / 3, places=2)
        self.assertAlmostEqual(total['certified_rate'], 200 / 3, places=2)

    def test_certification_unblocks_in_the_dashboard(self):
        self._certify(self.rep_2)
        self.env.flush_all()
        self.assertEqual(self._figures(None)['all']['blocked'], 0)
        self.assertEqual(self.plan.training_certified_count, 3)
