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
        """The team's stage for a closure step (see crm.stage.closure_stage_code)."""
        self.ensure_one()
        stage = self.env['crm.stage'].search(
            [('team_id', '=', self.id), ('closure_stage_code', '=', code)], limit=1)
        if not stage:
            raise UserError(_(
                "The closure team %(team)s has no stage for the step '%(step)s'. "
                "Add one under Closure > Configuration > Stages.",
                team=self.name,
                step=dict(self.env['crm.stage']._fields['closure_stage_code']._description_selection(self.env))[code]))
        return stage
