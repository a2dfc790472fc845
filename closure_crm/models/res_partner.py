from odoo import api, fields, models

from .crm_lead import CLOSURE_TIERS


class ResPartner(models.Model):
    _inherit = 'res.partner'

    closure_case_ids = fields.One2many(
        'crm.lead', 'partner_id', string='Closure Cases',
        domain=[('closure_plan_id', '!=', False)])
    closure_tier = fields.Selection(
        CLOSURE_TIERS, 'Closure Tier', compute='_compute_closure_case', store=True, index=True,
        help="The tier of the customer's case in its most recent closure plan.")
    closure_stage_id = fields.Many2one(
        'crm.stage', 'Closure Stage', compute='_compute_closure_case', store=True, index=True)
    closure_case_count = fields.Integer(compute='_compute_closure_case_count')

    @api.depends('closure_case_ids.closure_tier', 'closure_case_ids.stage_id',
                 'closure_case_ids.active')
    def _compute_closure_case(self):
        # stored figure: read every case whatever the user who triggers the
        # recompute may see, so the value does not depend on who edited last
        current = {}
        if self.ids:
            cases = self.env['crm.lead'].sudo().search(
                [('partner_id', 'in', self.ids), ('closure_plan_id', '!=', False)], order='id')
            for case in cases:
                current[case.partner_id.id] = case  # the newest case wins
        for partner in self:
            case = current.get(partner._origin.id or partner.id)
            partner.closure_tier = case.closure_tier if case else False
            partner.closure_stage_id = case.stage_id if case else False

    def _compute_closure_case_count(self):
        counts = dict(self.env['crm.lead']._read_group(
            [('partner_id', 'in', self.ids), ('closure_plan_id', '!=', False)],
            ['partner_id'], ['__count']))
        for partner in self:
            partner.closure_case_count = counts.get(partner, 0)

    def action_view_closure_cases(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('partner_id', '=', self.id)]
        action['context'] = {}
        return action
