import logging

from odoo import models

_logger = logging.getLogger(__name__)

# the stages after which the customer gets the satisfaction survey
SATISFACTION_STAGES = ('transferred', 'settled')


class CrmLead(models.Model):
    """After a transfer completes and after a case is settled, the customer
    gets the plan's short satisfaction survey (CSAT 1-5 and the NPS question
    0-10), once per occasion, never when they asked not to be contacted."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    def write(self, vals):
        if 'stage_id' not in vals:
            return super().write(vals)
        before = {lead.id: lead.closure_stage_code for lead in self if lead.closure_plan_id}
        res = super().write(vals)
        for code in SATISFACTION_STAGES:
            reached = self.filtered(lambda lead, code=code: lead.id in before and lead.closure_stage_code == code
                                    and before[lead.id] != code)
            if reached:
                reached._closure_send_satisfaction(code)
        return res

    def _closure_send_satisfaction(self, trigger):
        """Invite each case's customer to the plan's satisfaction survey,
        in their language; returns the answers created."""
        Answer = self.env['survey.user_input'].sudo()  # invitations are the plan's, whoever moves the case
        sent = set(Answer.search([('closure_lead_id', 'in', self.ids), ('closure_trigger', '=', trigger)])
                   .mapped('closure_lead_id').ids)
        template = self.env.ref('closure_crm.mail_template_satisfaction', raise_if_not_found=False)
        answers = Answer
        for lead in self.sudo():  # the customer's contact flags (closure fields), read for whoever moves the case
            survey = lead.closure_plan_id._closure_satisfaction_survey()
            if lead.id in sent or not survey or not lead.partner_id.email or lead.closure_no_contact \
                    or lead.partner_id.is_blacklisted:
                continue
            answers |= survey.sudo()._create_answer(
                partner=lead.partner_id, check_attempts=False, closure_lead_id=lead.id, closure_trigger=trigger)
        if template:
            for answer in answers:
                template.sudo().send_mail(answer.id, email_layout_xmlid='mail.mail_notification_light')
        if answers:
            _logger.info("Satisfaction survey sent to %s customers (%s)", len(answers), trigger)
        return answers
