from odoo import api, models


class CrmLead(models.Model):
    _inherit = 'crm.lead'

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._closure_training_check_tier_a_owner()
        return leads

    def write(self, vals):
        if vals.get('user_id'):
            # refuse before writing anything
            self._closure_training_check_tier_a_owner(self.env['res.users'].browse(vals['user_id']))
        res = super().write(vals)
        if vals.get('closure_tier') == 'a' or vals.get('closure_plan_id'):
            self._closure_training_check_tier_a_owner()
        return res

    def _closure_training_check_tier_a_owner(self, owner=None):
        """The 'own_tier_a' gate in the server: an A-tier case of a gated plan
        can only be owned by a certified (or exempted) person. ``owner``: the
        owner about to be set, else each case's current owner."""
        # ordinary leads first out: nothing of the closure runs on them
        cases = self.filtered(lambda lead: lead.closure_plan_id and lead.closure_tier == 'a'
                              and (owner or lead.user_id))
        # the gate is a server rule: read the plan and the owners' training as
        # superuser, whoever edits the case (a salesperson without closure rights too)
        for plan, plan_cases in cases.sudo().grouped('closure_plan_id').items():
            if plan.training_gate_own_tier_a:
                plan._check_closure_gate('own_tier_a', users=(owner or plan_cases.user_id).sudo())
