from odoo import _, api, fields, models


class CrmLead(models.Model):
    """A closure case's privileges (priority rights, advisory circle), the
    customer's opt-in on their page, and the check that no message to the
    customer promises what the plan's manager has not approved."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_privilege_ids = fields.One2many(
        'closure.privilege', 'lead_id', string='Privileges', groups='closure_crm.group_closure_user')
    closure_privilege_notice = fields.Html(
        'Privileges in the Notice', compute='_compute_closure_privilege_notice', sanitize=False,
        groups='closure_crm.group_closure_user',
        help="The paragraph the tier A and B notices add for the privileges granted on the case.")

    @api.depends('closure_privilege_ids.terms', 'closure_privilege_ids.state')
    @api.depends_context('lang')
    def _compute_closure_privilege_notice(self):
        for lead in self:
            privileges = lead.closure_privilege_ids.filtered(lambda p: p.state != 'opted_out')
            if not privileges:
                lead.closure_privilege_notice = False
                continue
            lead.closure_privilege_notice = self.env['ir.qweb']._render(
                'closure_crm.lead_privilege_notice', {'privileges': privileges})

    def action_closure_view_privileges(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_privilege')
        action['domain'] = [('lead_id', '=', self.id)]
        action['context'] = {'default_lead_id': self.id}
        return action

    def message_post(self, **kwargs):
        """A message our staff send the customer from a closure case never
        promises priority rights or an advisory circle the plan has not
        approved (over-promising). Internal notes are not sent: not checked."""
        note_id = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note')
        note = kwargs.get('subtype_xmlid') == 'mail.mt_note' or (
            bool(kwargs.get('subtype_id')) and kwargs['subtype_id'] == note_id)
        if len(self) == 1 and self.closure_plan_id and not self.env.user.share and not note \
                and kwargs.get('message_type', 'notification') in ('comment', 'email') \
                and (not kwargs.get('author_id') or kwargs['author_id'] == self.env.user.partner_id.id):
            self.closure_plan_id._closure_check_promises({
                _("The message to %(customer)s", customer=self.partner_id.display_name): kwargs.get('body') or '',
                _("The subject"): kwargs.get('subject') or ''})
        return super().message_post(**kwargs)

    def _closure_record_privilege_answers(self, answers, evidence=False):
        """The customer's opt-ins from their page: ``answers`` {privilege: bool}
        for the privileges offered on this case; only changes are recorded."""
        self.ensure_one()
        for privilege, wanted in answers.items():
            if privilege.lead_id != self:
                continue
            decision = 'opt_in' if wanted else 'opt_out'
            current = {'opted_in': 'opt_in', 'opted_out': 'opt_out'}.get(privilege.state)
            if current == decision or (privilege.state == 'pending' and not wanted):
                continue
            # in this call's environment: the answer page's trusted context records the portal channel
            privilege.with_env(self.env)._record_answer(decision, 'portal', note=evidence)
