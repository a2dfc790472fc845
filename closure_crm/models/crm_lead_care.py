import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# cases handled per call of the care job (the cron calls again while some remain)
CARE_BATCH = 200


class CrmLead(models.Model):
    """Care around a closure case: the news list kept in step with the
    customer's opt-in, the personal meeting of tier A cases, and the
    three-day rule (no customer waits for an answer in silence)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_no_contact = fields.Boolean(
        'Asked Not to Be Contacted', tracking=True, copy=False, groups='closure_crm.group_closure_user',
        help="The customer asked us not to contact them: no care message is sent (the legal notices still are).")
    closure_care_sent_date = fields.Datetime(
        'Care Message Sent On', readonly=True, copy=False, groups='closure_crm.group_closure_user',
        help="The last care message of the three-day rule: one per silence.")

    def write(self, vals):
        res = super().write(vals)
        if 'closure_news_opt_in' in vals and not self.env.context.get('closure_news_no_sync'):
            cases = self.filtered('closure_plan_id')
            if cases:
                resubscribe = cases if vals['closure_news_opt_in'] else self.browse()
                cases.closure_plan_id._closure_sync_news_list(resubscribe=resubscribe)
        return res

    def action_closure_book_meeting(self):
        """Book the personal meeting of the case in the calendar, as crm's
        own button does, with the plan's manager or signatory (tier A: the
        founder meets the customer) as organiser and attendee."""
        self.ensure_one()
        action = self.action_schedule_meeting()
        host = self._closure_personal_contact_user()
        partner_ids = list(dict.fromkeys(host.partner_id.ids + self.env.user.partner_id.ids + self.partner_id.ids))
        action['context'] = dict(
            action['context'],
            default_partner_ids=partner_ids,
            default_user_id=host.id,
            default_name=_("Personal meeting: %(customer)s", customer=self.partner_id.display_name),
        )
        return action

    def _closure_personal_contact_user(self):
        """Who contacts the customer personally: for a tier A case the plan's
        signatory (the founder) or manager, for the others the case's owner."""
        self.ensure_one()
        if self.closure_tier == 'a':
            return self.closure_plan_id._closure_personal_contact_user()
        return self.user_id or self.closure_plan_id.user_id or self.env.user

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
        self.env.ref('closure_crm.ir_cron_closure_care')._closure_run_batch(
            lambda: len(self._closure_send_care()), self._closure_care_count_due)

    @api.model
    def _closure_care_count_due(self):
        self.env.flush_all()
        query = self._closure_care_due_sql(lock=False)
        return self.env.execute_query(SQL("SELECT count(*) FROM (%s) due", query))[0][0]
