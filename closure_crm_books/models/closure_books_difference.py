from odoo import api, fields, models

from odoo.addons.closure_crm.models.closure_obligation import OBLIGATION_SOURCES

DIFFERENCE_REASONS = [
    ('no_obligation', 'Document without an obligation'),
    ('no_case', 'Customer without a case in the plan'),
    ('amount', 'Different amounts'),
    ('no_document', 'Obligation without a document'),
]


class ClosureBooksDifference(models.Model):
    """One document or obligation where the books and the obligations of a
    plan differ, with a link to both sides."""
    _name = 'closure.books.difference'
    _description = 'Closure Difference Between Books and Obligations'
    _order = 'plan_id, source, partner_id, id'

    plan_id = fields.Many2one('closure.plan', required=True, index=True, ondelete='cascade', readonly=True)
    currency_id = fields.Many2one(related='plan_id.currency_id')
    source = fields.Selection(OBLIGATION_SOURCES, required=True, readonly=True)
    reason = fields.Selection(DIFFERENCE_REASONS, required=True, readonly=True)
    partner_id = fields.Many2one('res.partner', 'Customer', readonly=True)
    lead_id = fields.Many2one('crm.lead', 'Case', readonly=True, ondelete='cascade')
    obligation_id = fields.Many2one('closure.obligation', readonly=True, ondelete='cascade')
    document = fields.Reference(selection='_selection_document', readonly=True)
    document_ref = fields.Char('Document Reference', readonly=True)
    books_amount = fields.Monetary('In the Books', readonly=True)
    obligation_amount = fields.Monetary(readonly=True)
    difference = fields.Monetary(compute='_compute_difference')
    is_frozen = fields.Boolean(
        'Declared or Settled', readonly=True,
        help="The obligation is declared, reviewed, paid, taken over or waived: the load does not change it, "
             "a closure manager decides.")

    @api.model
    def _selection_document(self):
        return self.env['closure.obligation']._selection_source_document()

    @api.depends('books_amount', 'obligation_amount')
    def _compute_difference(self):
        for row in self:
            row.difference = row.books_amount - row.obligation_amount
