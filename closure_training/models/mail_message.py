from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.closure_crm.models.closure_phrase import REPLY_MOODS

CLOSURE_CHECK_FIELDS = {'closure_reply_mood', 'closure_taboo_check', 'closure_taboo_terms'}


class MailMessage(models.Model):
    """What procedure compliance reads on a closure case's messages, written
    once when the message is posted: the mood of a customer's reply, and
    whether a staff member's outgoing message held a taboo phrase."""
    _inherit = 'mail.message'

    closure_reply_mood = fields.Selection(
        REPLY_MOODS, 'Customer Mood', readonly=True, index='btree_not_null',
        help="A customer's reply on a closure case, classified with the phrase list.")
    closure_taboo_check = fields.Selection(
        [('clean', 'No Taboo Phrase'), ('taboo', 'Taboo Phrase')], 'Taboo Check', readonly=True,
        index='btree_not_null',
        help="A staff member's outgoing message on a closure case, checked for taboo phrases.")
    closure_taboo_terms = fields.Char('Taboo Phrases Found', readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        # a message is never created pre-checked: the posting path checks it afterwards (as superuser)
        if not self.env.su:
            for vals in vals_list:
                preset = sorted(fname for fname in CLOSURE_CHECK_FIELDS if vals.get(fname))
                if preset:
                    raise AccessError(_("The compliance checks of a message (%(fields)s) are set by the server "
                                        "once it is posted: they cannot be given with it.", fields=', '.join(preset)))
        return super().create(vals_list)

    def write(self, vals):
        # the checks are evidence of a rep's compliance: only the posting path (as superuser) writes them
        if not self.env.su and set(vals) & CLOSURE_CHECK_FIELDS:
            raise AccessError(_("The compliance checks of a message (%(fields)s) are set when it is posted "
                                "and cannot be changed.", fields=', '.join(sorted(set(vals) & CLOSURE_CHECK_FIELDS))))
        return super().write(vals)
