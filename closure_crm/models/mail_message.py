from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class MailMessage(models.Model):
    """Whether a staff member's outgoing message on a closure case held a
    taboo phrase, written once by the server when it is posted: clean, a
    taboo phrase, or a taboo phrase its author confirmed ("Send anyway")."""
    _inherit = 'mail.message'

    closure_taboo_check = fields.Selection(
        [('clean', 'No Taboo Phrase'), ('taboo', 'Taboo Phrase'), ('confirmed', 'Taboo Phrase, Sent on Confirmation')],
        'Taboo Check', readonly=True, index='btree_not_null',
        help="A staff member's outgoing message on a closure case, checked for taboo phrases. "
             "'Sent on Confirmation': the author was warned and chose to send it as it was.")
    closure_taboo_terms = fields.Char('Taboo Phrases Found', readonly=True)

    @api.model
    def _closure_check_fields(self):
        """The fields the posting path writes as superuser and nobody else."""
        return {'closure_taboo_check', 'closure_taboo_terms'}

    @api.model_create_multi
    def create(self, vals_list):
        # a message is never created pre-checked: the posting path checks it afterwards (as superuser)
        if not self.env.su:
            checks = self._closure_check_fields()
            for vals in vals_list:
                preset = sorted(fname for fname in checks if vals.get(fname))
                if preset:
                    raise AccessError(_("The compliance checks of a message (%(fields)s) are set by the server "
                                        "once it is posted: they cannot be given with it.", fields=', '.join(preset)))
        return super().create(vals_list)

    def write(self, vals):
        # the checks are evidence of a rep's compliance: only the posting path (as superuser) writes them
        changed = set(vals) & self._closure_check_fields()
        if not self.env.su and changed:
            raise AccessError(_("The compliance checks of a message (%(fields)s) are set when it is posted "
                                "and cannot be changed.", fields=', '.join(sorted(changed))))
        return super().write(vals)
