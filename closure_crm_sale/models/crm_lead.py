from odoo import _, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Where Sales is installed, sale_crm turns every opportunity into a
    quotation (New Quotation, the Quotations and Orders buttons). A closure
    case is no sale: its form hides them and the model refuses them."""

    _inherit = 'crm.lead'

    def action_sale_quotations_new(self):
        self._closure_refuse_quotation()
        return super().action_sale_quotations_new()

    def action_new_quotation(self):
        self._closure_refuse_quotation()
        return super().action_new_quotation()

    def _closure_refuse_quotation(self):
        cases = self.filtered('closure_is_case')
        if cases:
            raise UserError(_(
                "%(case)s is a closure case: no quotation is made from it. What the company owes the customer "
                "is on its Closure tab (Load What We Owe on the plan reads Sales and Invoicing).",
                case=cases[0].display_name))
