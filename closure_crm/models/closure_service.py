from odoo import fields, models


class ClosureService(models.Model):
    """A service customers use and receiving partners offer: the vocabulary
    both sides of a transfer are matched on. Admins edit the list."""
    _name = 'closure.service'
    _description = 'Closure Service'
    _order = 'sequence, name'

    name = fields.Char('Service', required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ('name_uniq', 'UNIQUE(name)', 'A service with this name already exists.'),
    ]
