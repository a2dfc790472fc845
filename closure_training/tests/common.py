from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.closure_crm.tests.common import ClosureCommon


class TrainingCommon(ClosureCommon):
    """ClosureCommon plus the shipped training content and helpers to enrol,
    certify and complete courses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.certification = cls.env.ref('closure_training.survey_closure_communication')
        cls.trainer_certification = cls.env.ref('closure_training.survey_trainer_certification')
        cls.track_frontline = cls.env.ref('closure_training.track_frontline')
        cls.track_manager = cls.env.ref('closure_training.track_manager')
        cls.track_departing = cls.env.ref('closure_training.track_departing')
        cls.layer_tracks = {
            layer: cls.env.ref(f'closure_training.track_layer_{layer}') for layer in ('core', 'workshop', 'micro')}

    @classmethod
    def _create_staff(cls, count, prefix='staff', lang='en_US', groups='closure_crm.group_closure_user'):
        return cls.env['res.users'].concat(*[
            new_test_user(cls.env, login=f'{prefix}_{index}', name=f'{prefix.title()} {index}',
                          groups=groups, email=f'{prefix}{index}@example.com', lang=lang)
            for index in range(count)])

    @classmethod
    def _add_to_team(cls, users, plan=None):
        plan = plan or cls.plan
        return cls.env['crm.team.member'].create([
            {'crm_team_id': plan.team_id.id, 'user_id': user.id} for user in users])

    @classmethod
    def _certify(cls, users, survey=None, passed=True):
        """A finished certification attempt for each user: all answers right
        (or all wrong when ``passed`` is False)."""
        survey = survey or cls.certification
        questions = survey.question_ids
        return cls.env['survey.user_input'].create([{
            'survey_id': survey.id,
            'partner_id': user.partner_id.id,
            'state': 'done',
            'user_input_line_ids': [(0, 0, {
                'question_id': question.id,
                'answer_type': 'suggestion',
                'suggested_answer_id': question.suggested_answer_ids.filtered(
                    lambda a: a.is_correct == passed)[:1].id,
            }) for question in questions],
        } for user in users])

    @classmethod
    def _attend(cls, users, slide, plan=None, trainer=None):
        """A session delivering ``slide`` in ``plan``, with ``users`` invited
        and recorded as attended by the trainer (the plan's manager)."""
        plan = plan or cls.plan
        session = cls.env['closure.training.session'].create({
            'name': f'Session: {slide.name}', 'plan_id': plan.id, 'slide_id': slide.id,
            'session_type': slide.closure_session_type, 'trainer_id': (trainer or cls.manager).id,
            'date_start': fields.Datetime.now()})
        session.action_invite()
        attendances = session.attendance_ids.filtered(lambda a: a.user_id in users)
        attendances.with_user(session.trainer_id).action_mark_attended()
        return session

    @classmethod
    def _complete_course(cls, user, course, quiz_attempts=1):
        """Mark every published content of ``course`` done for ``user``; the
        lessons completed by attending a session are attended."""
        slides = course.slide_ids.filtered(lambda s: s.is_published and not s.is_category)
        for slide in slides.filtered('closure_session_type'):
            cls._attend(user, slide)
        slides = slides.filtered(lambda s: not s.closure_session_type)
        return cls.env['slide.slide.partner'].create([{
            'slide_id': slide.id,
            'channel_id': course.id,
            'partner_id': user.partner_id.id,
            'quiz_attempts_count': quiz_attempts if slide.question_ids else 0,
            'completed': True,
        } for slide in slides])

    def _participant(self, user, plan=None):
        plan = plan or self.plan
        return self.env['closure.training.participant'].search(
            [('plan_id', '=', plan.id), ('user_id', '=', user.id)])

    def _memberships(self, user):
        return self.env['slide.channel.partner'].search([('partner_id', '=', user.partner_id.id)])
