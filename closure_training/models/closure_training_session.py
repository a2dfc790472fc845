from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

SESSION_TYPES = [
    ('workshop', 'Role-play Workshop'),
    ('live', 'Live Q&A Session'),
]


class ClosureTrainingSession(models.Model):
    """A scheduled role-play workshop or remote live Q&A session of a plan's
    training, with its calendar event. The lesson it delivers (a slide whose
    completion needs attendance) is completed for each person the trainer
    records as attended: reading the lesson alone does not complete it."""

    _name = 'closure.training.session'
    _description = 'Training Session'
    _inherit = ['mail.thread']
    _order = 'date_start desc, id desc'
    _check_company_auto = True

    name = fields.Char('Session', required=True, tracking=True)
    session_type = fields.Selection(SESSION_TYPES, 'Type', required=True, default='workshop', tracking=True)
    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, index=True, ondelete='cascade',
                              check_company=True)
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    slide_id = fields.Many2one(
        # as slide.slide.partner: a deleted lesson takes its sessions along
        # (lessons are archived, not deleted, while a plan runs)
        'slide.slide', 'Lesson Delivered', required=True, ondelete='cascade',
        domain="[('closure_session_type', '=', session_type)]",
        help="The lesson completed by attending: the trainer records who attended.")
    course_id = fields.Many2one(related='slide_id.channel_id', store=True)
    trainer_id = fields.Many2one(
        'res.users', required=True, default=lambda self: self.env.user, tracking=True,
        domain="[('share', '=', False)]", help="Records the attendance.")
    date_start = fields.Datetime('Start', required=True, tracking=True)
    duration = fields.Float('Duration (hours)', default=1.5, required=True)
    location = fields.Char('Location or Meeting Link')
    event_id = fields.Many2one('calendar.event', 'Calendar Event', readonly=True, copy=False, ondelete='set null')
    attendance_ids = fields.One2many('closure.training.attendance', 'session_id')
    invited_count = fields.Integer('Invited', compute='_compute_counts')
    attended_count = fields.Integer('Attended', compute='_compute_counts')

    @api.depends('attendance_ids.state')
    def _compute_counts(self):
        counts = {
            (session.id, state): count for session, state, count in self.env['closure.training.attendance']._read_group(
                [('session_id', 'in', self.ids)], ['session_id', 'state'], ['__count'])}
        for session in self:
            session.invited_count = sum(
                counts.get((session.id, state), 0) for state in ('invited', 'attended', 'absent'))
            session.attended_count = counts.get((session.id, 'attended'), 0)

    @api.constrains('slide_id', 'session_type')
    def _check_slide(self):
        for session in self:
            if session.slide_id.closure_session_type != session.session_type:
                raise ValidationError(_(
                    "Lesson Delivered: \"%(slide)s\" is not completed by a %(type)s; choose a lesson marked "
                    "for this type of session.", slide=session.slide_id.name,
                    type=dict(SESSION_TYPES)[session.session_type]))

    @api.constrains('duration')
    def _check_duration(self):
        for session in self:
            if session.duration <= 0:
                raise ValidationError(_("Duration: %(value)s hours is not a duration; give a positive number.",
                                        value=session.duration))

    @api.model_create_multi
    def create(self, vals_list):
        sessions = super().create(vals_list)
        sessions._sync_events()
        return sessions

    def write(self, vals):
        res = super().write(vals)
        if {'name', 'date_start', 'duration', 'location', 'trainer_id'} & set(vals):
            self._sync_events()
        return res

    def action_invite(self):
        """Invite every participant of the plan whose required courses hold
        the session's course (the layer or role that must attend)."""
        Attendance = self.env['closure.training.attendance'].sudo()  # written only through these actions
        for session in self:
            session._check_trainer()
            participants = session.plan_id.training_participant_ids.sudo().filtered(
                lambda p, course=session.course_id: course in p.course_ids)
            new = participants - session.attendance_ids.participant_id
            Attendance.create([{'session_id': session.id, 'participant_id': p.id} for p in new])
            session._sync_events()
        return True

    def _event_values(self):
        self.ensure_one()
        return {
            'name': self.name,
            'start': self.date_start,
            'stop': self.date_start + timedelta(hours=self.duration),
            'user_id': self.trainer_id.id,
            'location': self.location or False,
            'partner_ids': [fields.Command.set((self.trainer_id.partner_id | self.attendance_ids.partner_id).ids)],
            'res_model_id': self.env['ir.model']._get_id(self._name),
            'res_id': self.id,
        }

    def _sync_events(self):
        """The calendar event of each session: created with it, kept in step
        with its time, trainer and invitees."""
        # the trainer (a core-layer rep) schedules for colleagues whose calendars they may not edit
        Event = self.env['calendar.event'].sudo()
        for session in self:
            if session.event_id:
                session.event_id.sudo().write(session._event_values())
            else:
                session.sudo().event_id = Event.create(session._event_values())

    def _check_trainer(self):
        """Only the session's trainer or a closure manager runs the session."""
        user = self.env.user
        for session in self:
            if not self.env.su and user != session.trainer_id \
                    and not user.has_group('closure_crm.group_closure_manager'):
                raise AccessError(_(
                    "%(user)s is not the trainer of \"%(session)s\": only %(trainer)s or a closure manager "
                    "records its attendance.", user=user.name, session=session.name,
                    trainer=session.trainer_id.name))
