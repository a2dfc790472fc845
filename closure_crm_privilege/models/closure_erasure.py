from odoo import api, models
from odoo.tools import SQL


class ClosureErasure(models.Model):
    """The erasure takes the privileges and opt-ins with their case (their
    messages, activities and files) and empties how an opt-in came in (the
    call note, the evidence file); the decisions and dates stay."""
    _inherit = 'closure.erasure'

    @api.model
    def _closure_case_record_tables(self):
        return super()._closure_case_record_tables() + [
            ('closure.privilege', 'closure_privilege'), ('closure.privilege.answer', 'closure_privilege_answer'),
        ]

    def _erase_cases(self, lead_ids):
        counts = super()._erase_cases(lead_ids)
        cr = self.env.cr
        cr.execute(SQL("SELECT id FROM closure_privilege_answer WHERE lead_id IN %s", tuple(lead_ids) or (0,)))
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
