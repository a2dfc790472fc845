from odoo import api, models
from odoo.tools import SQL


class ClosureErasure(models.Model):
    """The erasure also empties what the customer-care records hold about the
    person (the complaint's words, the survey's free text and contact), and
    takes the complaints' messages, activities and files with the case's;
    decisions, dates, steps and scores stay."""
    _inherit = 'closure.erasure'

    @api.model
    def _closure_case_record_tables(self):
        return super()._closure_case_record_tables() + [('closure.complaint', 'closure_complaint')]

    def _erase_cases(self, lead_ids):
        counts = super()._erase_cases(lead_ids)
        cr = self.env.cr
        leads = tuple(lead_ids) or (0,)
        cr.execute(SQL(
            """UPDATE closure_complaint SET reply_excerpt = NULL, cause = NULL, options = NULL, message_id = NULL
                WHERE lead_id IN %s""", leads))
        cr.execute(SQL(
            """UPDATE survey_user_input_line SET value_text_box = NULL, value_char_box = NULL
                WHERE user_input_id IN (SELECT id FROM survey_user_input WHERE closure_lead_id IN %s)""", leads))
        cr.execute(SQL(
            """UPDATE survey_user_input SET partner_id = NULL, email = NULL, nickname = NULL
                WHERE closure_lead_id IN %s""", leads))
        self.env['closure.complaint'].invalidate_model()
        self.env['survey.user_input'].invalidate_model()
        self.env['survey.user_input.line'].invalidate_model()
        return counts
