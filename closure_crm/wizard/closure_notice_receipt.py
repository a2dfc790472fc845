from odoo import fields, models


class ClosureNoticeReceipt(models.TransientModel):
    """Record the day a customer received the printed notice, with the
    postal receipt or a link as evidence: their claim period runs from it."""
    _name = 'closure.notice.receipt'
    _description = 'Record a Letter Receipt'

    lead_id = fields.Many2one('crm.lead', 'Case', required=True, ondelete='cascade')
    date = fields.Date('Received On', required=True, default=fields.Date.context_today)
    evidence_file = fields.Binary()
    evidence_filename = fields.Char('Evidence File Name')
    evidence_url = fields.Char('Evidence Link')

    def action_confirm(self):
        self.ensure_one()
        attachment = None
        if self.evidence_file:
            attachment = self.env['ir.attachment'].create({
                'name': self.evidence_filename or 'receipt',
                'datas': self.evidence_file,
                'res_model': 'crm.lead',
                'res_id': self.lead_id.id,
            })
        self.lead_id._closure_record_notice_receipt(self.date, evidence_url=self.evidence_url, attachment=attachment)
        return {'type': 'ir.actions.act_window_close'}
