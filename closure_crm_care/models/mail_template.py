from odoo import fields, models


class MailTemplate(models.Model):
    """The care message of the three-day rule is a closure template of its
    own kind, found by tier and segment as the notices are."""
    _inherit = 'mail.template'

    closure_kind = fields.Selection(
        selection_add=[('care', 'Care Message (Three-Day Rule)')], ondelete={'care': 'set null'})
