from odoo import _, api, fields, models
from odoo.exceptions import UserError

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_consented(self):
        """Recorded consents and hand-overs name these categories: archive instead."""
        consent = self.env['closure.consent'].sudo().search([('data_category_ids', 'in', self.ids)], limit=1)
        if consent:
            raise UserError(_(
                "A recorded consent names the data category %(category)s: archive it instead of deleting it.",
                category=(consent.data_category_ids & self)[0].name))
