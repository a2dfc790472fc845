from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ClosurePlan(models.Model):
    """Care settings of the plan: the three-day rule (a customer waiting for
    an answer gets a care message and their case an activity)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    care_silence_days = fields.Integer(
        'Care Message After (days)', default=3,
        help="A customer whose answer, complaint or question has had no contact from us for this many days "
             "gets a care message (email, SMS when installed) and their case an activity, once per silence. "
             "0: off.")
    score_senior_user_id = fields.Many2one(
        'res.users', 'Senior Rep', domain="[('share', '=', False)]", check_company=True,
        help="Cases scoring 80 and above (need match x 0.6 + interactions in the last 7 days x 0.4) are handed "
             "to this rep. Empty: the score only orders the work.")

    @api.constrains('care_silence_days')
    def _check_care_silence_days(self):
        for plan in self:
            if plan.care_silence_days < 0:
                raise ValidationError(_(
                    "Care Message After (days) of %(plan)s must be 0 (off) or more (got %(days)s).",
                    plan=plan.name, days=plan.care_silence_days))

    def action_closure_update_scores(self):
        self.check_access('write')
        self.env['crm.lead']._closure_update_scores(self)
        return True
