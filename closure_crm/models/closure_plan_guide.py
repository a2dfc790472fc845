from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning

from .closure_transfer import ACCEPTED_STATES, LIVE_STATES

# the plan's steps, in the order a closure works through them
GUIDE_STEPS = [
    ('receivers', 'Receivers Registered'),
    ('cases', 'Cases Generated'),
    ('tiers', 'Tiers Computed'),
    ('assignment', 'Receivers Assigned'),
    ('notices', 'Notices Sent'),
    ('claims', 'Claims Reviewed'),
    ('export', 'Data Export'),
    ('erasure', 'Erasure'),
]
GUIDE_STATES = [
    ('done', 'Done'),
    ('todo', 'To Do'),
    ('blocked', 'Blocked'),
]
REVIEWED_STATES = ('confirmed', 'disputed', 'rejected')
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
    """The plan at a glance, for its managers.

    - Guidance at each step (the plan's form): the plan's steps (receivers,
      cases, tiers, assignment, notices, claims, export, erasure), each with
      its state and the count behind it, the current step (the first one left
      to do), and the next action of each step. An action that cannot run yet
      says what to do first, with a link to it (RedirectWarning).
    - The dashboard (Reporting > Plans at a Glance): the plan's card (cases by
      tier, notices delivered, claims declared, reviewed and paid, transfers
      offered, accepted and completed; add-ons add theirs: closure_crm_care's
      CSAT/NPS and complaints), each figure opening Odoo's graph and pivot
      views on the plan's own rows. Both read the same grouped figures
      (_guide_figures)."""
    # one model, four files in closure_crm: the plan (closure_plan.py), its
    # cases (closure_plan_cases.py), its legal facts (closure_plan_liquidation.py),
    # its guide and dashboard (this file)
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    guide_step = fields.Selection(
        GUIDE_STEPS + [('finished', 'All Steps Done')], 'Current Step', compute='_compute_guide',
        help="The first step of the plan still to do: the form header shows its action.")
    guide_receivers_state = fields.Selection(GUIDE_STATES, 'Receivers Step', compute='_compute_guide')
    guide_receivers_info = fields.Char('Receivers Step Detail', compute='_compute_guide')
    guide_cases_state = fields.Selection(GUIDE_STATES, 'Cases Step', compute='_compute_guide')
    guide_cases_info = fields.Char('Cases Step Detail', compute='_compute_guide')
    guide_tiers_state = fields.Selection(GUIDE_STATES, 'Tiers Step', compute='_compute_guide')
    guide_tiers_info = fields.Char('Tiers Step Detail', compute='_compute_guide')
    guide_assignment_state = fields.Selection(GUIDE_STATES, 'Assignment Step', compute='_compute_guide')
    guide_assignment_info = fields.Char('Assignment Step Detail', compute='_compute_guide')
    guide_notices_state = fields.Selection(GUIDE_STATES, 'Notices Step', compute='_compute_guide')
    guide_notices_info = fields.Char('Notices Step Detail', compute='_compute_guide')
    guide_claims_state = fields.Selection(GUIDE_STATES, 'Claims Step', compute='_compute_guide')
    guide_claims_info = fields.Char('Claims Step Detail', compute='_compute_guide')
    guide_export_state = fields.Selection(GUIDE_STATES, 'Export Step', compute='_compute_guide')
    guide_export_info = fields.Char('Export Step Detail', compute='_compute_guide')
    guide_erasure_state = fields.Selection(GUIDE_STATES, 'Erasure Step', compute='_compute_guide')
    guide_erasure_info = fields.Char('Erasure Step Detail', compute='_compute_guide')
    dash_notified_count = fields.Integer('Customers Notified', compute='_compute_dashboard')
    dash_claims_declared = fields.Integer('Claims Declared', compute='_compute_dashboard')
    dash_claims_reviewed = fields.Integer('Claims Reviewed', compute='_compute_dashboard')
    dash_claims_paid = fields.Integer('Claims Paid', compute='_compute_dashboard')
    dash_transfers_offered = fields.Integer('Transfers Offered', compute='_compute_dashboard')
    dash_transfers_accepted = fields.Integer('Transfers Accepted', compute='_compute_dashboard')
    dash_transfers_completed = fields.Integer('Transfers Completed', compute='_compute_dashboard')

    @api.depends('state', 'tiered_date', 'generation_pending', 'data_export_deadline', 'data_erasure_date',
                 'claims_deadline', 'plan_type')
    @api.depends_context('uid')
    def _compute_guide(self):
        # the guide is the closure managers' (the form shows it to them only): nobody else pays its queries
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            for plan in self:
                plan.guide_step = False
                for code, _label in GUIDE_STEPS:
                    plan[f'guide_{code}_state'] = False
                    plan[f'guide_{code}_info'] = False
            return
        figures = self._guide_figures() if self.ids else {}
        today = fields.Date.context_today(self)
        for plan in self:
            steps = plan._guide_steps(figures.get(plan.id) or dict.fromkeys((
                'cases', 'tiered', 'notified', 'unassigned', 'declared', 'reviewed', 'paid', 'export_asked',
                'receivers'), 0), today)
            for code, (state, info) in steps.items():
                plan[f'guide_{code}_state'] = state
                plan[f'guide_{code}_info'] = info
            plan.guide_step = next((code for code, (state, _info) in steps.items() if state != 'done'), 'finished')

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
    # Actions: the guide's next steps, the dashboard's charts
    # ------------------------------------------------------------------
    def action_guide_receivers(self):
        """The receivers' capacities in this plan: how many of its customers each takes."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_receiver_capacity')
        action['domain'] = [('plan_id', '=', self.id)]
        action['context'] = {'default_plan_id': self.id}
        return action

    def action_guide_tiers(self):
        self.ensure_one()
        self._guide_check_cases(_("compute their tiers"))
        return self.action_compute_tiers()

    def action_guide_assignment(self):
        self.ensure_one()
        self._closure_check_manager(_("assign receivers to the cases of a plan"))
        self._guide_check_cases(_("assign receivers"))
        self._guide_check_receivers()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_transfer_assign')
        action['context'] = {'active_model': 'closure.plan', 'active_id': self.id, 'active_ids': self.ids}
        return action

    def action_guide_new_wave(self):
        """A new notice wave of this plan, once it has cases and tiers."""
        self.ensure_one()
        self._closure_check_manager(_("send the notices of a plan"))
        self._guide_check_cases(_("send notices"))
        self._guide_check_tiers(_("send notices"))
        return {
            'type': 'ir.actions.act_window',
            'name': _("New Notice Wave"),
            'res_model': 'closure.notice.wave',
            'view_mode': 'form',
            'views': [(False, 'form')],
            'context': {'default_plan_id': self.id},
        }

    def action_guide_claims(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_obligation')
        action['domain'] = [('plan_id', '=', self.id), ('claim_declared_date', '!=', False)]
        action['context'] = {'group_by': 'claim_review_state'}
        action['display_name'] = _("Claims of %(plan)s", plan=self.name)
        return action

    def action_guide_export(self):
        self.ensure_one()
        action = self.action_view_cases()
        action['domain'] = [('closure_plan_id', '=', self.id), ('closure_export_requested_date', '!=', False)]
        action['display_name'] = _("Data Copies Asked in %(plan)s", plan=self.name)
        return action

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

    # ------------------------------------------------------------------
    # The steps' states: a few grouped queries for all plans at once
    # ------------------------------------------------------------------
    def _guide_figures(self):
        """{plan id: {figure: count}} for every plan of ``self``, in five
        grouped queries whatever the number of plans and cases."""
        plan_ids = self.ids
        figures = {plan_id: dict.fromkeys((
            'cases', 'tiered', 'notified', 'unassigned', 'declared', 'reviewed', 'paid', 'export_asked', 'receivers',
        ), 0) for plan_id in plan_ids}
        Lead = self.env['crm.lead'].with_context(active_test=False)
        for plan, count, tiered, notified, asked in Lead._read_group(
                [('closure_plan_id', 'in', plan_ids)], ['closure_plan_id'],
                ['__count', 'closure_tier:count', 'closure_notified_date:count',
                 'closure_export_requested_date:count']):
            figures[plan.id].update(cases=count, tiered=tiered, notified=notified, export_asked=asked)
        # the cases the bulk assignment has not looked at: no live transfer, no issue, no refusal
        for plan, count in Lead._read_group(
                [('closure_plan_id', 'in', plan_ids), ('closure_transfer_issue', '=', False),
                 ('closure_transfer_declined', '=', False),
                 ('closure_transfer_ids', 'not any', [('state', 'in', LIVE_STATES)])],
                ['closure_plan_id'], ['__count']):
            figures[plan.id]['unassigned'] = count
        for plan, review, count, paid in self.env['closure.obligation']._read_group(
                [('plan_id', 'in', plan_ids), ('claim_declared_date', '!=', False)],
                ['plan_id', 'claim_review_state'], ['__count', 'refund_paid_date:count']):
            figures[plan.id]['declared'] += count
            figures[plan.id]['paid'] += paid
            if review in REVIEWED_STATES:
                figures[plan.id]['reviewed'] += count
        # the receivers that take customers of the plan: a capacity in it (what the bulk assignment needs)
        for plan, count in self.env['closure.receiver.capacity']._read_group(
                [('plan_id', 'in', plan_ids), ('partner_id.active', '=', True),
                 ('partner_id.closure_is_receiver', '=', True)], ['plan_id'], ['__count']):
            figures[plan.id]['receivers'] = count
        return figures

    def _guide_steps(self, fig, today):
        """{step: (state, detail)} of one plan from its figures, in the steps' order."""
        self.ensure_one()
        return {code: getattr(self, f'_guide_step_{code}')(fig, today) for code, _label in GUIDE_STEPS}

    def _guide_step_receivers(self, fig, today):
        # the companies that can take the customers over
        if fig['receivers']:
            return 'done', _("%(count)s receivers take customers of this plan", count=fig['receivers'])
        return 'todo', _("No receiver takes customers of this plan yet: register the receivers and their capacity")

    def _guide_step_cases(self, fig, today):
        # one case per customer with revenue or open business
        if self.generation_pending:
            return 'todo', _("Generating in the background: %(count)s cases so far", count=fig['cases'])
        if fig['cases']:
            return 'done', _("%(count)s cases", count=fig['cases'])
        return 'todo', _("No case yet: generate one case per customer")

    def _guide_step_tiers(self, fig, today):
        if not fig['cases']:
            return 'blocked', _("Generate the cases first")
        if not self.tiered_date or fig['tiered'] < fig['cases']:
            return 'todo', _("%(tiered)s of %(count)s cases tiered", tiered=fig['tiered'], count=fig['cases'])
        return 'done', _("A %(a)s · B %(b)s · C %(c)s", a=self.tier_a_count, b=self.tier_b_count, c=self.tier_c_count)

    def _guide_step_assignment(self, fig, today):
        # every case has a proposed receiver, a reason why not, or declined any transfer
        if not fig['cases']:
            return 'blocked', _("Generate the cases first")
        if not fig['receivers']:
            return 'blocked', _("Register the receiving partners first")
        if fig['unassigned']:
            return 'todo', _("%(count)s of %(total)s cases without a proposed receiver",
                             count=fig['unassigned'], total=fig['cases'])
        return 'done', _("Every case has a receiver proposed or a reason why not")

    def _guide_step_notices(self, fig, today):
        if not fig['cases']:
            return 'blocked', _("Generate the cases first")
        if not self.tiered_date:
            return 'blocked', _("Compute the tiers first: each tier gets its own notice")
        if fig['notified'] < fig['cases']:
            return 'todo', _("%(notified)s of %(count)s customers notified, %(waves)s waves",
                             notified=fig['notified'], count=fig['cases'], waves=self.notice_wave_count)
        return 'done', _("All %(count)s customers notified", count=fig['cases'])

    def _guide_step_claims(self, fig, today):
        # every declared claim reviewed, once the declaration period is over
        declared, reviewed = fig['declared'], fig['reviewed']
        if self.plan_type == 'simplified' and not declared:
            return 'done', _("No claims period in a simplified deregistration")
        if not fig['notified'] and not declared:
            return 'blocked', _("Send the notices first: customers declare their claims after it")
        info = _("%(declared)s claims declared, %(reviewed)s reviewed, %(paid)s paid",
                 declared=declared, reviewed=reviewed, paid=fig['paid'])
        if reviewed < declared or (self.claims_deadline and today <= self.claims_deadline):
            return 'todo', info
        return 'done', info

    def _guide_step_export(self, fig, today):
        # the channel every notice promises, open until its deadline
        over = bool(self.data_export_deadline and today > self.data_export_deadline)
        if not over and not self._has_export_channel():
            return 'todo', _("No export channel: set the Data Export Channel or a future export deadline")
        return 'done' if over else 'todo', _(
            "%(count)s customers asked for a copy of their data", count=fig['export_asked'])

    def _guide_step_erasure(self, fig, today):
        # on the data erasure date (closure_crm_data runs the erasure and says when it is running or done)
        if self.data_erasure_date and today < self.data_erasure_date:
            return 'blocked', _("Opens on %(date)s: preview what it would erase meanwhile", date=self.data_erasure_date)
        return 'todo', _("The erasure date has come: erase the customers' data")

    # ------------------------------------------------------------------
    # What to do first: a refusal with a link to the step before
    # ------------------------------------------------------------------
    def _guide_redirect_context(self):
        return {'active_id': self.id, 'active_ids': self.ids, 'active_model': 'closure.plan'}

    def _guide_check_cases(self, what):
        """Refuse ``what`` on a plan without cases, with a link that
        generates them."""
        self.ensure_one()
        if not self.case_count:
            raise RedirectWarning(
                _("Plan %(plan)s has no case yet, so you cannot %(what)s. Generate the cases first: "
                  "one case per customer with revenue or open business.", plan=self.name, what=what),
                self.env.ref('closure_crm.closure_plan_action_server_generate_cases').id,
                _("Generate the Cases"), self._guide_redirect_context())

    def _guide_check_receivers(self):
        self.ensure_one()
        if self.guide_receivers_state != 'done':
            raise RedirectWarning(
                _("No receiving partner is registered, so no customer can be assigned one. Register the "
                  "receivers first: the companies that can take your customers over."),
                self.env.ref('closure_crm.action_closure_receiver_capacity').id, _("Register Receivers"),
                {'default_plan_id': self.id, 'search_default_plan_id': self.id})

    def _guide_check_tiers(self, what):
        self.ensure_one()
        if not self.tiered_date:
            raise RedirectWarning(
                _("The cases of plan %(plan)s have no tier yet, so you cannot %(what)s. Compute the tiers "
                  "first: each tier gets its own notice and its own handling.", plan=self.name, what=what),
                self.env.ref('closure_crm.closure_plan_action_server_compute_tiers').id,
                _("Compute the Tiers"), self._guide_redirect_context())

    # ------------------------------------------------------------------
    # Each step's next action
    # ------------------------------------------------------------------
    @api.model
    def _guide_server_action_result(self, result):
        """What a server action of the gear menu returns for a plan action's
        ``result``: that action, or a reload of the form."""
        if isinstance(result, dict):
            return result
        return {'type': 'ir.actions.client', 'tag': 'soft_reload'}

    # ------------------------------------------------------------------
    # The dashboard's charts
    # ------------------------------------------------------------------
    def _dashboard_fields(self):
        return [name for name in self._fields if name.startswith('dash_')]

    def _dashboard_charts(self):
        """Hook: {chart: (action xmlid, the model's field that names the plan,
        extra domain)} of the charts the dashboard's figures open (method
        ``action_dashboard_<chart>``). Add-ons add theirs with super()."""
        return dict(DASHBOARD_CHARTS)

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
