from odoo import models


class MailTemplate(models.Model):
    _inherit = 'mail.template'

    def send_mail(self, res_id, force_send=False, raise_exception=False, email_values=None,
                  email_layout_xmlid=False):
        # a certificate that cannot be rendered as PDF now is mailed later
        # (survey.user_input._cron_closure_send_pending_certificates)
        if self.env.context.get('closure_certificate_deferred') and self.model == 'survey.user_input' \
                and self.report_template_ids:
            return False
        return super().send_mail(res_id, force_send=force_send, raise_exception=raise_exception,
                                 email_values=email_values, email_layout_xmlid=email_layout_xmlid)
