from odoo import fields, models


class ResPartner(models.Model):
    """A receiver's recorded term: it takes over the customers' open balances
    (prepaid value, deposits, paid services not delivered). When a transfer to
    it completes, those balances are its to honour, not claims on the closing
    company (closure.obligation._closure_take_over)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'res.partner'

    closure_takes_over_balances = fields.Boolean(
        'Takes Over Customer Balances',
        help="The receiver honours the customers' prepaid balances, deposits and paid services not delivered: "
             "when a transfer to it completes, they are taken over and leave the claims register.")
