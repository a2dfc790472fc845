from odoo import _, api, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    @api.constrains('opportunity_id')
    def _check_closure_opportunity(self):
        """No order is attached to a closure case, however it is made."""
        for order in self:
            if order.opportunity_id.closure_is_case:
                raise ValidationError(_(
                    "%(order)s cannot belong to %(case)s: a closure case is no opportunity.",
                    order=order.display_name, case=order.opportunity_id.display_name))
