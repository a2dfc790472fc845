from odoo import api, fields, models


class ClosureCaseMixin(models.AbstractModel):
    """A record kept on one closure case (a complaint, a transfer consent;
    closure_crm_privilege: a privilege): the case, and its customer, plan and company stored
    on the record, so lists filter and group on them and record rules read
    them without a join.

    The three are copied from the case when the record is created; they
    depend on ``lead_id`` only, which also keeps crm's own flows
    (assignment, merge) from looking up these records on every lead write.
    An inheriting model narrows the cases it accepts by overriding
    ``lead_id``'s domain (closure_crm_privilege's ``closure.privilege``:
    tier A and B only)."""
    _name = 'closure.case.mixin'
    _description = 'Record of a Closure Case'
    _check_company_auto = True

    lead_id = fields.Many2one(
        'crm.lead', 'Case', required=True, index=True, ondelete='cascade', check_company=True,
        domain="[('closure_plan_id', '!=', False)]")
    partner_id = fields.Many2one(
        'res.partner', 'Customer', compute='_compute_case_fields', store=True, precompute=True, index=True)
    plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', compute='_compute_case_fields', store=True, precompute=True, index=True)
    company_id = fields.Many2one(
        'res.company', compute='_compute_case_fields', store=True, precompute=True, index=True)

    @api.depends('lead_id')
    def _compute_case_fields(self):
        for record in self:
            lead = record.lead_id
            record.partner_id = lead.partner_id
            record.plan_id = lead.closure_plan_id
            record.company_id = lead.company_id or lead.closure_plan_id.company_id
