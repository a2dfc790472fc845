import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

from .closure_notice_recipient import SERVER_REASONS
from .crm_lead import CLOSURE_SEGMENTS, CLOSURE_TIERS

_logger = logging.getLogger(__name__)

# cases handled per transaction: the cron commits between batches
NOTICE_BATCH = 1000

WAVE_STATES = [
    ('draft', 'Draft'),
    ('in_queue', 'Queued'),
    ('sending', 'Sending'),
    ('done', 'Sent'),
    ('cancel', 'Cancelled'),
]

# the wave's figures (fields computed by _compute_statistics from its notice rows)
FIGURES = (
    'case_count', 'pending_count', 'queued_count', 'sent_count', 'personal_count', 'invalid_count',
    'failed_count', 'failed_server_count', 'failed_other_count', 'cancel_count', 'reminder_count',
)

# Fields a notice mail is rendered with, in one batch per template
# (mail.template._generate_template, as send_mail_batch and the mass composer do).
RENDER_FIELDS = (
    'attachment_ids', 'body_html', 'email_cc', 'email_from', 'email_to', 'mail_server_id', 'partner_to',
    'reply_to', 'scheduled_date', 'subject',
)


class ClosureNoticeWave(models.Model):
    """A batch of notices: the cases of a plan picked by tier, segment and
    stage get a template through one channel at a scheduled time."""

    _name = 'closure.notice.wave'
    _description = 'Closure Notice Wave'
    _inherit = ['mail.thread']
    _order = 'scheduled_date desc, id desc'

    name = fields.Char('Wave', required=True, tracking=True)
    plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', required=True, ondelete='cascade', index=True, tracking=True)
    company_id = fields.Many2one(related='plan_id.company_id', store=True, index=True)
    state = fields.Selection(WAVE_STATES, 'Status', default='draft', required=True,
                             tracking=True, copy=False, index=True)
    # -- which cases --------------------------------------------------------
    tier = fields.Selection(CLOSURE_TIERS, help="Empty: every tier.")
    segment = fields.Selection(CLOSURE_SEGMENTS, help="Empty: both segments.")
    stage_ids = fields.Many2many(
        'crm.stage', string='Stages', compute='_compute_stage_ids', store=True, readonly=False,
        domain="[('is_closure_stage', '=', True)]",
        help="Cases in these stages are picked. Empty: any stage.")
    team_id = fields.Many2one(related='plan_id.team_id')
    # -- what and how ---------------------------------------------------------
    mail_template_id = fields.Many2one(
        'mail.template', 'Template', domain="[('model', '=', 'crm.lead')]",
        help="Empty: each case gets the customer notice of its tier and segment.")
    is_notice = fields.Boolean(
        'Is a Notice', compute='_compute_is_notice', store=True,
        help="Sending a notice moves the case to 'Notified', starts its claim period "
             "and its reminders.")
    channel = fields.Selection(
        selection='_selection_channel', default='email', required=True,
        help="Email through Odoo's mail queue; SMS when the SMS app is installed; "
             "printed letters to post (Print Letters).")
    sms_body = fields.Text(
        'SMS Text', translate=True,
        default=lambda self: _(
            "{{ object.company_id.name }}: important information about your service. "
            "Please read and answer here: {{ object.closure_answer_url }}"),
        help="Placeholders as in mail templates, e.g. {{ object.partner_id.name }}. "
             "Translate it for each customer language.")
    scheduled_date = fields.Datetime(
        'Scheduled For', default=fields.Datetime.now, required=True, tracking=True)
    sent_date = fields.Datetime('Sent On', readonly=True, copy=False)
    error_message = fields.Text(
        'Sending Error', readonly=True, copy=False,
        help="Why the scheduled job stopped sending this wave. The other waves go on; "
             "fix the cause, then Retry.")
    # -- results ------------------------------------------------------------
    recipient_ids = fields.One2many('closure.notice.recipient', 'wave_id', string='Recipients')
    case_count = fields.Integer(
        'Cases Picked', compute='_compute_statistics',
        help="Before sending: the cases the wave's filters pick now. Once sending starts: the notices of the "
             "wave, whatever their state (the sum of the figures below).")
    # the figures are the notice rows' states, counted (never incremented along the way);
    # the wave's history messages are written from the same figures (_closure_figures)
    pending_count = fields.Integer(
        'To Send', compute='_compute_statistics', help="Notices not handed to the mail queue yet.")
    queued_count = fields.Integer(
        'In the Mail Queue', compute='_compute_statistics',
        help="Notices handed to Odoo's mail queue and not delivered yet, retries included.")
    sent_count = fields.Integer('Sent', compute='_compute_statistics', help="Notices delivered.")
    personal_count = fields.Integer('Personal Contacts', compute='_compute_statistics')
    invalid_count = fields.Integer(
        'Invalid Addresses', compute='_compute_statistics',
        help="Notices that cannot reach the customer's address: missing, invalid, refused by the "
             "customer's mail server or bounced. Fix the address on the customer, then Resend Failed.")
    failed_count = fields.Integer(
        'Delivery Failed', compute='_compute_statistics',
        help="Notices our side could not deliver (mail server refused or unreachable, another cause): "
             "resend them.")
    failed_server_count = fields.Integer(
        'Mail Server Failures', compute='_compute_statistics',
        help="Notices our outgoing mail server refused (relay, authentication, policy) or could not be "
             "reached for the whole retry window: check the outgoing mail server, then Resend Failed.")
    failed_other_count = fields.Integer(
        'Other Failures', compute='_compute_statistics',
        help="Notices that failed for another reason (no template for the case, cancelled in the mail "
             "queue...): see the reason on each notice.")
    cancel_count = fields.Integer('Cancelled Notices', compute='_compute_statistics')
    reminder_count = fields.Integer('Reminders', compute='_compute_statistics')
    progress = fields.Float(
        'Progress (%)', compute='_compute_statistics',
        help="Share of the wave's notices settled: delivered, personal contact or failed for good.")

    @api.model
    def _selection_channel(self):
        channels = [('email', _('Email'))]
        if self._sms_installed():
            channels.append(('sms', _('SMS')))
        channels.append(('letter', _('Printed Letter')))
        return channels

    @api.depends('plan_id')
    def _compute_stage_ids(self):
        for wave in self:
            team = wave.plan_id.team_id
            # the closure pipeline's stages are shared by every plan's team
            stage = team and self.env['crm.stage'].search(
                [('is_closure_stage', '=', True), ('closure_stage_code', '=', 'to_notify')], limit=1)
            wave.stage_ids = stage or False

    @api.depends('mail_template_id.closure_kind')
    def _compute_is_notice(self):
        for wave in self:
            wave.is_notice = not wave.mail_template_id or wave.mail_template_id.closure_kind == 'notice'

    @api.depends('state', 'plan_id', 'tier', 'segment', 'stage_ids', 'recipient_ids.state',
                 'recipient_ids.failure_reason')
    def _compute_statistics(self):
        figures = self._closure_figures()
        for wave in self:
            values = figures[wave._origin.id]
            if wave.state == 'draft' or not values['case_count']:
                # nothing picked yet: what the filters pick now
                values['case_count'] = wave.plan_id and self.env['crm.lead'].search_count(wave._case_domain())
            for fname, value in values.items():
                wave[fname] = value

    def _closure_figures(self):
        """{wave id: {figure: count}}: the waves' notice rows counted by
        state and failure cause, in one grouped query. The counters on the
        wave and its history messages both come from here."""
        Recipient = self.env['closure.notice.recipient']
        counts = defaultdict(lambda: defaultdict(int))
        wave_ids = [wid for wid in self._origin.ids if wid]
        if wave_ids:
            Recipient.flush_model(['wave_id', 'state', 'failure_reason', 'reminder_number'])
            for wave, state, reason, number, count in Recipient._read_group(
                    [('wave_id', 'in', wave_ids)], ['wave_id', 'state', 'failure_reason', 'reminder_number'],
                    ['__count']):
                if number:
                    counts[wave.id]['reminder_count'] += count
                    continue
                counts[wave.id]['case_count'] += count
                if state == 'failed':
                    cause = 'failed_server_count' if reason in SERVER_REASONS else 'failed_other_count'
                    counts[wave.id][cause] += count
                counts[wave.id][f'{state}_count'] += count
        result = {}
        for wave in self:
            wave_counts = counts[wave._origin.id]
            values = {fname: wave_counts[fname] for fname in FIGURES}
            live = values['case_count'] - values['cancel_count']
            settled = live - values['pending_count'] - values['queued_count']
            values['progress'] = 100.0 * settled / live if live else 0.0
            result[wave._origin.id] = values
        return result

    @api.constrains('sms_body')
    def _check_sms_taboo(self):
        self.env['closure.phrase']._check_taboo_translations(self, 'sms_body', lambda wave, lang: self.env._(
            "Wave %(wave)s: SMS text (%(lang)s)", wave=wave.name, lang=lang))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    # A wave's notice rows record what each customer was sent, and when:
    # evidence of the notice. A wave that sent anything is kept (deleting it
    # would remove its rows through the database's cascade); a draft or
    # cancelled wave whose rows never left goes.
    @api.ondelete(at_uninstall=False)
    def _unlink_except_notices_sent(self):
        if self.env.uid == SUPERUSER_ID:
            return  # the system itself (shell, upgrades, test clean-ups)
        # whoever deletes, the rows exist: counted as the system
        sent = self.env['closure.notice.recipient'].sudo()._read_group(
            [('wave_id', 'in', self.ids), ('state', 'not in', ('pending', 'cancel'))], ['wave_id'])
        if sent:
            raise UserError(_(
                "%(wave)s sent notices: its notice rows are the evidence of what each customer was sent and "
                "when. It cannot be deleted; cancel it instead.", wave=sent[0][0].display_name))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send(self):
        """Queue the wave. It is sent at its scheduled time by the scheduled
        job, in batches; a small wave due now is sent at once. Pressing send
        twice, or two users at once, sends each case its notice once."""
        for wave in self:
            wave.plan_id._check_closure_gate('send_wave')
            if wave.state not in ('draft', 'in_queue'):
                continue
            if wave.plan_id.state != 'in_progress':
                raise UserError(_("Start the plan %(plan)s before sending its notices.", plan=wave.plan_id.name))
            wave.plan_id._check_export_channel()
            if (
                wave.is_notice
                and not wave.mail_template_id
                and wave.channel != 'sms'
                and not self.env['mail.template'].search_count(
                    [('model', '=', 'crm.lead'), ('closure_kind', '=', 'notice')]
                )
            ):
                raise UserError(_("There is no customer notice template: choose a template for the wave %(wave)s.",
                                  wave=wave.name))
            if wave.channel == 'sms' and not (wave.sms_body or '').strip():
                raise UserError(_("Wave %(wave)s: write the SMS text first.", wave=wave.name))
            wave._check_rendered_taboo()
            wave.state = 'in_queue'
        cron = self.env.ref('closure_crm.ir_cron_closure_notice_waves')
        for wave in self.filtered(lambda w: w.state in ('in_queue', 'sending')):
            if wave.scheduled_date <= fields.Datetime.now() and wave.case_count <= NOTICE_BATCH:
                wave._start_sending()
                wave._process_batch()
                wave._check_done()
            else:
                cron._trigger(at=max(wave.scheduled_date, fields.Datetime.now()))
        return True

    def action_cancel(self):
        self.filtered(lambda w: w.state != 'done').write({'state': 'cancel'})
        self.env['closure.notice.recipient'].search(
            [('wave_id', 'in', self.ids), ('state', '=', 'pending')])._mark_cancelled()

    def action_reset_draft(self):
        """Back to draft: the notices the cancel stopped are forgotten, so
        that sending the wave again picks their cases (if they still match)."""
        waves = self.filtered(lambda w: w.state == 'cancel')
        self.env['closure.notice.recipient'].search(
            [('wave_id', 'in', waves.ids), ('state', '=', 'cancel')]).unlink()
        waves.write({'state': 'draft', 'error_message': False})

    def action_retry(self):
        """Clear the sending error: the scheduled job takes the wave again."""
        waves = self.filtered('error_message')
        waves.write({'error_message': False})
        if waves:
            self.env.ref('closure_crm.ir_cron_closure_notice_waves')._trigger()
        return True

    def action_resend_failed(self):
        """One click: the notices that failed for good go back to Odoo's mail
        queue (their own mails, same Message-Id); each is notified when sent."""
        self.env['closure.notice.recipient'].search(
            [('wave_id', 'in', self.ids), ('state', 'in', ('failed', 'invalid')),
             ('mail_mail_id', '!=', False)]).action_resend()
        return True

    def action_view_recipients(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_notice_recipient')
        action['domain'] = [('wave_id', '=', self.id)]
        action['context'] = dict(self.env.context, create=False, **self.env.context.get('recipient_filter', {}))
        return action

    def action_view_invalid(self):
        return self.with_context(recipient_filter={'search_default_invalid': 1}).action_view_recipients()

    def action_view_failed(self):
        return self.with_context(recipient_filter={'search_default_failed': 1}).action_view_recipients()

    def action_view_failed_server(self):
        return self.with_context(recipient_filter={'search_default_failed_server': 1}).action_view_recipients()

    def action_view_failed_other(self):
        return self.with_context(recipient_filter={'search_default_failed_other': 1}).action_view_recipients()

    def action_view_cases(self):
        """Before sending, the cases the filters pick now; once sending has
        started, the cases the wave picked (they moved on to 'Notified')."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = self._case_domain() if self.state == 'draft' or not self.recipient_ids else [
            ('closure_notice_ids.wave_id', '=', self.id), ('closure_notice_ids.reminder_number', '=', 0)]
        action['context'] = {'default_type': 'opportunity'}
        return action

    def action_print_letters(self):
        self.ensure_one()
        letters = self.recipient_ids.filtered(lambda r: r.channel == 'letter' and r.state == 'sent')
        if not letters:
            raise UserError(_("Wave %(wave)s has no letter to print yet: send it first.", wave=self.name))
        return self.env.ref('closure_crm.action_report_closure_notice_letter').report_action(letters)

    @api.model
    def _sms_installed(self):
        return 'sms.composer' in self.env

    def _case_domain(self):
        self.ensure_one()
        domain = [('closure_plan_id', '=', self.plan_id.id), ('type', '=', 'opportunity')]
        if self.tier:
            domain.append(('closure_tier', '=', self.tier))
        if self.segment:
            domain.append(('closure_segment', '=', self.segment))
        if self.stage_ids:
            domain.append(('stage_id', 'in', self.stage_ids.ids))
        return domain

    def _check_rendered_taboo(self):
        """Refuse to send when a notice, as rendered for the wave's cases,
        holds a taboo phrase: one case of each tier, segment and language is
        rendered (the same template and the same words for the others)."""
        self.ensure_one()
        self.env['crm.lead'].flush_model()
        self.env['res.partner'].flush_model(['lang'])
        cases = self.env['crm.lead'].sudo()._search(self._case_domain())  # the wave is being authorised
        self.env.cr.execute(SQL(
            """SELECT DISTINCT ON (l.closure_tier, l.closure_segment, p.lang) l.id
                 FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                WHERE l.id IN %s
             ORDER BY l.closure_tier, l.closure_segment, p.lang, l.id""", cases.subselect()))
        samples = self.env['crm.lead'].browse([row[0] for row in self.env.cr.fetchall()])
        Phrase = self.env['closure.phrase']
        matchers = Phrase._get_matchers(['taboo'])
        for lead in samples:
            if self.channel == 'sms':
                lang = lead.partner_id.lang or self.env.lang or 'en_US'
                texts = {'sms': self.env['mail.render.mixin'].with_context(lang=lang)._render_template(
                    self.with_context(lang=lang).sms_body, 'crm.lead', lead.ids, engine='inline_template')[lead.id]}
            else:
                template = self._template_for(lead)
                if not template:
                    continue
                texts = template._generate_template(lead.ids, ('subject', 'body_html'))[lead.id]
            for text in texts.values():
                found = Phrase._find_taboo(text or '', matchers)
                if found:
                    raise UserError(_(
                        "Wave %(wave)s cannot be sent: the notice to %(customer)s contains the taboo phrase "
                        "\"%(phrase)s\". Say instead: \"%(suggestion)s\".", wave=self.name,
                        customer=lead.partner_id.display_name, phrase=found[0].name,
                        suggestion=found[0].suggestion or _("a neutral wording (see the handbook)")))
                # a promise of priority rights or an advisory circle the plan has not approved
                self.plan_id._closure_check_promises({
                    _("Wave %(wave)s: the notice to %(customer)s", wave=self.name,
                      customer=lead.partner_id.display_name): text or ''})

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _start_sending(self):
        """Pick the cases once the wave is due: one recipient row per case,
        with the reason when the address for the channel is missing or
        invalid. Idempotent: existing rows are kept (ON CONFLICT DO NOTHING)."""
        for wave in self.filtered(lambda w: w.state == 'in_queue'):
            wave._prepare_recipients()
            wave.state = 'sending'

    def _claim_start(self):
        """Lock the queued wave to prepare its recipients, or False when
        another worker (a user's Send, another server's job) holds it: one prepares, the others send."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "SELECT id FROM closure_notice_wave WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id))
        return bool(self.env.cr.fetchone())

    def _address_sql(self):
        """SQL (reason, address) expressions for the partner ``p`` in the wave's channel."""
        if self.channel == 'letter':
            reason = SQL("""CASE WHEN COALESCE(btrim(p.street), '') = '' OR COALESCE(btrim(p.city), '') = ''
                                 THEN 'missing_address' END""")
            address = SQL("""concat_ws(', ', NULLIF(p.street, ''), NULLIF(p.zip, ''), NULLIF(p.city, ''))""")
        elif self.channel == 'sms':
            number = SQL("NULLIF(btrim(COALESCE(NULLIF(btrim(p.mobile), ''), p.phone)), '')")
            reason = SQL("CASE WHEN %s IS NULL THEN 'missing_phone' END", number)
            if (
                'phone_sanitized' in self.env['res.partner']._fields
                and self.env['res.partner']._fields['phone_sanitized'].store
            ):
                reason = SQL("""CASE WHEN %(number)s IS NULL THEN 'missing_phone'
                                     WHEN p.phone_sanitized IS NULL THEN 'invalid_phone' END""", number=number)
            address = number
        else:
            reason = SQL("""CASE WHEN COALESCE(btrim(p.email), '') = '' THEN 'missing_email'
                                 WHEN p.email_normalized IS NULL THEN 'invalid_email' END""")
            address = SQL("p.email")
        return reason, address

    def _prepare_recipients(self):
        self.ensure_one()
        cases = self.env['crm.lead'].sudo()._search(self._case_domain())  # the wave was authorised when queued
        reason, address = self._address_sql()
        count = self.env['closure.notice.recipient']._create_for_wave(self, cases, reason, address)
        _logger.info("Notice wave %s: %s recipients prepared", self.id, count)

    def _claim_pending(self, limit=None):
        self.ensure_one()
        return self.env['closure.notice.recipient']._claim(self, limit or NOTICE_BATCH)

    def _process_batch(self, limit=None):
        """Send the notices of one batch of pending cases; return how many
        rows were handled. Everything (mails, activities, rows marked sent,
        stages) is written in the caller's transaction, so a crash sends nothing
        twice: the rows come back pending with their mails rolled back."""
        self.ensure_one()
        rows = self._claim_pending(limit)
        if not rows:
            return 0
        plan = self.plan_id
        now = fields.Datetime.now()

        mail_rows = rows
        scheduled = {}
        if self.is_notice and plan.notice_tier_a_mode in ('activity', 'activity_mail'):
            tier_a = rows.filtered(lambda r: r.lead_id.closure_tier == 'a')
            if tier_a:
                tier_a.lead_id._closure_schedule_activity(
                    'mail.mail_activity_data_call',
                    _("Personal contact: call or meet the customer about the closure"),
                    _("Tier A customer: a manager or the founder calls or meets them personally "
                      "before any letter, and proposes a custom solution."),
                    date_deadline=fields.Date.context_today(self), owner=plan._closure_personal_contact_user())
                if plan.notice_tier_a_mode == 'activity':
                    tier_a._mark_personal(now)
                    mail_rows = rows - tier_a
                else:
                    later = now + timedelta(days=plan.notice_tier_a_delay_days)
                    scheduled = {row.id: later for row in tier_a}

        if mail_rows:
            if self.is_notice:
                self._mark_notified(mail_rows, scheduled, now)
            if self.channel == 'email':
                self._send_emails(mail_rows, scheduled, now)
            elif self.channel == 'sms':
                self._send_sms(mail_rows, now)
            else:
                self._render_letters(mail_rows, now)
        _logger.info("Notice wave %s: %s cases handled", self.id, len(rows))
        return len(rows)

    def _mark_notified(self, rows, scheduled, now):
        """Cases about to receive a notice move to 'Notified'. Their notice
        date (from which the claim period runs) is the day their mail is
        actually sent (closure.notice.recipient._closure_mail_sent); a printed
        letter or an SMS counts from today."""
        to_move = rows.lead_id.filtered(lambda lead: lead.closure_stage_code == 'to_notify')
        # the notice itself is in the case's history: no stage tracking message per case
        to_move.with_context(mail_notrack=True)._closure_set_stage('notified')

    def _template_for(self, lead, kind='notice'):
        """The wave's template, or the notice of the case's tier and segment."""
        if self.mail_template_id and kind == 'notice':
            return self.mail_template_id
        return self.env['mail.template']._closure_find(kind, lead.closure_tier, lead.closure_segment)

    def _send_emails(self, rows, scheduled, now, kind='notice'):
        """Render the rows' mails in one batch per template and queue them
        as mail.mail records; mark the rows sent in the same transaction."""
        templates = {}
        by_template = defaultdict(lambda: self.env['closure.notice.recipient'])
        for row in rows:
            key = (row.lead_id.closure_tier, row.lead_id.closure_segment)
            if key not in templates:
                templates[key] = self._template_for(row.lead_id, kind)
            template = templates[key]
            by_template[template] |= row
        no_template = by_template.pop(self.env['mail.template'], None)
        if no_template:
            no_template._mark_unsendable('no_template')

        for template, template_rows in by_template.items():
            leads = template_rows.lead_id
            # the notice states the claims deadline that its sending starts
            expected = {row.lead_id.id: (scheduled.get(row.id) or now).date() for row in template_rows} \
                if self.is_notice and kind == 'notice' else {}
            with leads._closure_as_notified(expected):
                leads._closure_forget_derived()
                # one compilation of the body for the batch (mail.render.mixin)
                values = template.with_context(closure_render_batch=True)._generate_template(
                    leads.ids, RENDER_FIELDS)
            reply_to = {} if template.reply_to else leads.sudo()._notify_get_reply_to(default=False)
            # the case's history logs the notice in one line; the mail keeps the full text
            # (the closure templates keep their mails: auto_delete off)
            log = self.env['ir.qweb']._render('closure_crm.message_paragraph', {'text': (
                _("Reminder sent: %(template)s", template=template.name) if kind == 'reminder'
                else _("Notice sent (%(wave)s): %(template)s", wave=self.name, template=template.name))})
            vals_list = []
            for row in template_rows:
                lead = row.lead_id
                rendered = values[lead.id]
                mail = {
                    # the message (chatter, reply routing); its body is the history's log line
                    'subject': rendered.get('subject') or '',
                    'body': log,
                    'email_from': rendered.get('email_from') or self.plan_id.company_id.email_formatted,
                    'reply_to': rendered.get('reply_to') or reply_to.get(lead.id) or False,
                    'model': 'crm.lead',
                    'res_id': lead.id,
                    'record_name': lead.name,
                    'author_id': (lead.user_id or self.plan_id.user_id).partner_id.id,
                    'message_type': 'email_outgoing',
                    'subtype_id': False,
                    'mail_server_id': rendered.get('mail_server_id') or False,
                    # the mail (what is sent)
                    'body_html': rendered.get('body_html') or '',
                    'email_to': rendered.get('email_to') or False,
                    'email_cc': rendered.get('email_cc') or False,
                    'recipient_ids': [(4, pid) for pid in rendered.get('partner_ids') or []],
                    # kept, whatever the template says: the notice row follows its mail's state
                    # (retries, delivery: mail.mail._closure_mark_sent) and the mail is the evidence
                    'auto_delete': False,
                    'is_notification': True,  # the message stays when the mail is deleted
                    'scheduled_date': scheduled.get(row.id) or rendered.get('scheduled_date') or False,
                }
                if rendered.get('attachment_ids'):
                    mail['attachment_ids'] = [(4, aid) for aid in rendered['attachment_ids']]
                # one Message-Id for the notice, kept across the queue's retries
                mail['message_id'] = self.env['mail.message']._get_message_id(mail)
                mail['references'] = mail['message_id']
                vals_list.append(mail)
            # Odoo's batched create, as the composer in mass mode (the queue's own records)
            mails = self.env['mail.mail'].sudo().create(vals_list)
            template_rows._mark_queued(template, mails, scheduled)
            self.env['mail.mail']._closure_trigger_queue(
                [now] + [scheduled[row.id] for row in template_rows if row.id in scheduled])

    def _send_sms(self, rows, now):
        """SMS through Odoo's SMS composer in mass mode (only when the SMS app
        is installed), in the customer's language, logged on each case."""
        if not self._sms_installed():
            rows._mark_unsendable('missing_phone')
            return
        by_lang = defaultdict(lambda: self.env['closure.notice.recipient'])
        for row in rows:
            by_lang[row.partner_id.lang or self.env.lang or 'en_US'] |= row
        for lang, lang_rows in by_lang.items():
            leads = lang_rows.lead_id
            body = self.with_context(lang=lang).sms_body
            composer = self.env['sms.composer'].with_context(
                active_model='crm.lead', active_ids=leads.ids, lang=lang,
            ).create({
                'composition_mode': 'mass',
                'res_model': 'crm.lead',
                'res_ids': repr(leads.ids),
                'body': body,
                # the SMS carries the customer's link: the history gets a line without it
                'mass_keep_log': False,
                'mass_force_send': False,
            })
            composer.with_context(closure_answer_real_token=True)._action_send_sms_mass(leads)
            log = self.env['ir.qweb']._render(
                'closure_crm.message_paragraph', {'text': _("Notice sent by SMS (%(wave)s).", wave=self.name)})
            leads._message_log_batch(bodies=dict.fromkeys(leads.ids, log), subject=False)
            lang_rows._mark_delivered(self.env['mail.template'], now)

    def _render_letters(self, rows, now):
        """Printed letters: render the template bodies in batch and keep them
        on the rows for the PDF report; log the letter on each case."""
        templates = {}
        by_template = defaultdict(lambda: self.env['closure.notice.recipient'])
        for row in rows:
            key = (row.lead_id.closure_tier, row.lead_id.closure_segment)
            if key not in templates:
                templates[key] = self._template_for(row.lead_id)
            by_template[templates[key]] |= row
        no_template = by_template.pop(self.env['mail.template'], None)
        if no_template:
            no_template._mark_unsendable('no_template')
        for template, template_rows in by_template.items():
            leads = template_rows.lead_id
            # the letter states the claims deadline its sending starts (today)
            expected = dict.fromkeys(leads.ids, now.date()) if self.is_notice else {}
            with leads._closure_as_notified(expected):
                leads._closure_forget_derived()
                values = template.with_context(closure_render_batch=True)._generate_template(
                    leads.ids, ('subject', 'body_html'))
            for row in template_rows:
                row.letter_body = values[row.lead_id.id].get('body_html')
            messages = leads._message_log_batch(
                bodies={lead.id: values[lead.id].get('body_html') for lead in leads},
                subject=False)
            by_lead = {message.res_id: message for message in messages}
            template_rows._mark_delivered(
                template, now, messages=[by_lead.get(row.lead_id.id) for row in template_rows],
                reminders=self.is_notice)

    def _check_done(self):
        """Close the waves that have nothing left to hand to the mail queue."""
        for wave in self.filtered(lambda w: w.state == 'sending'):
            if not wave._count_pending():
                wave.write({'state': 'done', 'sent_date': fields.Datetime.now()})
                title = _("Wave handed to the mail queue") if wave._closure_has_queued() else _("Wave sent")
                wave.message_post(body=wave._closure_figures_message(title))

    def _closure_has_queued(self):
        self.ensure_one()
        # counting the queue's bookkeeping, whoever's mail went out
        return bool(self.env['closure.notice.recipient'].sudo().search_count(
            [('wave_id', '=', self.id), ('state', '=', 'queued')], limit=1))

    def _closure_check_delivered(self):
        """Once the last mail of a sent wave is settled (delivered or failed
        for good), its history says the final figures."""
        for wave in self.filtered(lambda w: w.state == 'done'):
            if not wave._closure_has_queued():
                # the mail queue runs as whoever triggered it: the wave's history is bookkeeping
                wave.sudo().message_post(body=wave._closure_figures_message(_("Wave delivered")))

    def _closure_figures_message(self, title):
        """The wave's figures for its history: the same counters the form
        shows (_closure_figures, read now), so the two cannot disagree."""
        self.ensure_one()
        self.env['closure.notice.recipient'].flush_model()
        figures = self._closure_figures()[self.id]
        return _(
            "%(title)s: %(picked)s cases picked: %(sent)s sent, %(queued)s in the mail queue, %(pending)s to send, "
            "%(personal)s personal contacts, %(invalid)s invalid addresses, %(server)s refused or not reached "
            "by the mail server, %(other)s failed for another reason, %(cancelled)s cancelled.",
            title=title, picked=figures['case_count'], sent=figures['sent_count'],
            queued=figures['queued_count'], pending=figures['pending_count'],
            personal=figures['personal_count'], invalid=figures['invalid_count'],
            server=figures['failed_server_count'], other=figures['failed_other_count'],
            cancelled=figures['cancel_count'])

    def _count_pending(self):
        self.ensure_one()
        return self.env['closure.notice.recipient'].search_count([('wave_id', '=', self.id), ('state', '=', 'pending')])

    # ------------------------------------------------------------------
    # Scheduled jobs (the batch protocol: ir.cron._closure_run_batch)
    # ------------------------------------------------------------------
    @api.model
    def _due_waves(self):
        return self.search([('state', 'in', ('in_queue', 'sending')), ('error_message', '=', False),
                            ('scheduled_date', '<=', fields.Datetime.now())], order='scheduled_date, id')

    @api.model
    def _cron_process_waves(self):
        """Scheduled job: one batch of the first due wave."""
        self.env.ref('closure_crm.ir_cron_closure_notice_waves')._closure_run_batch(
            self._process_due_batch, self._count_due_work)

    @api.model
    def _process_due_batch(self):
        for wave in self._due_waves():
            done = wave._cron_process_wave()
            if done:
                return done
        return 0

    @api.model
    def _count_due_work(self):
        waves = self._due_waves()
        pending = self.env['closure.notice.recipient'].search_count(
            [('wave_id', 'in', waves.ids), ('state', '=', 'pending')])
        return pending + len(waves.filtered(lambda w: w.state == 'in_queue'))

    def _cron_process_wave(self):
        """One batch of the wave in its own savepoint: a wave that fails
        (a template that does not render, a bad address...) keeps its error
        and is skipped until retried; the other waves go on. Concurrency
        (deadlocks, serialization, lock timeouts) and a lost connection are
        no error of the wave: the batch protocol runs the batch again."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                if self.state == 'in_queue' and not self._claim_start():
                    return 0  # a user's Send is preparing its recipients
                self._start_sending()
                done = self._process_batch()
                self._check_done()
            return done
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            raise
        except Exception as error:  # noqa: BLE001 - recorded on the wave, the job goes on
            _logger.exception("Notice wave %s failed; the other waves go on", self.id)
            message = str(error) or error.__class__.__name__
            self.write({'error_message': message[:2000]})
            self.message_post(body=_("Sending stopped on an error; the other waves go on: %(error)s",
                                     error=message[:500]))
            return 0

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _send_reminders(self, limit=None):
        """Send one batch of due reminders; return how many were handled."""
        Recipient = self.env['closure.notice.recipient']
        notices = Recipient._claim_due_reminders(limit or NOTICE_BATCH)
        if not notices:
            return 0
        now = fields.Datetime.now()
        reminders = Recipient.create([{
            'wave_id': notice.wave_id.id,
            'lead_id': notice.lead_id.id,
            'partner_id': notice.partner_id.id,
            'reminder_number': notice.reminder_count + 1,
            'channel': 'email',
            'state': 'pending',
            'address': notice.partner_id.email,
        } for notice in notices])
        has_email = reminders.filtered(lambda r: email_normalize(r.partner_id.email or ''))
        (reminders - has_email)._mark_unsendable('missing_email')
        for wave, wave_rows in has_email.grouped('wave_id').items():
            wave._send_emails(wave_rows, {}, now, kind='reminder')
        notices.lead_id._closure_schedule_activity(
            'mail.mail_activity_data_call',
            _("No answer to the closure notice: follow up"),
            _("The customer has not answered the closure notice; a reminder was sent. "
              "Call them and make sure they know what happens, when, and who to contact."),
            date_deadline=fields.Date.context_today(self))
        notices._mark_reminded(now)
        _logger.info("Closure reminders: %s sent", len(notices))
        return len(notices)

    @api.model
    def _cron_send_reminders(self):
        """Scheduled job: one batch of due reminders."""
        self.env.ref('closure_crm.ir_cron_closure_notice_reminders')._closure_run_batch(
            self._send_reminders, self.env['closure.notice.recipient']._count_due_reminders)
