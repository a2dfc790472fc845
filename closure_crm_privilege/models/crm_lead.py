from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL


class CrmLead(models.Model):
    """A closure case's privileges (priority rights, advisory circle), the
    paragraph the tier A and B notices add for them, and the customer's
    opt-in on their page (the ``privileges`` answer of
    ``_closure_record_answer``)."""
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
                'closure_crm_privilege.lead_privilege_notice', {'privileges': privileges})

    @api.depends('closure_privilege_notice')
    def _compute_closure_notice_offers(self):
        result = super()._compute_closure_notice_offers()
        for lead in self.filtered('closure_privilege_notice'):
            lead.closure_notice_offers = (lead.closure_notice_offers or Markup()) + lead.closure_privilege_notice
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_view_privileges(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm_privilege.action_closure_privilege')
        action['domain'] = [('lead_id', '=', self.id)]
        action['context'] = {'default_lead_id': self.id}
        return action

    # ------------------------------------------------------------------
    # Evidence and the customer's answer page (closure_crm's hooks)
    # ------------------------------------------------------------------
    @api.model
    def _closure_evidence_kinds(self):
        return super()._closure_evidence_kinds() + [
            ('closure.privilege.answer', [], _("privilege opt-ins")),
        ]

    def _closure_answer_values(self):
        values = super()._closure_answer_values()
        values['privileges'] = self.closure_privilege_ids
        return values

    def _closure_answer_extra_changes(self, privileges=None, **extra):
        """``privileges``: {privilege: ticked} for the privileges offered on
        the page; the changes are the privileges whose answer changes."""
        changes = super()._closure_answer_extra_changes(**extra)
        privileges_changed = {
            privilege: wanted
            for privilege, wanted in (privileges or {}).items()
            if privilege.lead_id == self
            and wanted != (privilege.state == 'opted_in')
            and (wanted or privilege.state != 'pending')
        }
        if privileges_changed:
            changes['privileges'] = privileges_changed
        return changes

    def _closure_record_answer_extra(self, changes, evidence=False):
        result = super()._closure_record_answer_extra(changes, evidence=evidence)
        if changes.get('privileges'):
            self._closure_record_privilege_answers(changes['privileges'], evidence=evidence)
        return result

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

    # ------------------------------------------------------------------
    # The erasure of the case's data (closure_crm's hooks, which the erasure
    # of closure_crm_data calls): privileges and opt-ins go with it
    # ------------------------------------------------------------------
    @api.model
    def _closure_case_record_tables(self):
        return super()._closure_case_record_tables() + [
            ('closure.privilege', 'closure_privilege'), ('closure.privilege.answer', 'closure_privilege_answer'),
        ]

    @api.model
    def _closure_erase_case_records(self, lead_ids):
        """The erasure takes the privileges and opt-ins with their case (their
        messages, activities and files) and empties how an opt-in came in (the
        call note, the evidence file); the decisions and dates stay."""
        result = super()._closure_erase_case_records(lead_ids)
        cr = self.env.cr
        cr.execute(SQL("SELECT id FROM closure_privilege_answer WHERE lead_id IN %s", tuple(lead_ids) or (0,)))
        answer_ids = [row[0] for row in cr.fetchall()]
        if answer_ids:
            attachments = self.env['ir.attachment'].sudo().search(
                [('res_model', '=', 'closure.privilege.answer'), ('res_id', 'in', answer_ids)])
            # the erasure's trusted path: evidence files may be removed (closure.evidence.mixin)
            attachments.with_context(closure_erasure=True,
                                     **self.env['closure.consent']._closure_erasure_context()).unlink()
            cr.execute(SQL(
                "UPDATE closure_privilege_answer SET note = NULL, evidence_filename = NULL WHERE id IN %s",
                tuple(answer_ids)))
        self.env['closure.privilege.answer'].invalidate_model()
        return result
