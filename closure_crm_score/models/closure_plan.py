from odoo import fields, models


class ClosurePlan(models.Model):
    """Case scores of the plan: the senior rep who takes the cases scoring
    80 and above, and the button that recomputes the scores now."""
    _inherit = 'closure.plan'

    score_senior_user_id = fields.Many2one(
        'res.users', 'Senior Rep', domain="[('share', '=', False)]", check_company=True,
        help="Cases scoring 80 and above (need match x 0.6 + interactions in the last 7 days x 0.4) are handed "
             "to this rep. Empty: the score only orders the work.")

    def action_closure_update_scores(self):
        self.check_access('write')
        self.env['crm.lead']._closure_update_scores(self)
        return True
