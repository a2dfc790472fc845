from odoo import api, fields, models
from odoo.tools import html2plaintext


class CrmLead(models.Model):
    """An angry reply opens a complaint on the case (closure.complaint),
    with the four steps as its checklist and the 24-hour follow-up."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_complaint_ids = fields.One2many(
        'closure.complaint', 'lead_id', string='Complaints', groups='closure_crm.group_closure_user')
    closure_complaint_open = fields.Boolean(
        'Open Complaint', compute='_compute_closure_complaint_open', groups='closure_crm.group_closure_user')

    @api.depends('closure_complaint_ids.state')
    def _compute_closure_complaint_open(self):
        for lead in self:
            lead.closure_complaint_open = 'open' in lead.closure_complaint_ids.mapped('state')

    def action_closure_view_complaints(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_complaint')
        action['domain'] = [('lead_id', '=', self.id)]
        action['context'] = {'default_lead_id': self.id}
        return action

    def _closure_triage_messages(self, messages):
        answered = super()._closure_triage_messages(messages)
        if not isinstance(messages, models.BaseModel):
            messages = self.env['mail.message'].browse(messages)
        angry = answered.filtered(lambda lead: lead.closure_reply_mood == 'angry')
        if angry:
            open_leads = self.env['closure.complaint'].sudo().search(
                [('lead_id', 'in', angry.ids), ('state', '=', 'open')]).lead_id
            last_message = {message.res_id: message for message in messages.sorted('id')}
            # the triage runs for the customer's message (mail gateway, public page): a trusted step
            self.env['closure.complaint'].sudo().create([{
                'lead_id': lead.id,
                'message_id': last_message.get(lead.id, messages.browse()).id,
                'reply_excerpt': html2plaintext(last_message[lead.id].body or '')[:2000]
                if lead.id in last_message else False,
            } for lead in angry - open_leads])
        return answered
