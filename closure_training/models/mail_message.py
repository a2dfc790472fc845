from odoo import api, fields, models

from odoo.addons.closure_crm.models.closure_phrase import REPLY_MOODS


class MailMessage(models.Model):
    """What procedure compliance reads on a closure case's messages, written
    once when the message is posted: the mood of a customer's reply (the taboo
    check of a staff member's message is closure_crm's)."""
    _inherit = 'mail.message'

    closure_reply_mood = fields.Selection(
        REPLY_MOODS, 'Customer Mood', readonly=True, index='btree_not_null',
        help="A customer's reply on a closure case, classified with the phrase list.")

    @api.model
    def _closure_check_fields(self):
        return super()._closure_check_fields() | {'closure_reply_mood'}
