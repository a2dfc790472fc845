from odoo import fields, models

RECEIVER_TERM_FIELDS = (
    'closure_offer_price', 'closure_offer_duration', 'closure_offer_service_level', 'closure_offer_data_handling')


class ResPartner(models.Model):
    """What a receiving partner offers the customers it takes over, as the
    registry holds it: shown side by side (up to three receivers) on the
    customer's page and in the rights-focused playbook."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'res.partner'

    closure_offer_price = fields.Char(
        'Price or Fee for Customers', translate=True, tracking=True,
        help="What the customer pays the receiver, e.g. 'Same price as today for 12 months'.")
    closure_offer_duration = fields.Char(
        'Contract Duration', translate=True, tracking=True, help="e.g. 'Monthly, cancel any time'.")
    closure_offer_service_level = fields.Char(
        'Service Level', translate=True, tracking=True,
        help="e.g. 'Support 8-20 on working days, answer within 4 hours'.")
    closure_offer_data_handling = fields.Char(
        'Data Handling', translate=True, tracking=True,
        help="Where and how the receiver keeps the customer's data, e.g. 'Stored in China, deleted 30 days "
             "after the contract ends'.")

    def _closure_has_offer_terms(self):
        return any(partner[fname] for partner in self for fname in RECEIVER_TERM_FIELDS)
