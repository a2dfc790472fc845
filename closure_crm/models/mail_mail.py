from odoo import models


class MailMail(models.Model):
    _inherit = 'mail.mail'

    def _personalize_outgoing_body(self, body, partner=False, recipients_follower_status=None):
        body = super()._personalize_outgoing_body(body, partner, recipients_follower_status)
        # the customer's answer link gets its secret only in the mail sent to
        # that customer; the kept mail and the history keep the placeholder
        if self.model == 'crm.lead' and self.res_id and body:
            body = self.env['crm.lead'].browse(self.res_id)._closure_fill_answer_token(
                body, partner or self.env['res.partner'])
        return body

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # notified means delivered: the notice's case counts as notified when
        # its mail went out; a failed send marks its notice row invalid
        closure_mails = self.filtered(lambda mail: mail.model == 'crm.lead')
        if closure_mails:
            Recipient = self.env['closure.notice.recipient']
            if failure_type:
                Recipient._closure_mail_failed(
                    [('mail_mail_id', 'in', closure_mails.ids)], 'send_failed',
                    failure_reason or dict(self._fields['failure_type']._description_selection(self.env)).get(
                        failure_type, failure_type))
            else:
                Recipient._closure_mail_sent(closure_mails)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type)
