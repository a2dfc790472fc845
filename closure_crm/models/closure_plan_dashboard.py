from odoo import _, fields, models

from .closure_transfer import ACCEPTED_STATES

# the charts of a plan's dashboard: (action xmlid, the model's field that names the plan, extra domain);
# add-ons add theirs with ClosurePlan._dashboard_charts()
DASHBOARD_CHARTS = {
    'cases': ('closure_crm.action_closure_dashboard_cases', 'closure_plan_id', []),
    'notices': ('closure_crm.action_closure_dashboard_notices', 'wave_id.plan_id',
                [('state', 'in', ('sent', 'personal')), ('reminder_number', '=', 0)]),
    'claims': ('closure_crm.action_closure_dashboard_claims', 'plan_id', [('claim_declared_date', '!=', False)]),
    'transfers': ('closure_crm.action_closure_dashboard_transfers', 'plan_id', []),
}


class ClosurePlan(models.Model):
    """A plan at a glance, for its managers: the plan's card (cases by tier,
    notices delivered, claims declared, reviewed and paid, transfers
    offered, accepted and completed; add-ons add theirs: closure_crm_care's
    CSAT/NPS and complaints), each figure opening Odoo's graph and pivot
    views on the plan's own rows."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    dash_notified_count = fields.Integer('Customers Notified', compute='_compute_dashboard')
    dash_claims_declared = fields.Integer('Claims Declared', compute='_compute_dashboard')
    dash_claims_reviewed = fields.Integer('Claims Reviewed', compute='_compute_dashboard')
    dash_claims_paid = fields.Integer('Claims Paid', compute='_compute_dashboard')
    dash_transfers_offered = fields.Integer('Transfers Offered', compute='_compute_dashboard')
    dash_transfers_accepted = fields.Integer('Transfers Accepted', compute='_compute_dashboard')
    dash_transfers_completed = fields.Integer('Transfers Completed', compute='_compute_dashboard')

    def _compute_dashboard(self):
        """All plans' figures in three grouped queries (the guide's figures,
        the transfers by state)."""
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            # the dashboard is the closure managers' (a rep sees the cases of their own team only)
            for plan in self:
                plan.update(dict.fromkeys(self._dashboard_fields(), 0))
            return
        figures = self._guide_figures() if self.ids else {}
        transfers = {}
        for plan, state, count in self.env['closure.transfer']._read_group(
                [('plan_id', 'in', self.ids)], ['plan_id', 'state'], ['__count']):
            transfers.setdefault(plan.id, {})[state] = count
        for plan in self:
            fig = figures.get(plan.id, {})
            by_state = transfers.get(plan.id, {})
            plan.dash_notified_count = fig.get('notified', 0)
            plan.dash_claims_declared = fig.get('declared', 0)
            plan.dash_claims_reviewed = fig.get('reviewed', 0)
            plan.dash_claims_paid = fig.get('paid', 0)
            plan.dash_transfers_offered = sum(n for state, n in by_state.items() if state != 'cancelled')
            plan.dash_transfers_accepted = sum(by_state.get(state, 0) for state in ACCEPTED_STATES)
            plan.dash_transfers_completed = by_state.get('completed', 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_dashboard(self):
        """The plan's card: its figures at a glance, each opening its chart."""
        self.ensure_one()
        self._closure_check_manager(_("open the dashboard of a plan"))
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_plan_dashboard')
        action['domain'] = [('id', '=', self.id)]
        action['display_name'] = _("Dashboard of %(plan)s", plan=self.name)
        return action

    def action_dashboard_cases(self):
        return self._action_dashboard_chart('cases')

    def action_dashboard_notices(self):
        return self._action_dashboard_chart('notices')

    def action_dashboard_claims(self):
        return self._action_dashboard_chart('claims')

    def action_dashboard_transfers(self):
        return self._action_dashboard_chart('transfers')

    def _dashboard_fields(self):
        return [name for name in self._fields if name.startswith('dash_')]

    def _dashboard_charts(self):
        """Hook: {chart: (action xmlid, the model's field that names the plan,
        extra domain)} of the charts the dashboard's figures open (method
        ``action_dashboard_<chart>``). Add-ons add theirs with super()."""
        return dict(DASHBOARD_CHARTS)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _action_dashboard_chart(self, chart):
        """The graph and pivot views of one chart, on this plan's rows only."""
        self.ensure_one()
        self._closure_check_manager(_("open the dashboard of a plan"))
        xmlid, plan_field, domain = self._dashboard_charts()[chart]
        action = self.env['ir.actions.act_window']._for_xml_id(xmlid)
        action['domain'] = [(plan_field, '=', self.id), *domain]
        action['display_name'] = f"{action['name']} · {self.name}"
        action['context'] = {'closure_dashboard_plan_id': self.id}
        return action
