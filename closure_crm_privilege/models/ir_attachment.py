from odoo import api, models


class IrAttachment(models.Model):
    """The evidence file of a customer's privilege opt-in (the signed form,
    the email) stays as recorded, like a consent's."""
    _inherit = 'ir.attachment'

    @api.model
    def _closure_evidence_models(self):
        return super()._closure_evidence_models() + ['closure.privilege.answer']
