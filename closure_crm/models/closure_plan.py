from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .closure_transfer import ACCEPTED_STATES

# Statutory periods (days). Defaults are China's (PRC Company Law 2023, local
# prepaid-consumption rules, PIPL); every one of them is a field on the plan so a
# company elsewhere changes them in the form. See shared domain notes.
DEFAULT_PERIODS = {
    'formation_days': 15,           # liquidation group formed after the decision
    'creditor_notice_days': 10,     # known creditors notified after formation
    'announcement_days': 60,        # public announcement after formation
    'claim_notice_days': 30,        # claim declaration after receiving the notice
    'claim_announcement_days': 45,  # claim declaration after the announcement
    'prepaid_notice_days': 30,      # prepaid customers told this long before service end
    'refund_days': 15,              # refund paid after the customer's request
    'export_days': 30,              # data export channel open after service end
    'erasure_days': 30,             # data erased after the export deadline
    'settlement_days': 30,          # declared claims paid after the claims deadline
    'simplified_announcement_days': 20,  # simplified deregistration: announcement period
}

# what a plan's timeline is made of: writing any of them checks it (_check_timeline)
TIMELINE_KEYS = {
    'decision_date', 'plan_type', 'liquidation_formed_date', 'creditor_notice_deadline', 'announcement_date',
    'claims_deadline', 'service_end_date', 'data_export_deadline', 'data_erasure_date', *DEFAULT_PERIODS,
}


