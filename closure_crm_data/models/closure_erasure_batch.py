from odoo import fields, models


class ClosureErasureBatch(models.Model):
    """What one batch of an erasure did, counted per kind; the erasure's
    counts are their sums."""
    _name = 'closure.erasure.batch'
    _description = 'Closure Data Erasure Batch'
    _order = 'id'

    erasure_id = fields.Many2one('closure.erasure', required=True, ondelete='cascade', index=True)
    case_count = fields.Integer('Cases Anonymised')
    partner_count = fields.Integer('Contacts Anonymised')
    identity_kept_count = fields.Integer('Contacts Keeping Name and Tax ID')
    message_count = fields.Integer('Messages Deleted')
    mail_count = fields.Integer('Mail and SMS Copies Deleted')
    attachment_count = fields.Integer('Attachments Deleted')
    evidence_count = fields.Integer('Consent Evidence Files Deleted')
    package_count = fields.Integer('Data Packages Deleted')
    consent_count = fields.Integer('Consents Emptied')
    token_count = fields.Integer('Answer Links Disabled')
    triage_count = fields.Integer('Triage Notes Emptied')
    recipient_count = fields.Integer('Notice Addresses Emptied')
    activity_count = fields.Integer('Activities Deleted')
    kept_move_count = fields.Integer('Posted Accounting Documents Kept')
    user_count = fields.Integer('Portal Users Archived and Anonymised')
    bank_count = fields.Integer('Bank Accounts Deleted')
    event_count = fields.Integer('Calendar Events Deleted')
    visitor_count = fields.Integer('Website Visitors Deleted')
    blacklist_kept_count = fields.Integer('Addresses Kept on the Suppression List')
