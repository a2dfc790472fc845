from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.closure_crm.tools.trust import is_trusted, trusted

# context key of the approval actions (tools/trust.py)
APPROVAL_KEY = 'closure_privilege_approval'
APPROVAL_FIELDS = {
    kind: (f'privilege_{kind}_terms', f'privilege_{kind}_approved_by_id', f'privilege_{kind}_approved_date')
    for kind in ('priority', 'advisory')
}


class ClosurePlan(models.Model):
    """What the plan may promise its high-value customers: priority rights
    and an advisory circle, each with its terms written down and approved by
    the plan's manager. Nothing else is promised: the taboo checks treat a
    promise the plan has not approved as over-promising."""
    _inherit = 'closure.plan'

    privilege_priority_terms = fields.Text(
        'Priority Rights Terms', tracking=True,
        help="What priority rights give (e.g. first access to the founders' future offers), for how long, "
             "and what they do not give. Written down before anything is promised.")
    privilege_priority_approved_by_id = fields.Many2one(
        'res.users', 'Priority Rights Approved By', readonly=True, copy=False, ondelete='restrict')
    privilege_priority_approved_date = fields.Datetime('Priority Rights Approved On', readonly=True, copy=False)
    privilege_advisory_terms = fields.Text(
        'Advisory Circle Terms', tracking=True,
        help="What the advisory circle is, how often it meets and what members give and get.")
    privilege_advisory_approved_by_id = fields.Many2one(
        'res.users', 'Advisory Circle Approved By', readonly=True, copy=False, ondelete='restrict')
    privilege_advisory_approved_date = fields.Datetime('Advisory Circle Approved On', readonly=True, copy=False)
    privilege_ids = fields.One2many('closure.privilege', 'plan_id', string='Privileges')
    privilege_count = fields.Integer('Privileges Granted', compute='_compute_privilege_counts')
    privilege_opted_in_count = fields.Integer('Privileges Opted In', compute='_compute_privilege_counts')

    def _compute_privilege_counts(self):
        counts = {(plan.id, state): count for plan, state, count in self.env['closure.privilege']._read_group(
            [('plan_id', 'in', self.ids)], ['plan_id', 'state'], ['__count'])}
        for plan in self:
            plan.privilege_count = sum(n for (plan_id, _state), n in counts.items() if plan_id == plan.id)
            plan.privilege_opted_in_count = counts.get((plan.id, 'opted_in'), 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        if not is_trusted(self.env, APPROVAL_KEY):
            for kind, (terms, approved_by, approved_date) in APPROVAL_FIELDS.items():
                if approved_by in vals or approved_date in vals:
                    raise UserError(_("An offer is approved with its Approve button, by the plan's manager."))
                if terms in vals and self.filtered(approved_by):
                    raise UserError(_(
                        "The %(offer)s terms are approved: withdraw the approval before changing them "
                        "(customers are offered the terms as approved).", offer=self._privilege_label(kind)))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_approve_priority(self):
        return self._closure_approve_offer('priority')

    def action_closure_approve_advisory(self):
        return self._closure_approve_offer('advisory')

    def action_closure_withdraw_priority(self):
        return self._closure_withdraw_offer('priority')

    def action_closure_withdraw_advisory(self):
        return self._closure_withdraw_offer('advisory')

    def action_closure_view_privileges(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm_privilege.action_closure_privilege')
        action['domain'] = [('plan_id', '=', self.id)]
        return action

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _privilege_label(self, kind):
        return dict(self.env['closure.privilege']._fields['kind']._description_selection(self.env))[kind]

    def _closure_check_plan_manager(self):
        for plan in self:
            if not self.env.su and self.env.user != plan.user_id:
                raise AccessError(_(
                    "Only the plan's manager (%(manager)s) approves or withdraws what %(plan)s offers its customers.",
                    manager=plan.user_id.name or _("not set"), plan=plan.name))

    def _closure_approve_offer(self, kind):
        self._closure_check_plan_manager()
        terms, approved_by, approved_date = APPROVAL_FIELDS[kind]
        for plan in self:
            if not (plan[terms] or '').strip():
                raise UserError(_("Write the %(offer)s terms down on %(plan)s before approving them.",
                                  offer=self._privilege_label(kind), plan=plan.name))
            label = _("%(offer)s terms", offer=self._privilege_label(kind))
            self.env['closure.phrase']._check_taboo({label: plan[terms]})
        self.with_context(**trusted(APPROVAL_KEY)).write({
            approved_by: self.env.uid, approved_date: fields.Datetime.now()})
        for plan in self:
            plan.message_post(body=_("%(offer)s approved by %(user)s, on these terms: %(terms)s",
                                     offer=self._privilege_label(kind), user=self.env.user.name, terms=plan[terms]))
        return True

    def _closure_withdraw_offer(self, kind):
        self._closure_check_plan_manager()
        if self.env['closure.privilege'].search_count(
                [('plan_id', 'in', self.ids), ('kind', '=', kind), ('state', '=', 'opted_in')], limit=1):
            raise UserError(_(
                "Customers opted in to the %(offer)s on these terms: the promise stands; it cannot be withdrawn.",
                offer=self._privilege_label(kind)))
        _terms, approved_by, approved_date = APPROVAL_FIELDS[kind]
        self.with_context(**trusted(APPROVAL_KEY)).write({approved_by: False, approved_date: False})
        return True

    def _closure_privilege_terms(self, kind):
        """The approved terms of ``kind`` on the plan, else False."""
        self.ensure_one()
        terms, approved_by, _date = APPROVAL_FIELDS.get(kind, (None, None, None))
        return bool(terms) and bool(self[approved_by]) and self[terms]

    def _closure_approved_kinds(self):
        self.ensure_one()
        return super()._closure_approved_kinds() | {
            kind for kind in APPROVAL_FIELDS if self._closure_privilege_terms(kind)}
