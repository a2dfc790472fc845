from odoo import fields, models
from odoo.tools import SQL

RECIPIENT_STATES = [
    ('pending', 'To Send'),
    ('sent', 'Sent'),
    ('personal', 'Personal Contact'),
    ('invalid', 'Invalid Address'),
    ('cancel', 'Cancelled'),
]
FAILURE_REASONS = [
    ('missing_email', 'No email address'),
    ('invalid_email', 'Invalid email address'),
    ('missing_phone', 'No mobile or phone number'),
    ('invalid_phone', 'Invalid phone number'),
    ('missing_address', 'No postal address'),
    ('no_template', 'No template for this tier and segment'),
]


class ClosureNoticeRecipient(models.Model):
    """One case in one wave: the notice (number 0) or the n-th reminder.

    The row is the wave's guarantee that a case gets a notice once: it is
    unique per wave, case and number, claimed with FOR UPDATE SKIP LOCKED and
    marked sent in the same transaction that queues the mail."""
    _name = 'closure.notice.recipient'
    _description = 'Closure Notice Recipient'
    _order = 'wave_id desc, id'
    _rec_name = 'lead_id'

    wave_id = fields.Many2one('closure.notice.wave', 'Wave', required=True, ondelete='cascade', index=True)
    plan_id = fields.Many2one(related='wave_id.plan_id', string='Plan')
    company_id = fields.Many2one(related='wave_id.company_id', string='Company')
    lead_id = fields.Many2one('crm.lead', 'Case', required=True, ondelete='cascade', index=True)
    partner_id = fields.Many2one('res.partner', 'Customer', ondelete='set null')
    user_id = fields.Many2one(related='lead_id.user_id', string='Owner')
    tier = fields.Selection(related='lead_id.closure_tier')
    reminder_number = fields.Integer(
        'Reminder No.', default=0, required=True,
        help="0 for the wave's notice, then 1, 2... for the reminders that follow it.")
    channel = fields.Selection(
        [('email', 'Email'), ('sms', 'SMS'), ('letter', 'Printed Letter')], 'Channel', required=True)
    state = fields.Selection(RECIPIENT_STATES, 'Status', default='pending', required=True, index=True)
    failure_reason = fields.Selection(FAILURE_REASONS, 'Reason')
    address = fields.Char('Address Used', help="The email, number or postal address at the time of sending.")
    template_id = fields.Many2one('mail.template', 'Template', ondelete='set null')
    mail_mail_id = fields.Many2one('mail.mail', 'Queued Email', ondelete='set null', index='btree_not_null')
    message_id = fields.Many2one(
        'mail.message', 'Message', ondelete='set null', index='btree_not_null',
        help="The notice as kept in the case's history, with its body.")
    mail_body = fields.Text(
        related='mail_mail_id.body_html', string='Notice Text',
        help="The notice as mailed to the customer (kept while its mail is kept).")
    sent_date = fields.Datetime('Sent On')
    scheduled_date = fields.Datetime(
        'Mail Scheduled For', help="Tier A cases get the personal letter after the personal contact.")
    letter_body = fields.Html('Letter', sanitize=False, readonly=True,
                              help="The rendered letter, for printed notices.")
    last_contact_date = fields.Datetime(
        'Last Contact', help="When the notice or its last reminder went out; the next reminder "
                             "is due the plan's reminder delay after it.")
    reminder_count = fields.Integer('Reminders Sent', default=0)

    _sql_constraints = [
        ('wave_case_number_uniq', 'UNIQUE(wave_id, lead_id, reminder_number)',
         'A case gets a wave\'s notice, and each of its reminders, once.'),
    ]

    def init(self):
        super().init()
        # the scheduled job claims and counts a wave's pending rows in id order
        self.env.cr.execute(SQL(
            """CREATE INDEX IF NOT EXISTS closure_notice_recipient_pending_idx
                   ON closure_notice_recipient (wave_id, id) WHERE state = 'pending'"""))

    def action_open_case(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'crm.lead',
            'res_id': self.lead_id.id,
            'view_mode': 'form',
        }
