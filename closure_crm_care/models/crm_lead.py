import logging

from odoo import _, api, fields, models
from odoo.tools import SQL, html2plaintext

_logger = logging.getLogger(__name__)

# cases handled per call of the care job (the cron calls again while some remain)
CARE_BATCH = 200
# the stages after which the customer gets the satisfaction survey
SATISFACTION_STAGES = ('transferred', 'settled')


class CrmLead(models.Model):
    """Customer care on a closure case: the three-day rule (no customer waits
    for an answer in silence), the complaint an angry reply opens (four steps,
    24-hour follow-up), and the satisfaction survey after a transfer completes
    or a case is settled."""
    _inherit = 'crm.lead'

    closure_no_contact = fields.Boolean(
        'Asked Not to Be Contacted', tracking=True, copy=False, groups='closure_crm.group_closure_user',
        help="The customer asked us not to contact them: no care message is sent (the legal notices still are).")
    closure_care_sent_date = fields.Datetime(
        'Care Message Sent On', readonly=True, copy=False, groups='closure_crm.group_closure_user',
        help="The last care message of the three-day rule: one per silence.")
    closure_complaint_ids = fields.One2many(
        'closure.complaint', 'lead_id', string='Complaints', groups='closure_crm.group_closure_user')
    closure_complaint_open = fields.Boolean(
        'Open Complaint', compute='_compute_closure_complaint_open', groups='closure_crm.group_closure_user')

    @api.depends('closure_complaint_ids.state')
    def _compute_closure_complaint_open(self):
        for lead in self:
            lead.closure_complaint_open = 'open' in lead.closure_complaint_ids.mapped('state')

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_view_complaints(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm_care.action_closure_complaint')
        action['domain'] = [('lead_id', '=', self.id)]
        action['context'] = {'default_lead_id': self.id}
        return action

    # ------------------------------------------------------------------
    # Complaints: an angry reply opens one (closure.complaint), with the four
    # steps as its checklist and the 24-hour follow-up
    # ------------------------------------------------------------------
    @api.model
    def _closure_evidence_kinds(self):
        # a complaint is part of the plan's record: its case is archived, never deleted or merged
        return [*super()._closure_evidence_kinds(), ('closure.complaint', [], _("complaints"))]

    def _closure_on_angry_reply(self, messages):
        res = super()._closure_on_angry_reply(messages)
        if not self:
            return res
        if not isinstance(messages, models.BaseModel):
            messages = self.env['mail.message'].browse(messages)
        open_leads = self.env['closure.complaint'].sudo().search(
            [('lead_id', 'in', self.ids), ('state', '=', 'open')]).lead_id
        last_message = {message.res_id: message for message in messages.sorted('id')}
        # the triage runs for the customer's message (mail gateway, public page): a trusted step
        self.env['closure.complaint'].sudo().create([{
            'lead_id': lead.id,
            'message_id': last_message.get(lead.id, messages.browse()).id,
            'reply_excerpt': html2plaintext(last_message[lead.id].body or '')[:2000]
            if lead.id in last_message else False,
        } for lead in self - open_leads])
        return res

    # ------------------------------------------------------------------
    # The three-day rule
    # ------------------------------------------------------------------
    @api.model
    def _closure_care_due_sql(self, limit=None, lock=True):
        """Cases due for a care message, locked for this job: the customer's
        last answer, complaint or question (closure_reply_date) is older than
        the plan's setting, nothing came from us since (a message, a logged
        activity), no care message was sent for this silence, and the
        customer did not ask not to be contacted (case flag, email blacklist)."""
        comment = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_comment')
        return SQL("""
            SELECT lead.id
              FROM crm_lead lead
              JOIN closure_plan plan ON plan.id = lead.closure_plan_id
              JOIN res_partner partner ON partner.id = lead.partner_id
             WHERE plan.state = 'in_progress' AND plan.care_silence_days > 0
               AND lead.active AND lead.closure_erased_date IS NULL
               AND lead.closure_reply_date IS NOT NULL
               AND lead.closure_reply_date < (now() at time zone 'UTC') - make_interval(days => plan.care_silence_days)
               AND (lead.closure_care_sent_date IS NULL OR lead.closure_care_sent_date < lead.closure_reply_date)
               AND NOT COALESCE(lead.closure_no_contact, FALSE)
               AND COALESCE(lead.closure_stage_code, '') NOT IN ('settled', 'closed')
               AND NOT EXISTS (
                    SELECT 1 FROM mail_message message
                     WHERE message.model = 'crm.lead' AND message.res_id = lead.id
                       AND message.date > lead.closure_reply_date
                       AND message.author_id IS DISTINCT FROM lead.partner_id
                       AND ((message.message_type IN ('email', 'comment') AND message.subtype_id = %(comment)s)
                            OR message.mail_activity_type_id IS NOT NULL))
               AND NOT EXISTS (
                    SELECT 1 FROM mail_blacklist blacklist
                     WHERE blacklist.active AND blacklist.email = partner.email_normalized)
          ORDER BY lead.closure_reply_date, lead.id
             LIMIT %(limit)s
               %(lock)s""", comment=comment, limit=limit,
                   lock=SQL("FOR UPDATE OF lead SKIP LOCKED") if lock else SQL())

    @api.model
    def _closure_send_care(self, limit=CARE_BATCH):
        """One batch of the three-day rule: each due case gets the care
        message (email; SMS too when the sms add-on is installed and the
        customer has a mobile) and an activity for its owner. Returns the
        cases handled."""
        self.env.flush_all()
        self.env.cr.execute(self._closure_care_due_sql(limit))
        cases = self.browse([row[0] for row in self.env.cr.fetchall()]).with_context(mail_create_nosubscribe=True)
        if not cases:
            return cases
        now = fields.Datetime.now()
        Template = self.env['mail.template']
        for case in cases:
            template = Template._closure_find('care', tier=case.closure_tier, segment=case.closure_segment)
            if template and case.partner_id.email:
                case.message_post_with_source(
                    template, subtype_xmlid='mail.mt_comment', partner_ids=case.partner_id.ids,
                    author_id=(case.user_id or case.closure_plan_id.user_id).partner_id.id or None)
            mobile = case.partner_id.mobile or case.partner_id.phone
            if mobile and hasattr(case, '_message_sms'):
                lang = case.partner_id.lang or self.env.lang
                # queued: the sms add-on's own job sends them
                case._message_sms(case.with_context(lang=lang)._closure_care_sms_text(),
                                  partner_ids=case.partner_id.ids, put_in_queue=True)
        cases.sudo().write({'closure_care_sent_date': now})  # the job's bookkeeping, hidden from the form
        for owner_lang, group in cases.grouped(lambda c: (c.user_id or c.closure_plan_id.user_id).lang).items():
            staff = group.with_context(lang=owner_lang) if owner_lang else group
            staff._closure_schedule_activity(
                'mail.mail_activity_data_call', staff.env._("Customer waiting: follow up today"),
                staff.env._("The customer's last answer, complaint or question has had no reply for %(days)s days. "
                            "A care message went out; call or write to them today.",
                            days=group[:1].closure_plan_id.care_silence_days),
                date_deadline=fields.Date.context_today(self))
        _logger.info("Three-day rule: %s care messages", len(cases))
        return cases

    def _closure_care_sms_text(self):
        self.ensure_one()
        contact = self.user_id or self.closure_plan_id.user_id
        return self.env._(
            "%(company)s: we have not forgotten your message. %(contact)s will contact you shortly; "
            "call %(phone)s if you need us sooner.",
            company=(self.company_id or self.closure_plan_id.company_id).name, contact=contact.name,
            phone=self.closure_plan_id.notice_hotline or contact.phone or '')

    @api.model
    def _cron_closure_care(self):
        """The three-day rule's job, one batch per call on the closure jobs'
        batch protocol (``ir.cron._closure_run_batch``)."""
        self.env.ref('closure_crm_care.ir_cron_closure_care')._closure_run_batch(
            lambda: len(self._closure_send_care()), self._closure_care_count_due)

    @api.model
    def _closure_care_count_due(self):
        self.env.flush_all()
        query = self._closure_care_due_sql(lock=False)
        return self.env.execute_query(SQL("SELECT count(*) FROM (%s) due", query))[0][0]

    # ------------------------------------------------------------------
    # Satisfaction: after a transfer completes and after a case is settled,
    # the customer gets the plan's short survey (CSAT 1-5 and the NPS
    # question 0-10), once per occasion, never when they asked not to be
    # contacted
    # ------------------------------------------------------------------
    def _closure_send_satisfaction(self, trigger):
        """Invite each case's customer to the plan's satisfaction survey,
        in their language; returns the answers created."""
        Answer = self.env['survey.user_input'].sudo()  # invitations are the plan's, whoever moves the case
        sent = set(Answer.search([('closure_lead_id', 'in', self.ids), ('closure_trigger', '=', trigger)])
                   .mapped('closure_lead_id').ids)
        template = self.env.ref('closure_crm_care.mail_template_satisfaction', raise_if_not_found=False)
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

    # ------------------------------------------------------------------
    # The erasure of the case's data (closure_crm's hooks, which the erasure
    # of closure_crm_data calls): complaints and survey answers go with it
    # ------------------------------------------------------------------
    @api.model
    def _closure_case_record_tables(self):
        return super()._closure_case_record_tables() + [('closure.complaint', 'closure_complaint')]

    @api.model
    def _closure_erase_case_records(self, lead_ids):
        """The erasure also empties what the customer-care records hold about
        the person (the complaint's words, the survey's free text and contact);
        decisions, dates, steps and scores stay."""
        result = super()._closure_erase_case_records(lead_ids)
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
        return result
