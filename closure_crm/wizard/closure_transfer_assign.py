
from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning, UserError

from ..tools.transfer_matching import DEFAULT_MIN_SCORE


class ClosureTransferAssign(models.TransientModel):
    """Bulk assignment of receivers to the cases of a plan (or a selection):
    each case gets the best receiver the capacities allow, or a flag saying
    why none fits. Re-running keeps what is assigned and fills what is missing."""

    _name = 'closure.transfer.assign'
    _description = 'Assign Receivers in Bulk'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, ondelete='cascade')
    lead_ids = fields.Many2many(
        'crm.lead', string='Selected Cases', domain="[('closure_plan_id', '=', plan_id)]",
        help="Empty: every open case of the plan.")
    min_score = fields.Float(
        'Minimum Match Score', default=DEFAULT_MIN_SCORE, digits=(5, 1),
        help="A case is not proposed to a receiver matching it below this score (0-100).")
    replan = fields.Boolean(
        'Re-plan Proposals Not Introduced',
        help="Cancel the proposals whose introduction has not been sent yet and assign those cases again.")
    state = fields.Selection([('draft', 'Draft'), ('done', 'Done')], default='draft')
    assigned_count = fields.Integer('Cases Assigned', readonly=True)
    flagged_count = fields.Integer('Cases Without Receiver', readonly=True)
    summary = fields.Text('Result', readonly=True)

    @api.constrains('min_score')
    def _check_min_score(self):
        for wizard in self:
            if not 0 <= wizard.min_score <= 100:
                raise UserError(
                    _("The minimum match score is between 0 and 100 (got %(score)s).", score=wizard.min_score)
                )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'crm.lead' and self.env.context.get('active_ids'):
            leads = self.env['crm.lead'].browse(self.env.context['active_ids'])
            plans = leads.closure_plan_id
            if len(plans) != 1 or not all(leads.mapped('closure_plan_id')):
                raise UserError(_("Select closure cases of one closure plan to assign receivers in bulk."))
            values.update(plan_id=plans.id, lead_ids=[fields.Command.set(leads.ids)])
        elif self.env.context.get('active_model') == 'closure.plan' and self.env.context.get('active_id'):
            values['plan_id'] = self.env.context['active_id']
        return values

    def action_assign(self):
        self.ensure_one()
        self._check_receivers()
        result = self.env['closure.transfer.matcher']._assign(
            self.plan_id, leads=self.lead_ids or None, min_score=self.min_score, replan=self.replan)
        issues = dict(self._fields_issue_labels())
        lines = [_("%(assigned)s of %(cases)s open cases proposed to a receiver (%(seconds).1f s).",
                   assigned=result['assigned'], cases=result['cases'], seconds=result['seconds'])]
        if result['bound']:
            lines.append(_("Total match score %(score).0f, at least %(share).2f%% of the best possible.",
                           score=result['score'], share=100.0 * result['score'] / result['bound']))
        for code, count in sorted(result['flagged'].items()):
            lines.append(_("%(count)s without receiver: %(reason)s", count=count, reason=issues[code]))
        if result['without_dpa']:
            lines.append(_("Left out, no data-protection commitment signed: %(names)s",
                           names=', '.join(result['without_dpa'].mapped('display_name'))))
        lines.append(self._transfer_figures())
        self.write({
            'state': 'done',
            'assigned_count': result['assigned'],
            'flagged_count': sum(result['flagged'].values()),
            'summary': '\n'.join(lines),
        })
        self.plan_id.message_post_with_source(
            'closure_crm.message_lines', render_values={'lines': lines}, subtype_xmlid='mail.mt_note')
        return {
            'type': 'ir.actions.act_window',
            'name': _('Assign Receivers'),
            'res_model': self._name,
            'res_id': self.id,
            'view_mode': 'form',
            'target': 'new',
        }

    def _check_receivers(self):
        """A plan no receiver can take customers from cannot be assigned:
        say what to do first, with the way there (not "0 of N assigned")."""
        plan = self.plan_id
        lines = self.env['closure.receiver.capacity'].search([
            ('plan_id', '=', plan.id), ('partner_id.active', '=', True), ('partner_id.closure_is_receiver', '=', True)])
        if not lines:
            raise RedirectWarning(
                _("No receiving partner has a capacity in %(plan)s yet, so no case can be proposed. Register the "
                  "receivers first: for each receiving partner, say how many customers of this plan it takes "
                  "(Receiver Capacities), then assign again.", plan=plan.name),
                self.env.ref('closure_crm.action_closure_receiver_capacity').id,
                _("Add Receiver Capacities"),
                {'default_plan_id': plan.id, 'search_default_plan_id': plan.id})
        if not lines.filtered('partner_id.closure_dpa_date'):
            raise RedirectWarning(
                _("The receivers of %(plan)s (%(names)s) have not signed their data-protection commitment, so no "
                  "customer data may go to them. Record the date each one signed it on the receiver, then assign "
                  "again.", plan=plan.name, names=', '.join(lines.partner_id.mapped('display_name'))),
                self.env.ref('closure_crm.action_closure_receiver').id,
                _("Open the Receivers"),
                {'search_default_closure_receivers_without_dpa': 1})

    def action_view_transfers(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_transfer')
        action['domain'] = [('plan_id', '=', self.plan_id.id)]
        action['context'] = {'search_default_filter_proposed': 1}
        return action

    def action_view_flagged(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('closure_plan_id', '=', self.plan_id.id), ('closure_transfer_issue', '!=', False)]
        action['context'] = {'search_default_group_closure_transfer_issue': 1}
        return action

    def _transfer_figures(self):
        """The plan's transfers counted by state now (the rows the Transfers
        button lists), for the summary and the plan's history."""
        Transfer = self.env['closure.transfer']
        labels = dict(Transfer._fields['state']._description_selection(self.env))
        counts = dict(Transfer._read_group([('plan_id', '=', self.plan_id.id)], ['state'], ['__count']))
        figures = ', '.join(f"{labels[state]} {counts[state]}" for state in labels if counts.get(state))
        return _("Transfers of the plan now: %(figures)s.", figures=figures or _("none"))

    def _fields_issue_labels(self):
        return self.env['crm.lead']._fields['closure_transfer_issue']._description_selection(self.env)
