from odoo import models
from odoo.tools import SQL


class ClosureErasure(models.Model):
    """The erasure also empties what the customer-care records hold about the
    person (the complaint's words, how an opt-in came in, the survey's free
    text and contact); decisions, dates, steps and scores stay."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.erasure'

    def _erase_cases(self, lead_ids):
        counts = super()._erase_cases(lead_ids)
        cr = self.env.cr
        leads = tuple(lead_ids) or (0,)
        cr.execute(SQL(
            """UPDATE closure_complaint SET reply_excerpt = NULL, cause = NULL, options = NULL, message_id = NULL
                WHERE lead_id IN %s""", leads))
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
        cr.execute(SQL(
            """UPDATE survey_user_input_line SET value_text_box = NULL, value_char_box = NULL
                WHERE user_input_id IN (SELECT id FROM survey_user_input WHERE closure_lead_id IN %s)""", leads))
        cr.execute(SQL(
            """UPDATE survey_user_input SET partner_id = NULL, email = NULL, nickname = NULL
                WHERE closure_lead_id IN %s""", leads))
        self.env['closure.complaint'].invalidate_model()
        self.env['closure.privilege.answer'].invalidate_model()
        self.env['survey.user_input'].invalidate_model()
        self.env['survey.user_input.line'].invalidate_model()
        return counts
