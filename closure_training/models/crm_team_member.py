from odoo import api, models


class CrmTeamMember(models.Model):
    """Staff added to a closure plan's team are enrolled in its training
    without anyone clicking."""
    _inherit = 'crm.team.member'

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._closure_training_sync()
        return members

    def write(self, vals):
        res = super().write(vals)
        if {'user_id', 'crm_team_id', 'active'} & set(vals):
            self._closure_training_sync()
        return res

    def _closure_training_sync(self):
        plans = self.filtered('active').crm_team_id.sudo().closure_plan_ids  # plans may be outside the editor's rights
        if plans:
            plans._training_sync_team()
