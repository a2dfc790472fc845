from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ClosureRevenueLine(models.Model):
    """Revenue figures imported for tiering when neither won opportunities
    nor invoices in this database tell the customer's real revenue."""
    _name = 'closure.revenue.line'
    _description = 'Closure Imported Revenue'
    _order = 'date desc, id desc'

    plan_id = fields.Many2one('closure.plan', required=True, index=True, ondelete='cascade')
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    currency_id = fields.Many2one(related='plan_id.currency_id')
    partner_id = fields.Many2one('res.partner', 'Customer', required=True, index=True, ondelete='cascade')
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field='currency_id')
    reference = fields.Char()

    @api.constrains('partner_id')
    def _check_commercial_partner(self):
        for line in self:
            if line.partner_id != line.partner_id.commercial_partner_id:
                raise ValidationError(_(
                    "Revenue line %(ref)s: Customer must be the company or individual "
                    "customer, not a contact person (got %(partner)s, whose company is %(company)s).",
                    ref=line.reference or line.date, partner=line.partner_id.display_name,
                    company=line.partner_id.commercial_partner_id.display_name))
