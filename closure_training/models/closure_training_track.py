from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

TRAINING_ROLES = [
    ('frontline', 'Front-line Staff'),
    ('manager', 'Manager'),
    ('departing', 'Departing Staff'),
]
TRAINING_LAYERS = [
    ('core', 'Core (Internal Trainers)'),
    ('workshop', 'Workshop (Scenario Role-play)'),
    ('micro', 'Micro-lessons (15 minutes)'),
]


class ClosureTrainingTrack(models.Model):
    """The courses a role (front-line, managers, departing staff) or a layer of
    the 3-3-3 model (core, workshop, micro-lessons) must finish. A participant
    is enrolled in the courses of their role's tracks and of their layer's tracks."""
    _name = 'closure.training.track'
    _description = 'Training Track'
    _order = 'sequence, id'

    name = fields.Char('Track', required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    track_type = fields.Selection(
        [('role', 'Role Track'), ('layer', 'Layer Track')], string='Applies By',
        required=True, default='role')
    role = fields.Selection(TRAINING_ROLES, )
    layer = fields.Selection(TRAINING_LAYERS, )
    course_ids = fields.Many2many(
        'slide.channel', 'closure_training_track_slide_channel_rel', 'track_id', 'channel_id',
        string='Courses', help="The courses a member of this role or layer must finish.")
    description = fields.Text(translate=True)

    @api.constrains('track_type', 'role', 'layer')
    def _check_role_layer(self):
        for track in self:
            if track.track_type == 'role' and not track.role:
                raise ValidationError(_("Track %(track)s applies by role: set its Role.", track=track.name))
            if track.track_type == 'layer' and not track.layer:
                raise ValidationError(_("Track %(track)s applies by layer: set its Layer.", track=track.name))

    @api.model
    def _courses_by_role_layer(self):
        """{('role', code) | ('layer', code): slide.channel} for the active tracks (one query)."""
        result = {}
        for track in self.search([]):
            key = ('role', track.role) if track.track_type == 'role' else ('layer', track.layer)
            result[key] = result.get(key, self.env['slide.channel']) | track.course_ids
        return result
