from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ClosureObligation(models.Model):
    """What the closing company still owes one customer: prepaid value,
    deposits, open project milestones, contracts running, data it holds."""
    _name = 'closure.obligation'
    _description = 'Closure Customer Obligation'
    _order = 'lead_id, obligation_type, due_date, id'

    lead_id = fields.Many2one('crm.lead', 'Case', required=True, index=True, ondelete='cascade')
    plan_id = fields.Many2one(related='lead_id.closure_plan_id', store=True, index=True)
    company_id = fields.Many2one(related='lead_id.company_id', store=True)
    currency_id = fields.Many2one(related='lead_id.company_currency')
    partner_id = fields.Many2one(related='lead_id.partner_id', string='Customer')
    obligation_type = fields.Selection([
        ('prepaid', 'Prepaid Balance'),
        ('deposit', 'Deposit'),
        ('milestone', 'Open Milestone'),
        ('contract', 'Running Contract'),
        ('data', 'Data Held'),
        ('other', 'Other'),
    ], 'Type', required=True, default='prepaid')
    name = fields.Char('Description', required=True)
    amount = fields.Monetary('Amount', currency_field='currency_id')
    due_date = fields.Date('Due')
    state = fields.Selection([
        ('open', 'Open'),
        ('settled', 'Settled'),
        ('transferred', 'Taken Over by Receiver'),
        ('waived', 'Waived by Customer'),
    ], default='open', required=True)
    note = fields.Text('Notes')

    @api.constrains('amount', 'obligation_type')
    def _check_amount(self):
        for obligation in self:
            if obligation.amount < 0:
                raise ValidationError(_(
                    "Obligation '%(name)s': Amount cannot be negative (got %(amount)s).",
                    name=obligation.name, amount=obligation.amount))
