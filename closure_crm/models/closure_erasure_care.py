from odoo import models
from odoo.tools import SQL


class ClosureErasure(models.Model):
    """The erasure also empties what the privilege opt-ins hold about the
    person (how an opt-in came in, its file); decisions and dates stay.
    (The complaints and satisfaction answers: closure_crm_care.)"""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.erasure'

    def _erase_cases(self, lead_ids):
        counts = super()._erase_cases(lead_ids)
        cr = self.env.cr
        leads = tuple(lead_ids) or (0,)
        cr.execute(SQL("SELECT id FROM closure_privilege_answer WHERE lead_id IN %s", leads))
        answer_ids = [row[0] for row in cr.fetchall()]
        if answer_ids:
            attachments = self.env['ir.attachment'].sudo().search(
                [('res_model', '=', 'closure.privilege.answer'), ('res_id', 'in', answer_ids)])
            attachments.with_context(closure_erasure=True,
                                     **self.env['closure.consent']._closure_erasure_context()).unlink()
            cr.execute(SQL(
                "UPDATE closure_privilege_answer SET note = NULL, evidence_filename = NULL WHERE id IN %s",
                tuple(answer_ids)))
        self.env['closure.privilege.answer'].invalidate_model()
        return counts
