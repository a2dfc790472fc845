from odoo import _, api, fields, models
from odoo.tools import SQL

CLOSURE_TIERS = [('a', 'A'), ('b', 'B'), ('c', 'C')]
CLOSURE_SEGMENTS = [('b2b', 'B2B'), ('b2c', 'B2C')]


class CrmLead(models.Model):
    """A closure case: the opportunity of one customer in one closure plan."""
    _inherit = 'crm.lead'

    closure_plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', index='btree_not_null', ondelete='restrict',
        tracking=True, check_company=True)
    closure_stage_code = fields.Selection(
        related='stage_id.closure_stage_code', store=True, string='Closure Step')
    closure_tier = fields.Selection(
        CLOSURE_TIERS, 'Tier', index=True, tracking=True, readonly=True,
        help="A/B/C by the customer's share of revenue in the plan's look-back window. "
             "A: a manager or the founder contacts personally; B: standard process "
             "with a named contact; C: automated notices and the hotline.")
    closure_segment = fields.Selection(
        CLOSURE_SEGMENTS, 'Segment', compute='_compute_closure_segment',
        store=True, readonly=False, tracking=True,
        help="B2B customers get a seamless switch to a receiving partner; B2C customers "
             "batch notices, the hotline and a prorated refund. Defaults from the "
             "customer's type (company or individual).")
    closure_revenue = fields.Monetary(
        'Revenue (Look-back)', currency_field='company_currency', readonly=True,
        help="The customer's revenue in the plan's look-back window, used for tiering.")
    closure_obligation_ids = fields.One2many(
        'closure.obligation', 'lead_id', string='Obligations')
    closure_prepaid_balance = fields.Monetary(
        'Prepaid Balance', currency_field='company_currency',
        compute='_compute_closure_obligations', store=True,
        help="Unused prepaid value and deposits the customer holds.")
    closure_refund_due = fields.Monetary(
        'Refund Due', currency_field='company_currency',
        compute='_compute_closure_obligations', store=True,
        help="Prepaid value and deposits not yet refunded or otherwise settled.")
    closure_open_milestone_count = fields.Integer(
        'Open Milestones', compute='_compute_closure_obligations', store=True)
    closure_has_data = fields.Boolean(
        'Holds Customer Data', compute='_compute_closure_obligations', store=True)
    closure_notified_date = fields.Date('Notified On', tracking=True, copy=False)
    closure_claim_deadline = fields.Date(
        'Claim Deadline', compute='_compute_closure_claim_deadline', store=True,
        help="Notice received + the plan's claim period; without a notice, the plan's "
             "claims deadline (announcement + 45 days).")
    closure_refund_requested_date = fields.Date('Refund Requested On', tracking=True, copy=False)
    closure_refund_due_date = fields.Date(
        'Refund Due By', compute='_compute_closure_refund_due_date', store=True)

    _sql_constraints = [
        ('closure_case_needs_customer',
         'CHECK(closure_plan_id IS NULL OR partner_id IS NOT NULL)',
         'A closure case needs a customer.'),
    ]

    def init(self):
        super().init()
        # one case per customer and plan, archived cases included
        self.env.cr.execute(SQL(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_lead_closure_plan_partner_uniq
                   ON crm_lead (closure_plan_id, partner_id)
                WHERE closure_plan_id IS NOT NULL"""))

    @api.depends('closure_plan_id', 'partner_id.commercial_partner_id.is_company')
    def _compute_closure_segment(self):
        for lead in self:
            if not lead.closure_plan_id:
                lead.closure_segment = False
            else:
                lead.closure_segment = 'b2b' if lead.partner_id.commercial_partner_id.is_company else 'b2c'

    @api.depends('closure_obligation_ids.amount', 'closure_obligation_ids.obligation_type',
                 'closure_obligation_ids.state')
    def _compute_closure_obligations(self):
        for lead in self:
            obligations = lead.closure_obligation_ids
            money = obligations.filtered(lambda o: o.obligation_type in ('prepaid', 'deposit'))
            lead.closure_prepaid_balance = sum(money.mapped('amount'))
            lead.closure_refund_due = sum(money.filtered(lambda o: o.state == 'open').mapped('amount'))
            lead.closure_open_milestone_count = len(obligations.filtered(
                lambda o: o.obligation_type == 'milestone' and o.state == 'open'))
            lead.closure_has_data = any(o.obligation_type == 'data' and o.state == 'open' for o in obligations)

    @api.depends('closure_notified_date', 'closure_plan_id.claim_notice_days',
                 'closure_plan_id.claims_deadline')
    def _compute_closure_claim_deadline(self):
        for lead in self:
            plan = lead.closure_plan_id
            if lead.closure_notified_date:
                lead.closure_claim_deadline = fields.Date.add(
                    lead.closure_notified_date, days=plan.claim_notice_days)
            else:
                lead.closure_claim_deadline = plan.claims_deadline

    @api.depends('closure_refund_requested_date', 'closure_plan_id.refund_days')
    def _compute_closure_refund_due_date(self):
        for lead in self:
            lead.closure_refund_due_date = lead.closure_refund_requested_date and fields.Date.add(
                lead.closure_refund_requested_date, days=lead.closure_plan_id.refund_days)

    # ------------------------------------------------------------------
    # Pipeline: a closure team's kanban shows its closure stages only
    # ------------------------------------------------------------------
    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team = self.env['crm.team'].browse(self._context.get('default_team_id'))
        if team.exists() and team.is_closure_team:
            return stages.browse(stages.sudo()._search(
                ['|', ('id', 'in', stages.ids), ('team_id', '=', team.id)], order=stages._order))
        return super()._read_group_stage_ids(stages, domain)

    def _stage_find(self, team_id=False, domain=None, order='sequence, id', limit=1):
        teams = self.team_id | self.env['crm.team'].browse(team_id)
        if any(teams.mapped('is_closure_team')):
            domain = list(domain or []) + [('closure_stage_code', '!=', False)]
        return super()._stage_find(team_id=team_id, domain=domain, order=order, limit=limit)

    # ------------------------------------------------------------------
    # Business steps
    # ------------------------------------------------------------------
    def _closure_set_stage(self, code):
        """Move closure cases to their team's stage for a closure step."""
        for team, cases in self.filtered('closure_plan_id').grouped('team_id').items():
            cases.write({'stage_id': team._closure_stage(code).id})

    def action_closure_view_plan(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.plan',
            'res_id': self.closure_plan_id.id,
            'view_mode': 'form',
            'name': _('Closure Plan'),
        }