class ClosurePlan(models.Model):
    """A company's closure: its legal timeline, its customers' cases, their
    tiers, the notices, the export and erasure dates. One model, four files in
    closure_crm: the plan (this file), its cases and their tiers (closure_plan_cases.py), its
    legal facts (closure_plan_liquidation.py), its guide and dashboard
    (closure_plan_guide.py); the add-ons (closure_crm_*) extend it in their own
    closure_plan.py."""
    _name = 'closure.plan'
    _description = 'Closure Plan'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'decision_date desc, id desc'
    _check_company_auto = True

    name = fields.Char('Plan', required=True, tracking=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True,
        default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id')
    user_id = fields.Many2one(
        'res.users', 'Responsible Manager', tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]")
    team_id = fields.Many2one(
        'crm.team', 'Closure Team', copy=False, index=True, tracking=True,
        check_company=True,
        help="The sales team whose pipeline holds this plan's customer cases. "
             "Created with the plan when left empty.")
    state = fields.Selection([
        ('draft', 'Draft'),
        ('in_progress', 'In Progress'),
        ('closed', 'Closed'),
        ('cancel', 'Cancelled'),
    ], default='draft', required=True, tracking=True, copy=False)
    plan_type = fields.Selection([
        ('standard', 'Liquidation (standard deregistration)'),
        ('simplified', 'Simplified deregistration (no debts)'),
    ], string='Procedure', default='standard', required=True, tracking=True,
        help="Simplified deregistration is for companies without debts: a public "
             "announcement of at least 20 days replaces the liquidation group and "
             "the creditor notices.")
    reason = fields.Text(
        'Neutral Reason', translate=True, required=True,
        default=lambda self: _(
            "Because of a strategic adjustment, we will end this service. "
            "We have arranged an alternative for you."),
        help="The reason every notice gives. Keep it neutral: never 'collapsed', "
             "'bankrupt' or 'stopped business'.")
    # -- legal timeline -------------------------------------------------
    decision_date = fields.Date(
        'Dissolution Decision', required=True, tracking=True,
        default=fields.Date.context_today)
    liquidation_formed_date = fields.Date(
        'Liquidation Group Formed', compute='_compute_liquidation_formed_date', store=True,
        readonly=False, tracking=True)
    creditor_notice_deadline = fields.Date(
        compute='_compute_creditor_notice_deadline', store=True,
        readonly=False, tracking=True,
        help="Known creditors (customers with prepaid balances, deposits or paid "
             "services not delivered) must be notified by this date.")
    announcement_date = fields.Date(
        'Public Announcement', compute='_compute_announcement_date', store=True,
        readonly=False, tracking=True)
    claims_deadline = fields.Date(
        compute='_compute_claims_deadline', store=True,
        readonly=False, tracking=True,
        help="Last day to declare a claim for a creditor who received no notice "
             "(announcement + 45 days). No declared claim is paid before it.")
    service_end_date = fields.Date(
        'Service End', compute='_compute_service_end_date', store=True,
        readonly=False, tracking=True)
    data_export_deadline = fields.Date(
        compute='_compute_data_export_deadline', store=True,
        readonly=False, tracking=True)
    data_erasure_date = fields.Date(
        compute='_compute_data_erasure_date', store=True,
        readonly=False, tracking=True)
    formation_days = fields.Integer('Liquidation Group Within (days)', default=DEFAULT_PERIODS['formation_days'])
    creditor_notice_days = fields.Integer(
        'Creditor Notice Within (days)', default=DEFAULT_PERIODS['creditor_notice_days']
    )
    announcement_days = fields.Integer('Announcement Within (days)', default=DEFAULT_PERIODS['announcement_days'])
    claim_notice_days = fields.Integer('Claims After Notice (days)', default=DEFAULT_PERIODS['claim_notice_days'])
    claim_announcement_days = fields.Integer(
        'Claims After Announcement (days)', default=DEFAULT_PERIODS['claim_announcement_days']
    )
    prepaid_notice_days = fields.Integer(
        'Prepaid Notice Before Service End (days)', default=DEFAULT_PERIODS['prepaid_notice_days']
    )
    refund_days = fields.Integer('Refund Within (days)', default=DEFAULT_PERIODS['refund_days'])
    export_days = fields.Integer('Export Open After Service End (days)', default=DEFAULT_PERIODS['export_days'])
    erasure_days = fields.Integer('Erasure After Export Deadline (days)', default=DEFAULT_PERIODS['erasure_days'])
    settlement_days = fields.Integer(
        'Claims Paid After the Claims Deadline (days)', default=DEFAULT_PERIODS['settlement_days'],
        help="The liquidation plan's payment date: declared claims (refunds asked from the liquidation "
             "group's formation on) are paid this many days after the claims deadline, never during the "
             "declaration period (Company Law 2023, Art. 235).")
    simplified_announcement_days = fields.Integer(
        'Simplified Announcement Period (days)', default=DEFAULT_PERIODS['simplified_announcement_days'],
        help="Simplified deregistration: the public announcement on the national publicity system "
             "runs at least this long.")
    # -- tiering --------------------------------------------------------
    revenue_source = fields.Selection(
        selection='_selection_revenue_source', default='crm', required=True,
        help="Won opportunities; posted customer invoices (when Invoicing is "
             "installed); or figures imported as revenue lines.")
    lookback_months = fields.Integer('Look-back Window (months)', default=24)
    lookback_start = fields.Date('Look-back From', compute='_compute_lookback_start')
    tier_a_share = fields.Float(
        'Tier A Cut-off (%)', default=70.0,
        help="Customers are ranked by revenue; those whose higher-ranked peers hold "
             "less than this share of the total revenue are tier A.")
    tier_b_share = fields.Float('Tier B Cut-off (%)', default=90.0)
    # -- cases ------------------------------------------------------------
    case_ids = fields.One2many('crm.lead', 'closure_plan_id', string='Cases')
    # -- cost and benefit: what the closure costs beside the value it keeps --
    cb_refund_owed = fields.Monetary(
        'Prepaid Balances and Deposits Owed', compute='_compute_cost_benefit', currency_field='currency_id',
        help="Open prepaid balances and deposits of all cases: what refunds may cost.")
    cb_refund_requested = fields.Monetary(
        'Refunds Requested', compute='_compute_cost_benefit', currency_field='currency_id',
        help="Refund due on the cases whose customer asked for the refund.")
    cb_notice_count = fields.Integer(
        'Notices Sent', compute='_compute_cost_benefit',
        help="Notices sent or handled by personal contact, over all waves.")
    cb_contact_count = fields.Integer(
        'Contacts Made', compute='_compute_cost_benefit',
        help="Activities done on the cases (calls, meetings, to-dos): the staff's contact effort.")
    cb_transferred_count = fields.Integer(
        'Customers Kept with a Receiver', compute='_compute_cost_benefit',
        help="Cases whose transfer the receiver accepted, handed over or completed.")
    cb_transferred_rate = fields.Float(
        'Share of Customers Kept', compute='_compute_cost_benefit', digits=(5, 4))
    cb_transferred_revenue = fields.Monetary(
        'Revenue Kept with Receivers', compute='_compute_cost_benefit', currency_field='currency_id',
        help="Revenue in the look-back window of the customers kept with a receiver.")
    cb_revenue_kept_rate = fields.Float('Share of Revenue Kept', compute='_compute_cost_benefit', digits=(5, 4))
    cb_referral_fees = fields.Monetary(
        'Referral Fees', compute='_compute_cost_benefit', currency_field='currency_id',
        help="Expected referral fees of the transfers kept, in the company currency.")
    case_count = fields.Integer(compute='_compute_case_stats')
    tier_a_count = fields.Integer('Tier A', compute='_compute_case_stats')
    tier_b_count = fields.Integer('Tier B', compute='_compute_case_stats')
    tier_c_count = fields.Integer('Tier C', compute='_compute_case_stats')
    news_opt_in_count = fields.Integer(
        'Customers Wanting News', compute='_compute_news_opt_in_count',
        help="Customers who said yes, on their page, to occasional news after the closure.")
    revenue_line_ids = fields.One2many('closure.revenue.line', 'plan_id', string='Imported Revenue')
    generation_pending = fields.Boolean(
        'Case Generation Queued', copy=False, readonly=True,
        help="Set while the scheduled job creates the missing cases in batches.")
    tiered_date = fields.Datetime('Last Tiering', readonly=True, copy=False)
    # -- notices (see closure.notice.wave) --------------------------------
    notice_hotline = fields.Char(
        'Hotline', help="The number customers call with questions. C-tier notices give it as the contact.")
    notice_export_url = fields.Char(
        'Data Export Channel', help="Where customers export their data (a URL). Every notice gives it.")
    notice_signatory_id = fields.Many2one(
        'res.users', 'Letters Signed By', domain="[('share', '=', False)]",
        help="The manager or founder who signs the personal letters to tier A customers. "
             "Defaults to the responsible manager.")
    notice_tier_a_mode = fields.Selection([
        ('activity', 'Personal contact only'),
        ('activity_mail', 'Personal contact, then the personal letter'),
        ('mail', 'Personal letter only'),
    ], 'Tier A Handling', default='activity_mail', required=True,
        help="In a notice wave, tier A cases get a call-or-meet activity for their owner. "
             "The personal letter is then mailed after the delay below, or not at all.")
    notice_tier_a_delay_days = fields.Integer(
        'Letter After Personal Contact (days)', default=2)
    notice_reminder_days = fields.Integer(
        'Reminder After (days)', default=3,
        help="A notified case with no answer after this many days gets the reminder and "
             "an activity for its owner. 0: no reminders.")
    notice_reminder_max = fields.Integer('Reminders At Most', default=2)
    notice_wave_ids = fields.One2many('closure.notice.wave', 'plan_id', string='Notice Waves')
    notice_wave_count = fields.Integer('Waves', compute='_compute_notice_wave_count')

    _sql_constraints = [
        ('tier_shares', 'CHECK(tier_a_share > 0 AND tier_a_share <= tier_b_share AND tier_b_share <= 100)',
         'Tier cut-offs: 0 < tier A cut-off <= tier B cut-off <= 100.'),
        ('lookback_positive', 'CHECK(lookback_months > 0)',
         'The look-back window must be at least one month.'),
    ]

    # Each date is the recorded fact when there is one (closure_plan_liquidation.py),
    # else the deadline the law gives it, counted from the date before it.
    @api.depends('decision_date', 'plan_type', 'formation_days', 'liquidation_formed_recorded_date')
    def _compute_liquidation_formed_date(self):
        for plan in self:
            # simplified deregistration forms no liquidation group
            days = 0 if plan.plan_type == 'simplified' else plan.formation_days
            plan.liquidation_formed_date = plan.liquidation_formed_recorded_date or plan._days_after(
                plan.decision_date, days)

    @api.depends('liquidation_formed_date', 'plan_type', 'creditor_notice_days', 'creditor_notice_recorded_date')
    def _compute_creditor_notice_deadline(self):
        for plan in self:
            days = 0 if plan.plan_type == 'simplified' else plan.creditor_notice_days
            plan.creditor_notice_deadline = plan.creditor_notice_recorded_date or plan._days_after(
                plan.liquidation_formed_date, days)

    @api.depends('liquidation_formed_date', 'plan_type', 'announcement_days', 'announcement_recorded_date')
    def _compute_announcement_date(self):
        for plan in self:
            # simplified: the announcement starts with the decision
            days = 0 if plan.plan_type == 'simplified' else plan.announcement_days
            plan.announcement_date = plan.announcement_recorded_date or plan._days_after(
                plan.liquidation_formed_date, days)

    @api.depends('announcement_date', 'plan_type', 'claim_announcement_days', 'simplified_announcement_days')
    def _compute_claims_deadline(self):
        for plan in self:
            if plan.plan_type == 'simplified':
                # the announcement's own period, not the standard procedure's 60 days
                days = plan.simplified_announcement_days
            else:
                days = plan.claim_announcement_days
            plan.claims_deadline = plan._days_after(plan.announcement_date, days)

    @api.depends('creditor_notice_deadline', 'prepaid_notice_days')
    def _compute_service_end_date(self):
        for plan in self:
            plan.service_end_date = plan._days_after(plan.creditor_notice_deadline, plan.prepaid_notice_days)

    @api.depends('service_end_date', 'export_days', 'plan_type', 'deregistration_date')
    def _compute_data_export_deadline(self):
        for plan in self:
            plan.data_export_deadline = plan._days_after(plan.service_end_date, plan.export_days)
            if plan.plan_type == 'simplified' and plan.deregistration_date and plan.data_export_deadline:
                # the company that keeps the data ceases to exist on deregistration
                plan.data_export_deadline = min(plan.data_export_deadline, plan.deregistration_date)

    @api.depends('data_export_deadline', 'erasure_days', 'plan_type', 'claims_settlement_date',
                 'deregistration_date')
    def _compute_data_erasure_date(self):
        for plan in self:
            erasure = plan._days_after(plan.data_export_deadline, plan.erasure_days)
            if plan.plan_type == 'simplified' and plan.deregistration_date and erasure:
                erasure = min(erasure, plan.deregistration_date)
            elif erasure and plan.claims_settlement_date:
                # a creditor the liquidation group cannot identify cannot be paid (PIPL Art. 47)
                erasure = max(erasure, plan.claims_settlement_date)
            plan.data_erasure_date = erasure

    @api.depends('decision_date', 'lookback_months')
    def _compute_lookback_start(self):
        for plan in self:
            plan.lookback_start = plan.decision_date and plan.decision_date - relativedelta(months=plan.lookback_months)

    def _compute_cost_benefit(self):
        """All plans' figures in four grouped queries (cases, notices,
        activities done, referral fees), whatever the number of cases."""
        plan_ids = tuple(self.ids) or (0,)
        cr = self.env.cr
        self.env['crm.lead'].flush_model()
        self.env['closure.transfer'].flush_model(['plan_id', 'lead_id', 'state', 'fee_expected', 'currency_id'])
        cr.execute(SQL("""
            SELECT lead.closure_plan_id,
                   count(*),
                   count(kept.lead_id),
                   COALESCE(sum(lead.closure_revenue), 0),
                   COALESCE(sum(lead.closure_revenue) FILTER (WHERE kept.lead_id IS NOT NULL), 0),
                   COALESCE(sum(lead.closure_refund_due), 0),
                   COALESCE(sum(lead.closure_refund_due)
                            FILTER (WHERE lead.closure_refund_requested_date IS NOT NULL), 0)
              FROM crm_lead lead
         LEFT JOIN (SELECT DISTINCT lead_id FROM closure_transfer
                     WHERE plan_id IN %(plans)s AND state IN %(kept)s) kept ON kept.lead_id = lead.id
             WHERE lead.closure_plan_id IN %(plans)s
          GROUP BY lead.closure_plan_id""", plans=plan_ids, kept=ACCEPTED_STATES))
        cases = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(SQL("""
            SELECT wave.plan_id, count(*) FROM closure_notice_recipient recipient
              JOIN closure_notice_wave wave ON wave.id = recipient.wave_id
             WHERE wave.plan_id IN %s AND recipient.state IN ('sent', 'personal')
          GROUP BY wave.plan_id""", plan_ids))
        notices = dict(cr.fetchall())
        cr.execute(SQL("""
            SELECT lead.closure_plan_id, count(*) FROM mail_message message
              JOIN crm_lead lead ON message.model = 'crm.lead' AND message.res_id = lead.id
             WHERE lead.closure_plan_id IN %s AND message.mail_activity_type_id IS NOT NULL
          GROUP BY lead.closure_plan_id""", plan_ids))
        contacts = dict(cr.fetchall())
        fees = {}
        for plan, currency, amount in self.env['closure.transfer'].sudo()._read_group(
                [('plan_id', 'in', self.ids), ('state', 'in', ACCEPTED_STATES)],
                ['plan_id', 'currency_id'], ['fee_expected:sum']):
            if currency and currency != plan.currency_id:
                amount = currency._convert(amount, plan.currency_id, plan.company_id, fields.Date.context_today(self))
            fees[plan.id] = fees.get(plan.id, 0.0) + amount
        for plan in self:
            total, kept, revenue, kept_revenue, owed, requested = cases.get(plan.id, (0,) * 6)
            plan.cb_refund_owed = owed
            plan.cb_refund_requested = requested
            plan.cb_notice_count = notices.get(plan.id, 0)
            plan.cb_contact_count = contacts.get(plan.id, 0)
            plan.cb_transferred_count = kept
            plan.cb_transferred_rate = kept / total if total else 0.0
            plan.cb_transferred_revenue = kept_revenue
            plan.cb_revenue_kept_rate = kept_revenue / revenue if revenue else 0.0
            plan.cb_referral_fees = fees.get(plan.id, 0.0)

    @api.depends('case_ids.closure_tier')
    def _compute_case_stats(self):
        counts = {
            (plan.id, tier): count
            for plan, tier, count in self.env['crm.lead'].with_context(active_test=False)._read_group(
                [('closure_plan_id', 'in', self.ids)], ['closure_plan_id', 'closure_tier'], ['__count'])
        }
        for plan in self:
            plan.tier_a_count = counts.get((plan.id, 'a'), 0)
            plan.tier_b_count = counts.get((plan.id, 'b'), 0)
            plan.tier_c_count = counts.get((plan.id, 'c'), 0)
            plan.case_count = sum(n for (plan_id, _tier), n in counts.items() if plan_id == plan.id)

    def _compute_news_opt_in_count(self):
        counts = dict(self.env['crm.lead']._read_group(
            [('closure_plan_id', 'in', self.ids), ('closure_news_opt_in', '=', True)],
            ['closure_plan_id'], ['__count']))
        for plan in self:
            plan.news_opt_in_count = counts.get(plan, 0)

    @api.depends('notice_wave_ids')
    def _compute_notice_wave_count(self):
        counts = dict(self.env['closure.notice.wave']._read_group(
            [('plan_id', 'in', self.ids)], ['plan_id'], ['__count']))
        for plan in self:
            plan.notice_wave_count = counts.get(plan, 0)

    @api.model
    def _selection_revenue_source(self):
        selection = [('crm', _('Won opportunities'))]
        if 'account.move' in self.env:
            selection.append(('invoice', _('Posted customer invoices')))
        selection.append(('import', _('Imported revenue lines')))
        return selection

    @api.constrains('notice_tier_a_delay_days', 'notice_reminder_days', 'notice_reminder_max')
    def _check_notice_settings(self):
        for plan in self:
            for fname in ('notice_tier_a_delay_days', 'notice_reminder_days', 'notice_reminder_max'):
                if plan[fname] < 0:
                    raise ValidationError(_(
                        "%(field)s cannot be negative (got %(value)s).",
                        field=plan._fields[fname].get_description(self.env)['string'], value=plan[fname]))

    @api.constrains('notice_export_url')
    def _check_notice_export_url(self):
        for plan in self:
            if plan.notice_export_url and not plan._closure_safe_export_url():
                raise ValidationError(_(
                    "%(field)s must be a web address starting with http:// or https:// (got %(value)s).",
                    field=plan._fields['notice_export_url'].get_description(self.env)['string'],
                    value=plan.notice_export_url))

    @api.constrains('reason')
    def _check_reason_taboo(self):
        """The neutral reason goes into every notice: no taboo phrase, in any
        of its languages."""
        self.env['closure.phrase']._check_taboo_translations(self, 'reason', lambda plan, lang: self.env._(
            "Plan %(plan)s: the neutral reason (%(lang)s)", plan=plan.name, lang=lang))

    @api.constrains(*DEFAULT_PERIODS)
    def _check_periods(self):
        for plan in self:
            for fname in DEFAULT_PERIODS:
                if plan[fname] < 0:
                    raise ValidationError(_(
                        "%(field)s cannot be negative (got %(value)s).",
                        field=plan._fields[fname].get_description(self.env)['string'],
                        value=plan[fname]))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans._check_timeline()
        plans.filtered(lambda p: p.state == 'in_progress')._closure_check_simplified(starting=True)
        for plan in plans:
            if not plan.team_id:
                # the plan's own pipeline: a closure manager creates plans without being a sales admin
                plan.team_id = self.env['crm.team'].sudo().create({
                    'name': plan.name,
                    'company_id': plan.company_id.id,
                    'user_id': plan.user_id.id,
                    'use_leads': False,
                    'use_opportunities': True,
                })
            plan._ensure_closure_team()
        return plans

    def write(self, vals):
        self._closure_check_recorded_dates(vals)
        res = super().write(vals)
        if TIMELINE_KEYS & set(vals):
            self._check_timeline()
        if vals.get('plan_type') == 'simplified' or vals.get('state') == 'in_progress':
            # starting or switching to the simplified procedure: only without debts, and
            # (once in progress) on the shareholders' recorded commitment
            for plan in self:
                plan._closure_check_simplified(starting=plan.state == 'in_progress')
        if vals.get('team_id'):
            self._ensure_closure_team()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_notice_waves(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_notice_wave')
        action['domain'] = [('plan_id', '=', self.id)]
        action['context'] = {'default_plan_id': self.id}
        return action

    def action_start(self):
        self.filtered(lambda p: p.state == 'draft').write({'state': 'in_progress'})

    def action_close(self):
        self.write({'state': 'closed'})

    def action_cancel(self):
        self.write({'state': 'cancel'})

    def action_reset_draft(self):
        self.write({'state': 'draft'})

    def action_export_register(self):
        """Download the register named in the context (claims, consents,
        cases) as XLSX."""
        self.ensure_one()
        register = self.env.context.get('closure_register', 'claims')
        return {
            'type': 'ir.actions.act_url',
            'url': f'/closure/register/{self.id}/{register}',
            'target': 'download',
        }

    def action_view_cases(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('closure_plan_id', '=', self.id)]
        action['context'] = {
            'default_closure_plan_id': self.id,
            'default_team_id': self.team_id.id,
            'default_type': 'opportunity',
            'search_default_closure_plan_id': self.id,
            # the manager lands on all the plan's cases, in the closure pipeline
            'closure_pipeline': True,
        }
        return action

    def action_closure_view_news(self):
        """The customers who want news after the closure, exportable with the
        list's Export (closure_crm_mass_mailing opens the plan's mailing list
        instead)."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action.update({
            'name': _("Customers Wanting News"),
            'domain': [('closure_plan_id', '=', self.id), ('closure_news_opt_in', '=', True)],
            'view_mode': 'list,form',
            'views': [(False, 'list'), (False, 'form')],
        })
        return action

    # ------------------------------------------------------------------
    # Checks (create, write and the steps call them)
    # ------------------------------------------------------------------
    # the export channel every notice names
    def _has_export_channel(self):
        """The customers can get their data: on their personal page until
        the export deadline, or through the plan's export link."""
        self.ensure_one()
        deadline = self.data_export_deadline
        return bool(self.notice_export_url) or bool(deadline and deadline >= fields.Date.context_today(self))

    def _check_export_channel(self):
        for plan in self:
            if not plan._has_export_channel():
                raise UserError(_(
                    "Plan %(plan)s offers its customers no way to export their data: set its Data Export "
                    "Deadline to a future date (customers download their data on their personal page until "
                    "then), or its Data Export Channel (a link).", plan=plan.name))

    # Not an @api.constrains: Odoo checks the constraints of a computed field while the
    # fields it is computed from are still being computed, and this check reads them
    # all. create(), write() and a recorded fact call it once every date is computed.
    def _check_timeline(self):
        for plan in self:
            order = [
                ('decision_date', 'liquidation_formed_date'),
                ('liquidation_formed_date', 'creditor_notice_deadline'),
                ('liquidation_formed_date', 'announcement_date'),
                ('announcement_date', 'claims_deadline'),
                ('creditor_notice_deadline', 'service_end_date'),
                ('service_end_date', 'data_export_deadline'),
                ('data_export_deadline', 'data_erasure_date'),
            ]
            for before, after in order:
                if plan[before] and plan[after] and plan[after] < plan[before]:
                    raise ValidationError(_(
                        "Plan %(plan)s: %(after)s (%(after_date)s) cannot be before %(before)s (%(before_date)s).",
                        plan=plan.name,
                        after=plan._fields[after].get_description(self.env)['string'],
                        after_date=plan[after],
                        before=plan._fields[before].get_description(self.env)['string'],
                        before_date=plan[before],
                    ))
            if plan.plan_type == 'standard' and plan.data_erasure_date and plan.claims_settlement_date \
                    and plan.data_erasure_date < plan.claims_settlement_date:
                raise ValidationError(_(
                    "Plan %(plan)s: Data Erasure Date (%(erasure)s) cannot be before the claims are settled "
                    "(%(settled)s): a creditor whose data is erased can no longer be identified and paid.",
                    plan=plan.name, erasure=plan.data_erasure_date, settled=plan.claims_settlement_date))
            if plan.plan_type == 'simplified' and plan.deregistration_date and not plan.deregistration_is_recorded:
                for fname in ('data_export_deadline', 'data_erasure_date'):
                    if plan[fname] and plan[fname] > plan.deregistration_date:
                        raise ValidationError(_(
                            "Plan %(plan)s: %(field)s (%(date)s) must fall before the deregistration "
                            "(%(deregistration)s): the company that keeps the data then ceases to exist.",
                            plan=plan.name, field=plan._fields[fname].get_description(self.env)['string'],
                            date=plan[fname], deregistration=plan.deregistration_date))
            if (plan.creditor_notice_deadline and plan.service_end_date
                    and (plan.service_end_date - plan.creditor_notice_deadline).days < plan.prepaid_notice_days):
                raise ValidationError(_(
                    "Plan %(plan)s: Service End (%(end)s) must be at least %(days)s days after the "
                    "Creditor Notice Deadline (%(notice)s), so that prepaid customers are told in advance.",
                    plan=plan.name, end=plan.service_end_date, days=plan.prepaid_notice_days,
                    notice=plan.creditor_notice_deadline))

    def _closure_safe_export_url(self):
        """The export channel when it is a web address (http or https), else
        False: customers' pages and notices show nothing else."""
        self.ensure_one()
        url = (self.notice_export_url or '').strip()
        try:
            parsed = urlsplit(url)
        except ValueError:
            return False
        if parsed.scheme.lower() not in ('http', 'https') or not parsed.netloc \
                or any(char.isspace() or ord(char) < 32 for char in url):
            return False
        return url

    # ------------------------------------------------------------------
    # Timeline
    # ------------------------------------------------------------------
    # Each date follows the one it is counted from, so editing a date moves the
    # dates after it (and only those).
    def _days_after(self, start, days):
        return start and start + relativedelta(days=days)

    def _closure_refund_terms(self, asked, claim_deadline=False, unpaid=True):
        """The regime and due date of a refund asked on ``asked``: the one rule
        the page, the mails, the to-dos, the register and the payment check use.

        Before the liquidation group is formed (recorded, else planned) the
        company still trades: due ``refund_days`` after the request and in any
        case before the group forms, never on or after that day. One still
        unpaid (``unpaid``) once the group has formed becomes a declared claim
        at once (``converted``). From its formation on, the refund is a declared
        claim: due on the claims' settlement (the confirmed liquidation plan's
        payment date, else ``settlement_days`` after the later of the plan's
        and the customer's own ``claim_deadline``), never during the
        declaration period (Company Law 2023, Art. 235). A simplified
        deregistration forms no liquidation group (its company has no debts).
        :returns: {'regime': 'trading' | 'claim' | False, 'due_date': date | False,
                   'converted': bool}
        """
        if not self or not asked:
            return {'regime': False, 'due_date': False, 'converted': False}
        self.ensure_one()
        formed = self.liquidation_formed_date
        if self.plan_type == 'simplified' or not formed:
            return {'regime': 'trading', 'due_date': self._days_after(asked, self.refund_days), 'converted': False}
        today = fields.Date.context_today(self)
        converted = asked < formed and unpaid and today >= formed
        if asked < formed and not converted:
            due = min(self._days_after(asked, self.refund_days), formed - relativedelta(days=1))
            return {'regime': 'trading', 'due_date': due, 'converted': False}
        deadline = max(filter(None, [self.claims_deadline, claim_deadline, asked]))
        due = self._days_after(deadline, self.settlement_days)
        if self.liquidation_plan_payment_date:
            due = max(self.liquidation_plan_payment_date, deadline + relativedelta(days=1))
        return {'regime': 'claim', 'due_date': due, 'converted': converted}

    def _closure_declaration_period(self, claim_deadline=False):
        """(first day, last day) in which no creditor is paid (Art. 235): from
        the liquidation group's formation to the later of the plan's and the
        customer's claims deadline. (False, False) for a simplified plan."""
        self.ensure_one()
        if self.plan_type == 'simplified' or not self.liquidation_formed_date:
            return False, False
        return self.liquidation_formed_date, max(filter(None, [
            self.claims_deadline, claim_deadline, self.liquidation_formed_date]))

    def _closure_approved_kinds(self):
        """Hook: the offers (``closure.phrase`` promise kinds without their
        ``promise_`` prefix, e.g. 'priority') the plan's manager approved, so
        that messages and notices may promise them. Nothing here: an add-on
        that lets the plan approve offers (closure_crm_privilege) returns them."""
        self.ensure_one()
        return set()

    def _closure_check_promises(self, texts):
        """Refuse ``texts`` ({label: text}) promising priority rights or an
        advisory circle the plan's manager has not approved: over-promising."""
        self.ensure_one()
        Phrase = self.env['closure.phrase']
        approved = self._closure_approved_kinds()
        matchers = Phrase._get_matchers(['promise_priority', 'promise_advisory'])
        for label, text in texts.items():
            found = Phrase._find_unapproved_promises(text, approved, matchers)
            if found:
                raise UserError(_(
                    "%(where)s promises \"%(phrase)s\", which plan %(plan)s has not approved: an over-promise. "
                    "Promise only what the plan's manager approved on the plan.",
                    where=label, phrase=found[0].name, plan=self.name))

    def _closure_personal_contact_user(self):
        """Who calls or meets the tier A customers: the plan's signatory (the
        founder) or its manager, never the rep."""
        self.ensure_one()
        return self.notice_signatory_id or self.user_id or self.env.user

    def _ensure_closure_team(self):
        """Mark the plan's team as a closure team: its pipeline shows the
        closure stages, shared by every plan (crm.stage.is_closure_stage)."""
        # sales configuration; the plan manager may not be a sales admin
        self.team_id.sudo().filtered(lambda team: not team.is_closure_team).is_closure_team = True

    def _closure_export_register(self, register):
        """(file name, XLSX bytes, rows) of one of the plan's registers. For
        closure managers only: a register lists every customer of the plan.
        Each export is logged on the plan."""
        self.ensure_one()
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(
                _("Only closure managers may export the registers: they list every customer of the plan.")
            )
        self.check_access('read')
        filename, content, count = self.env['closure.register']._export_xlsx(self, register)
        self.message_post(body=_("%(register)s exported by %(user)s. Rows: %(count)s.",
                                 register=self.env['closure.register']._registers()[register],
                                 user=self.env.user.name, count=count))
        return filename, content, count

    # ------------------------------------------------------------------
    # Gates: risky steps call this before acting. closure_training overrides it
    # to require a certification (or a dated exemption) per plan.
    # ------------------------------------------------------------------
    def _check_closure_gate(self, gate, users=None):
        """Raise a UserError when one of ``users`` (default: the current user)
        may not pass ``gate`` in this plan. Gates: 'send_wave' (send notice
        waves), 'own_tier_a' (own an A-tier case), 'confirm_handover' (confirm a
        data hand-over to a receiver). Without closure_training, every gate is open."""
        return True
