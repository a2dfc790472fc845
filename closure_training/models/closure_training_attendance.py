from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ATTENDANCE_STATES = [
    ('invited', 'Invited'),
    ('attended', 'Attended'),
    ('absent', 'Absent'),
]


class ClosureTrainingAttendance(models.Model):
    """One invitee of a training session. Written only by the session's
    trainer (or a closure manager) through the actions: attending completes
    the session's lesson for the person, being marked absent undoes it."""
    _name = 'closure.training.attendance'
    _description = 'Training Session Attendance'
    _order = 'session_id, participant_id'
    _rec_name = 'participant_id'

    session_id = fields.Many2one('closure.training.session', required=True, index=True, ondelete='cascade')
    participant_id = fields.Many2one('closure.training.participant', required=True, index=True,
                                     ondelete='cascade')
    user_id = fields.Many2one(related='participant_id.user_id', store=True, string='Staff Member')
    partner_id = fields.Many2one(related='participant_id.user_id.partner_id', string='Contact')
    slide_id = fields.Many2one(related='session_id.slide_id', store=True, string='Lesson')
    state = fields.Selection(ATTENDANCE_STATES, 'Attendance', required=True, default='invited')
    recorded_by_id = fields.Many2one('res.users', readonly=True)
    recorded_date = fields.Datetime('Recorded On', readonly=True)

    _sql_constraints = [
        ('session_participant_uniq', 'unique(session_id, participant_id)',
         'A person is invited once to a session.'),
    ]

    @api.constrains('session_id', 'participant_id')
    def _check_plan(self):
        for attendance in self:
            if attendance.participant_id.plan_id != attendance.session_id.plan_id:
                raise ValidationError(_(
                    "Participant: %(user)s takes part in the training of \"%(plan)s\", not of this session's "
                    "plan \"%(session_plan)s\".", user=attendance.user_id.name,
                    plan=attendance.participant_id.plan_id.name, session_plan=attendance.session_id.plan_id.name))

    def action_mark_attended(self):
        return self._record('attended')

    def action_mark_absent(self):
        return self._record('absent')

    def _record(self, state):
        """The trainer records attendance; the lesson follows: completed for
        those who attended, not completed for those marked absent."""
        self.session_id._check_trainer()
        # attendance and lesson progress are written by this path only (no write access for anyone)
        self.sudo().write({'state': state, 'recorded_by_id': self.env.user.id,
                           'recorded_date': fields.Datetime.now()})
        self.sudo()._apply_to_lessons()
        return True

    def _apply_to_lessons(self):
        SlidePartner = self.env['slide.slide.partner']
        for slide, attendances in self.grouped('slide_id').items():
            partners = attendances.participant_id.user_id.partner_id
            rows = SlidePartner.search([('slide_id', '=', slide.id), ('partner_id', 'in', partners.ids)])
            attended = attendances.filtered(lambda a: a.state == 'attended').participant_id.user_id.partner_id
            rows.filtered(lambda r, attended=attended: r.partner_id in attended and not r.completed).write(
                {'completed': True})
            undone = rows.filtered(lambda r, attended=attended: r.partner_id not in attended and r.completed)
            undone.write({'completed': False})
            # website_slides keeps a finished course finished; a corrected attendance reopens it
            memberships = self.env['slide.channel.partner'].search([
                ('channel_id', '=', slide.channel_id.id), ('partner_id', 'in', undone.partner_id.ids),
                ('member_status', '=', 'completed')])
            memberships.write({'member_status': 'joined'})
            memberships._recompute_completion()
            SlidePartner.create([{
                'slide_id': slide.id, 'channel_id': slide.channel_id.id, 'partner_id': partner.id, 'completed': True,
            } for partner in attended - rows.partner_id])
