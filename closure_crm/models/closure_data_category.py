from odoo import fields, models

DATA_CATEGORY_CODES = [
    ('contact', 'Contact data'),
    ('open_business', 'Open business'),
    ('notes', 'Notes and needs'),
]


class ClosureDataCategory(models.Model):
    """A category of customer data a customer may consent to hand over to a
    receiving partner. The code decides what the hand-over package holds."""
    _name = 'closure.data.category'
    _description = 'Customer Data Category'
    _order = 'sequence, id'

    name = fields.Char('Category', required=True, translate=True)
    code = fields.Selection(
        DATA_CATEGORY_CODES, required=True,
        help="What the hand-over package takes for this category: contact data (names, "
             "emails, phones, address of the customer and its contacts); open business "
             "(open obligations and opportunities); notes and needs (the case's notes, "
             "process dependencies and replacement needs).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ('code_uniq', 'UNIQUE(code)', 'There is already a data category with this code.'),
    ]
