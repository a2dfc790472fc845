from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError


class ClosureNoticeWave(models.Model):
    """A wave's notice rows record what each customer was sent, and when:
    evidence of the notice. A wave that sent anything is kept (deleting it
    would remove its rows through the database's cascade); a draft or
    cancelled wave whose rows never left goes."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.notice.wave'

    @api.ondelete(at_uninstall=False)
    def _unlink_except_notices_sent(self):
        if self.env.uid == SUPERUSER_ID:
            return  # the system itself (shell, upgrades, test clean-ups)
        # whoever deletes, the rows exist: counted as the system
        sent = self.env['closure.notice.recipient'].sudo()._read_group(
            [('wave_id', 'in', self.ids), ('state', 'not in', ('pending', 'cancel'))], ['wave_id'])
        if sent:
            raise UserError(_(
                "%(wave)s sent notices: its notice rows are the evidence of what each customer was sent and "
                "when. It cannot be deleted; cancel it instead.", wave=sent[0][0].display_name))
