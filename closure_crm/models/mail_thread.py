from odoo import models
from odoo.tools import html2plaintext


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    def _routing_handle_bounce(self, email_message, message_dict):
        """A notice that bounces marks its row invalid with the bounce, as
        mass_mailing marks its traces."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        bounced_msg_ids = message_dict.get('bounced_msg_ids')
        if bounced_msg_ids:
            self.env['closure.notice.recipient']._closure_mail_failed(
                [('message_id.message_id', 'in', bounced_msg_ids)], 'bounced',
                html2plaintext(message_dict.get('body') or ''))
        return res
