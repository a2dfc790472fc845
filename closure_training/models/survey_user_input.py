import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# the states in which ir.actions.report renders a PDF ('install': no wkhtmltopdf,
# 'broken': one that does not answer)
PDF_STATES = ('ok', 'upgrade', 'workers')


class SurveyUserInput(models.Model):
    _inherit = 'survey.user_input'

    closure_certificate_pending = fields.Boolean(
        string="Certificate to Send", readonly=True, copy=False,
        help="Passed while this server could not render PDFs (wkhtmltopdf missing): the attempt counts, and the "
             "certificate is mailed as soon as it can be rendered.")

    @api.model
    def _closure_can_render_pdf(self):
        return self.env['ir.actions.report'].get_wkhtmltopdf_state() in PDF_STATES

    def _mark_done(self):
        """A passed certification is a passed certification: without
        wkhtmltopdf the certificate mail (its PDF attachment) waits for the
        cron instead of failing the submission, which would leave the attempt
        unfinished and the certification gates closed."""
        if self._closure_can_render_pdf():
            return super()._mark_done()
        waiting = self.filtered(lambda user_input: user_input.survey_id.certification
                                and user_input.survey_id.certification_mail_template_id.report_template_ids
                                and not user_input.test_entry)
        res = super(SurveyUserInput, self.with_context(closure_certificate_deferred=True))._mark_done()
        waiting = waiting.filtered('scoring_success')
        if waiting:
            _logger.info("No PDF rendering on this server: the certificate of %s attempt(s) is mailed later",
                         len(waiting))
            waiting.closure_certificate_pending = True
        return res

    @api.model
    def _cron_closure_send_pending_certificates(self):
        """Mail the certificates of the attempts passed while no PDF could be
        rendered, once it can."""
        if not self._closure_can_render_pdf():
            return
        pending = self.search([('closure_certificate_pending', '=', True)])
        for user_input in pending:
            template = user_input.survey_id.certification_mail_template_id
            if template:
                template.send_mail(user_input.id, email_layout_xmlid="mail.mail_notification_light")
        pending.closure_certificate_pending = False
