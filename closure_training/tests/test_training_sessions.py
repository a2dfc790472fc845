from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingSessions(TrainingCommon):
    """Role-play workshops and live Q&A sessions: scheduled in the calendar,
    attendance recorded by the trainer, and only attending completes the
    workshop layer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trainer = cls._create_staff(1, prefix='trainer')
        cls._add_to_team(cls.rep_1 | cls.rep_2 | cls.trainer)
        cls.env['closure.training.participant'].search(
            [('plan_id', '=', cls.plan.id), ('user_id', 'in', (cls.rep_1 | cls.rep_2).ids)]).layer = 'workshop'
        cls.course = cls.env.ref('closure_training.course_workshop')
        cls.roleplay = cls.env.ref('closure_training.slide_workshop_roleplay')
        cls.session = cls.env['closure.training.session'].create({
            'name': 'Role-play: the angry annual member', 'plan_id': cls.plan.id, 'slide_id': cls.roleplay.id,
            'session_type': 'workshop', 'trainer_id': cls.trainer.id,
            'date_start': fields.Datetime.now(), 'duration': 1.5, 'location': 'Room 3'})
        cls.session.with_user(cls.trainer).action_invite()

    def _read_the_rest(self, user):
        """Every other lesson of the workshop course done, as a reader would."""
        others = self.course.slide_ids.filtered(lambda s: s.is_published and not s.closure_session_type)
        self.env['slide.slide.partner'].create([{
            'slide_id': slide.id, 'channel_id': self.course.id, 'partner_id': user.partner_id.id,
            'quiz_attempts_count': 1 if slide.question_ids else 0, 'completed': True} for slide in others])

    def _course_done(self, user):
        return self.env['slide.channel.partner'].search(
            [('channel_id', '=', self.course.id), ('partner_id', '=', user.partner_id.id)]).member_status == 'completed'

    def test_session_is_in_the_calendar_with_the_workshop_layer_invited(self):
        attendances = self.session.attendance_ids
        self.assertEqual(attendances.user_id, self.rep_1 | self.rep_2,
                         "the workshop layer is invited, not the trainer's own layer")
        self.assertEqual(set(attendances.mapped('state')), {'invited'})
        event = self.session.event_id
        self.assertTrue(event)
        self.assertEqual(event.partner_ids, (self.trainer | self.rep_1 | self.rep_2).partner_id)
        self.assertEqual(event.start, self.session.date_start)
        self.assertEqual(event.duration, 1.5)
        self.session.date_start = fields.Datetime.add(self.session.date_start, days=1)
        self.assertEqual(event.start, self.session.date_start, "the event follows the session")

    def test_reading_alone_does_not_complete_the_workshop_layer(self):
        self._read_the_rest(self.rep_1)
        self.assertFalse(self._course_done(self.rep_1))
        self.assertFalse(self.roleplay.with_user(self.rep_1).can_self_mark_completed)
        with self.assertRaises(UserError):
            self.roleplay.with_user(self.rep_1).action_mark_completed()
        # not even through the progress records themselves, whoever writes them
        with self.assertRaisesRegex(UserError, 'attending'):
            self.env['slide.slide.partner'].sudo().create({
                'slide_id': self.roleplay.id, 'channel_id': self.course.id,
                'partner_id': self.rep_1.partner_id.id, 'completed': True})
        self.assertFalse(self._course_done(self.rep_1))

    def test_attending_completes_the_lesson_and_the_layer(self):
        self._read_the_rest(self.rep_1)
        self._read_the_rest(self.rep_2)
        participant_1 = self._participant(self.rep_1)
        done_before = participant_1.completed_course_count
        attendance_1 = self.session.attendance_ids.filtered(lambda a: a.user_id == self.rep_1)
        attendance_2 = self.session.attendance_ids.filtered(lambda a: a.user_id == self.rep_2)
        attendance_1.with_user(self.trainer).action_mark_attended()
        attendance_2.with_user(self.trainer).action_mark_absent()
        self.assertEqual((attendance_1.state, attendance_1.recorded_by_id), ('attended', self.trainer))
        self.assertTrue(self._course_done(self.rep_1), "attending completes the workshop course")
        self.assertFalse(self._course_done(self.rep_2))
        self.assertEqual(self.session.attended_count, 1)
        participant_1.invalidate_recordset()
        self.assertEqual(participant_1.completed_course_count, done_before + 1)
        # corrected: rep 1 was not there after all
        attendance_1.with_user(self.trainer).action_mark_absent()
        self.assertFalse(self._course_done(self.rep_1))

    def test_only_the_trainer_or_a_manager_records_attendance(self):
        attendance = self.session.attendance_ids.filtered(lambda a: a.user_id == self.rep_1)
        with self.assertRefused(attendance, AccessError, regex='not the trainer'):
            attendance.with_user(self.rep_1).action_mark_attended()
        with self.assertRefused(attendance, AccessError):
            attendance.with_user(self.rep_1).write({'state': 'attended'})
        with self.assertRefused(attendance, AccessError):
            attendance.with_user(self.trainer).write({'state': 'attended'})
        attendance.with_user(self.manager).action_mark_attended()
        self.assertEqual(attendance.state, 'attended')

    def test_live_session_for_the_remote_micro_layer(self):
        live = self.env.ref('closure_training.slide_micro_live_qa')
        self._participant(self.rep_2).layer = 'micro'
        session = self.env['closure.training.session'].create({
            'name': 'Live Q&A: week 2', 'plan_id': self.plan.id, 'slide_id': live.id, 'session_type': 'live',
            'trainer_id': self.trainer.id, 'date_start': fields.Datetime.now(), 'duration': 0.75})
        session.action_invite()
        self.assertIn(self.rep_2, session.attendance_ids.user_id)
        self.assertNotIn(self.rep_1, session.attendance_ids.user_id)
        with self.assertRaisesRegex(Exception, 'Lesson Delivered'):
            session.slide_id = self.roleplay
