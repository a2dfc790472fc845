from odoo import api, fields, models

from .closure_training_session import SESSION_TYPES


class SlideSlide(models.Model):
    _inherit = 'slide.slide'

    closure_session_type = fields.Selection(
        SESSION_TYPES, 'Completed by Attending',
        help="This lesson is completed only when the trainer records the person as attending a session "
             "of this type; reading it does not complete it.")

    @api.depends('closure_session_type')
    def _compute_mark_complete_actions(self):
        res = super()._compute_mark_complete_actions()
        for slide in self.filtered('closure_session_type'):
            slide.can_self_mark_completed = False
        return res
