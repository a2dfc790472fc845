from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmTeam(models.Model):
    _inherit = 'crm.team'

    closure_plan_ids = fields.One2many('closure.plan', 'team_id', string='Closure Plans')
    is_closure_team = fields.Boolean(
        'Is a Closure Team', readonly=True, copy=False,
        help="Set on the sales team a closure plan works its customer cases in. "
             "Its pipeline shows the closure stages only.")

    def _closure_stage(self, code):
        """The closure pipeline's stage for a closure step (see
        crm.stage.closure_stage_code): one set of stages, shared by every
        closure team, the cases filtered by plan."""
        stage = self.env['crm.stage'].search(
            [('is_closure_stage', '=', True), ('closure_stage_code', '=', code)], limit=1)
        if not stage:
            raise UserError(_(
                "The closure pipeline has no stage for the step '%(step)s'. "
                "Add one under Closure > Configuration > Stages.",
                step=dict(self.env['crm.stage']._fields['closure_stage_code']._description_selection(self.env))[code]))
        return stage
