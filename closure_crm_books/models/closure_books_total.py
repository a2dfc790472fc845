from odoo import api, fields, models

from odoo.addons.closure_crm.models.closure_obligation import OBLIGATION_SOURCES


class ClosureBooksTotal(models.Model):
    """Per plan and source, the books' total against the obligations'
    total, written by the plan's reconciliation (closure_plan.py)."""
    _name = 'closure.books.total'
    _description = 'Closure Books Total per Source'
    _order = 'plan_id, source'

    plan_id = fields.Many2one('closure.plan', required=True, index=True, ondelete='cascade', readonly=True)
    currency_id = fields.Many2one(related='plan_id.currency_id')
    source = fields.Selection(OBLIGATION_SOURCES, required=True, readonly=True)
    books_total = fields.Monetary('In the Books', readonly=True)
    obligation_total = fields.Monetary('Obligations', readonly=True)
    difference = fields.Monetary(compute='_compute_difference')

    @api.depends('books_total', 'obligation_total')
    def _compute_difference(self):
        for total in self:
            total.difference = total.books_total - total.obligation_total
