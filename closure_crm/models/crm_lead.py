import re

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools.trust import is_trusted
from .closure_obligation import REFUND_REGIMES
from .closure_phrase import REPLY_MOODS
from .closure_transfer import CUSTOMER_SIZES, TRANSFER_ISSUES

CLOSURE_TIERS = [('a', 'A'), ('b', 'B'), ('c', 'C')]
CLOSURE_SEGMENTS = [('b2b', 'B2B'), ('b2c', 'B2C')]
# what the customer's page refunds on request: unused prepaid value
REFUND_TYPES = ('prepaid', 'deposit', 'subscription')
# What every rendered copy of the customer's link carries instead of the secret
# (chatter, kept mails, letters kept on the notice rows): the real token is put
# in only by the outgoing mail to the case's customer (mail.mail) and the
# printed letter, as Odoo keeps portal tokens out of the chatter.
CLOSURE_TOKEN_PLACEHOLDER = 'closure-answer-token'
CLOSURE_LINK_RE = re.compile(r'/closure/answer/(\d+)\?access_token=' + re.escape(CLOSURE_TOKEN_PLACEHOLDER))
# answers a case takes per hour, longest message: settings (ir.config_parameter)
ANSWER_RATE_PARAM, ANSWER_RATE_DEFAULT = 'closure_crm.answer_max_per_hour', 10
ANSWER_LENGTH_PARAM, ANSWER_LENGTH_DEFAULT = 'closure_crm.answer_message_max_length', 5000
# What the customer sets on their page (or tells a rep, recorded as a consent),
# and the page's bookkeeping: written by the page (as superuser) or by the
# workflow recording the customer's answer under this trusted key
# (tools/trust.py), never by a user's write or create.
CASE_WORKFLOW_KEY = 'closure_case_workflow'
CLOSURE_CUSTOMER_FIELDS = (
    'closure_refund_requested_date', 'closure_news_opt_in', 'closure_export_requested_date',
    'closure_transfer_declined', 'closure_answer_window_start', 'closure_answer_window_count',
    'closure_export_window_start', 'closure_export_window_count',
)
# a closure manager sets a case's tier by hand, with a reason
TIER_MANUAL_FIELDS = ('closure_tier_manual', 'closure_tier_reason')
# the closure records of a case (model, table): their messages, activities and
# files go with the case's when its data is erased; add-ons add theirs in
# _closure_case_record_tables()
CASE_RECORD_TABLES = (
    ('closure.consent', 'closure_consent'),
    ('closure.notice.recipient', 'closure_notice_recipient'), ('closure.obligation', 'closure_obligation'),
)


class ClosurePublicError(UserError):
    """A refusal the customer's page shows as it is: written for the customer,
    it names nothing internal. Any other error shows a general message."""


# Tiering rewrites the tier of every case of a plan, and of its contact, in one
# UPDATE each. crm_lead carries ~30 indexes (7 trigram), res_partner ~15: a row
# version that moves to another page costs an entry in each. With room left in
# each page PostgreSQL rewrites the row in place instead (HOT, no index entry),
# as long as no indexed column changes: hence no index on closure_tier. Leaving
# that room is an explicit choice for large databases (the server action "Tune
# storage for large closures", closure.plan._closure_tune_tiering_storage),
# never a side effect of installing or updating: see bench/bench_tiering.py
# (--storage) for what it buys.
TIERING_FILLFACTOR = 50


def set_tiering_storage(cr, table, tuned=True):
    """``tuned``: leave room for in-place updates in ``table``'s pages (pages
    written from now on; VACUUM FULL rewrites the others) and drop an index on
    its closure_tier column; otherwise give the table PostgreSQL's default."""
    if not tuned:
        cr.execute(SQL("ALTER TABLE %s RESET (fillfactor)", SQL.identifier(table)))
        return
    cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f'{table}__closure_tier_index')))
    cr.execute(SQL(
        "SELECT 1 FROM pg_class WHERE relname = %s AND %s = ANY(COALESCE(reloptions, '{}'))",
        table, f'fillfactor={TIERING_FILLFACTOR}'))
    if not cr.fetchone():
        cr.execute(SQL("ALTER TABLE %s SET (fillfactor = %s)", SQL.identifier(table), SQL(str(TIERING_FILLFACTOR))))


class CrmLead(models.Model):
    """A closure case: the opportunity of one customer in one closure plan.

    One model, three files in closure_crm: the case (this file: its fields,
    the pipeline, tiering by hand, refunds, evidence, erasure hooks), its
    notices (crm_lead_notice.py: the creditor notice, letters' receipts,
    replies, the wording checked) and its answer page (crm_lead_answer.py).
    The add-ons (closure_crm_*) extend it in their own crm_lead.py."""

    _inherit = 'crm.lead'
    # ------------------------------------------------------------------
    # The contact shows its current case's tier and stage (res.partner)
    # ------------------------------------------------------------------
    CLOSURE_PARTNER_FIELDS = ('partner_id', 'closure_plan_id', 'closure_tier', 'stage_id', 'active')

    closure_plan_id = fields.Many2one(
        'closure.plan', index='btree_not_null', ondelete='restrict',
        tracking=True, check_company=True)
    closure_stage_code = fields.Selection(
        related='stage_id.closure_stage_code', store=True, string='Closure Step')
    # not indexed on purpose (see set_tiering_storage): three values, filtered
    # within a plan, and closure_plan_id is indexed. Not tracked: tiering
    # writes it for a whole plan in one statement and posts one summary on
    # the plan instead (closure.plan._compute_tiers)
    closure_tier = fields.Selection(
        CLOSURE_TIERS, 'Tier', readonly=True,
        help="A/B/C by the customer's share of revenue in the plan's look-back window. "
             "A: a manager or the founder contacts personally; B: standard process "
             "with a named contact; C: automated notices and the hotline.")
    # tier by judgment as well as revenue (an influential customer with little
    # revenue, a key account in a bad year): the tiering run keeps it
    # (closure.plan._compute_tiers) and says how many cases are set by hand
    closure_tier_manual = fields.Boolean(
        'Tier Set by Hand', tracking=True, copy=False,
        help="A closure manager set this case's tier by judgment; the tiering run keeps it until a manager "
             "clears this box.")
    closure_tier_reason = fields.Char(
        'Reason for the Tier', tracking=True, copy=False,
        help="Why a manager set this tier by hand, e.g. \"industry influence: invited to the advisory circle\".")
    closure_segment = fields.Selection(
        CLOSURE_SEGMENTS, 'Segment', compute='_compute_closure_segment',
        store=True, readonly=False, tracking=True,
        help="B2B customers get a seamless switch to a receiving partner; B2C customers "
             "batch notices, the hotline and a prorated refund. Defaults from the "
             "customer's type (company or individual).")
    closure_revenue = fields.Monetary(
        'Revenue (Look-back)', currency_field='company_currency', readonly=True,
        help="The customer's revenue in the plan's look-back window, used for tiering.")
    # closure records: read by closure users only (a salesperson's form leaves them out)
    closure_obligation_ids = fields.One2many(
        'closure.obligation', 'lead_id', string='Obligations', groups='closure_crm.group_closure_user')
    closure_prepaid_balance = fields.Monetary(
        'Prepaid Balance', currency_field='company_currency',
        compute='_compute_closure_obligations', store=True,
        help="Unused prepaid value and deposits the customer holds.")
    closure_refund_due = fields.Monetary(
        'Refund Due', currency_field='company_currency',
        compute='_compute_closure_obligations', store=True,
        help="Prepaid value and deposits not yet refunded or otherwise settled.")
    closure_open_milestone_count = fields.Integer(
        'Open Milestones', compute='_compute_closure_obligations', store=True)
    closure_has_data = fields.Boolean(
        'Holds Customer Data', compute='_compute_closure_obligations', store=True)
    closure_notified_date = fields.Date('Notified On', tracking=True, copy=False)
    closure_claim_deadline = fields.Date(
        'Claim Deadline', compute='_compute_closure_claim_deadline', store=True,
        help="Notice received + the plan's claim period; without a notice, the plan's "
             "claims deadline (announcement + 45 days).")
    closure_refund_requested_date = fields.Date('Refund Requested On', tracking=True, copy=False)
    closure_refund_due_date = fields.Date(
        'Refund Due By', compute='_compute_closure_refund_terms', store=True,
        help="Asked before the liquidation group is formed: the refund period after the request. "
             "From its formation on: the liquidation plan's payment date (claims deadline + "
             "settlement period).")
    closure_refund_regime = fields.Selection(
        REFUND_REGIMES, 'Refund Regime', compute='_compute_closure_refund_terms', store=True)
    closure_refund_explanation = fields.Text(
        'Why This Date', compute='_compute_closure_refund_explanation',
        help="The refund's due date and why, in the words the customer reads.")
    closure_news_opt_in = fields.Boolean(
        'Wants Occasional News', tracking=True, copy=False,
        help="The customer said yes to occasional news after the closure, no advertising. "
             "Set by the customer on their personal page; they can take it back there.")
    closure_export_requested_date = fields.Date(
        'Data Copy Requested On', tracking=True, copy=False,
        help="The customer asked for a copy of their data (PIPL Art. 45, GDPR Art. 20).")
    # -- notices and replies (closure.notice.wave, closure.phrase) --------
    closure_receiver_id = fields.Many2one(
        'res.partner', 'Proposed Receiver', compute='_compute_closure_receiver_id',
        help="The receiving partner of the case's live transfer, as the notices name it.")
    closure_notice_ids = fields.One2many(
        'closure.notice.recipient', 'lead_id', string='Notices Sent', groups='closure_crm.group_closure_user')
    closure_reply_mood = fields.Selection(
        REPLY_MOODS, 'Reply Mood', copy=False, tracking=True, index='btree_not_null',
        help="The mood of the customer's last reply, by the phrase list (Configuration > Phrases).")
    closure_reply_terms = fields.Text('Matched Terms', copy=False, readonly=True)
    closure_reply_date = fields.Datetime('Last Reply', copy=False, readonly=True)
    closure_playbook = fields.Html('Playbook', compute='_compute_closure_playbook', sanitize=False,
                                   groups='closure_crm.group_closure_user')
    # -- transfer: what the customer needs (closure.transfer) -------------
    closure_industry_id = fields.Many2one(
        'res.partner.industry', 'Customer Industry', compute='_compute_closure_industry_id',
        store=True, readonly=False, help="Matched with the industries receivers serve.")
    closure_service_ids = fields.Many2many(
        'closure.service', 'crm_lead_closure_service_rel', 'lead_id', 'service_id', string='Services Used',
        help="The services the customer uses today, matched with what receivers offer.")
    closure_customer_size = fields.Selection(CUSTOMER_SIZES, 'Customer Size')
    closure_process_dependencies = fields.Text(
        'Core Process Dependencies', help="B2B: which of the customer's core processes rely on our service.")
    closure_replacement_needs = fields.Text('Replacement Needs')
    closure_transfer_ids = fields.One2many(
        'closure.transfer', 'lead_id', string='Transfers', groups='closure_crm.group_closure_user')
    closure_transfer_count = fields.Integer(
        'Transfer Count', compute='_compute_closure_transfer_count', groups='closure_crm.group_closure_user')
    # not indexed on purpose (HOT updates, see init): few values, read within a plan
    closure_transfer_issue = fields.Selection(
        TRANSFER_ISSUES, 'Transfer Issue', readonly=True, copy=False,
        help="Why the last bulk assignment found no receiver for this case.")
    closure_transfer_declined = fields.Boolean(
        'Declines Any Transfer', readonly=True, copy=False,
        help="The customer's latest answer declines any transfer: no receiver is proposed "
             "and no data goes to any receiver.")

    # -- the case at a glance (form header, cards, lists) --------------------
    closure_is_case = fields.Boolean(
        'Is a Closure Case', compute='_compute_closure_is_case',
        help="The lead is a customer's case in a closure plan: it is worked through the closure "
             "stages and never won or lost.")
    closure_consent_state = fields.Selection(
        [('none', 'No answer yet'), ('accept', 'Accepts the proposed receiver'),
         ('pick_another', 'Picked another receiver'), ('decline', 'Declines any transfer')],
        'Consent', compute='_compute_closure_consent_state', groups='closure_crm.group_closure_user',
        help="The customer's latest recorded answer on the transfer of their data.")
    closure_next_deadline = fields.Date(
        'Next Deadline', compute='_compute_closure_next_deadline',
        help="The next legal date of the case: the customer's claim deadline, or the refund's due date "
             "once a refund is asked.")
    # written by the erasure only (in SQL), never by a client: a case marked
    # erased by hand would keep its data past the erasure (closure_crm_data)
    closure_erased_date = fields.Datetime('Data Erased On', readonly=True, copy=False, index='btree_not_null')

    _sql_constraints = [
        ('closure_case_needs_customer',
         'CHECK(closure_plan_id IS NULL OR partner_id IS NOT NULL)',
         'A closure case needs a customer.'),
    ]

    @api.depends('closure_plan_id', 'partner_id.commercial_partner_id.is_company')
    def _compute_closure_segment(self):
        for lead in self:
            if not lead.closure_plan_id:
                lead.closure_segment = False
            else:
                lead.closure_segment = 'b2b' if lead.partner_id.commercial_partner_id.is_company else 'b2c'

    @api.depends('closure_obligation_ids.refundable_amount', 'closure_obligation_ids.obligation_type',
                 'closure_obligation_ids.state')
    def _compute_closure_obligations(self):
        for lead in self:
            obligations = lead.closure_obligation_ids
            money = obligations.filtered(lambda o: o.obligation_type in REFUND_TYPES)
            lead.closure_prepaid_balance = sum(money.mapped('refundable_amount'))
            lead.closure_refund_due = sum(money.filtered(lambda o: o.state == 'open').mapped('refundable_amount'))
            lead.closure_open_milestone_count = len(obligations.filtered(
                lambda o: o.obligation_type == 'milestone' and o.state == 'open'))
            lead.closure_has_data = any(o.obligation_type == 'data' and o.state == 'open' for o in obligations)

    @api.depends('closure_notified_date', 'closure_notice_received_date', 'closure_plan_id.claim_notice_days',
                 'closure_plan_id.claims_deadline')
    def _compute_closure_claim_deadline(self):
        # a printed letter's 30 days run from its recorded receipt: until then the
        # customer counts as not notified (announcement + 45 days)
        letter_only = self._closure_letter_only_ids()
        for lead in self:
            plan = lead.closure_plan_id
            notified = lead.closure_notice_received_date or (
                lead.closure_notified_date if lead.id not in letter_only else False)
            if notified:
                lead.closure_claim_deadline = fields.Date.add(notified, days=plan.claim_notice_days)
            else:
                lead.closure_claim_deadline = plan.claims_deadline

    @api.depends('closure_refund_requested_date', 'closure_claim_deadline', 'closure_plan_id.plan_type',
                 'closure_plan_id.liquidation_formed_date', 'closure_plan_id.claims_deadline',
                 'closure_plan_id.refund_days', 'closure_plan_id.settlement_days',
                 'closure_plan_id.liquidation_plan_payment_date', 'closure_refund_due')
    def _compute_closure_refund_terms(self):
        for lead in self:
            terms = lead.closure_plan_id._closure_refund_terms(
                lead.closure_refund_requested_date, lead.closure_claim_deadline,
                unpaid=lead.closure_refund_due > 0)
            lead.closure_refund_regime, lead.closure_refund_due_date = terms['regime'], terms['due_date']

    @api.depends('closure_refund_regime', 'closure_refund_due_date', 'closure_claim_deadline',
                 'closure_plan_id.liquidation_formed_date', 'closure_plan_id.claims_deadline')
    @api.depends_context('lang')
    def _compute_closure_refund_explanation(self):
        for lead in self:
            lead.closure_refund_explanation = lead._closure_refund_why()

    def _compute_closure_receiver_id(self):
        receivers = self._closure_notice_receivers()
        for lead in self:
            lead.closure_receiver_id = receivers.get(lead.id, False)

    @api.depends('closure_reply_mood')
    def _compute_closure_playbook(self):
        Phrase = self.env['closure.phrase']
        for lead in self:
            lead.closure_playbook = Phrase._reply_playbook(lead)

    @api.depends('closure_plan_id', 'partner_id.commercial_partner_id.industry_id')
    def _compute_closure_industry_id(self):
        for lead in self:
            # only closure cases have needs; regular leads read nothing here
            if lead.closure_plan_id and not lead.closure_industry_id:
                lead.closure_industry_id = lead.partner_id.commercial_partner_id.industry_id
            elif not lead.closure_plan_id:
                lead.closure_industry_id = False

    def _compute_closure_transfer_count(self):
        counts = dict(self.env['closure.transfer']._read_group(
            [('lead_id', 'in', self.ids)], ['lead_id'], ['__count']))
        for lead in self:
            lead.closure_transfer_count = counts.get(lead, 0)

    @api.depends('closure_plan_id')
    def _compute_closure_is_case(self):
        for lead in self:
            lead.closure_is_case = bool(lead.closure_plan_id)

    def _compute_closure_consent_state(self):
        cases = self.filtered(lambda lead: lead.id and lead.closure_plan_id)
        latest = {}
        if cases:
            # one search for all the cases, the newest answer first
            for consent in self.env['closure.consent'].search([('lead_id', 'in', cases.ids)], order='id desc'):
                latest.setdefault(consent.lead_id.id, consent.decision)
        for lead in self:
            lead.closure_consent_state = latest.get(lead.id, 'none') if lead in cases else False

    @api.depends('closure_plan_id', 'closure_claim_deadline', 'closure_refund_due_date', 'closure_refund_due',
                 'closure_refund_requested_date')
    @api.depends_context('tz')
    def _compute_closure_next_deadline(self):
        today = fields.Date.context_today(self)
        for lead in self:
            dates = [lead.closure_claim_deadline]
            if lead.closure_refund_requested_date and lead.closure_refund_due > 0:
                dates.append(lead.closure_refund_due_date)
            dates = [day for day in dates if day]
            upcoming = [day for day in dates if day >= today]
            lead.closure_next_deadline = (min(upcoming) if upcoming else max(dates, default=False)) \
                if lead.closure_plan_id else False

    def _compute_team_id(self):
        # a closure case stays in its plan's team whoever it is assigned to
        # (crm would move it to the new salesperson's own sales team)
        cases = self.filtered(lambda lead: lead.closure_plan_id and lead.team_id.is_closure_team)
        return super(CrmLead, self - cases)._compute_team_id()

    @api.constrains('closure_tier_manual', 'closure_tier_reason', 'closure_tier')
    def _check_closure_tier_manual(self):
        for lead in self.filtered('closure_tier_manual'):
            if not (lead.closure_tier_reason or '').strip():
                raise ValidationError(_(
                    "%(case)s: a tier set by hand needs a reason (field \"Reason for the Tier\" is empty).",
                    case=lead.display_name))
            if not lead.closure_tier:
                raise ValidationError(_(
                    "%(case)s: choose the tier (A, B or C) to set by hand.", case=lead.display_name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def init(self):
        res = super().init()
        # one case per customer and plan, archived cases included
        self.env.cr.execute(SQL(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_lead_closure_plan_partner_uniq
                   ON crm_lead (closure_plan_id, partner_id)
                WHERE closure_plan_id IS NOT NULL"""))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env['closure.plan']
        self._closure_check_erasure_fields({fname for vals in vals_list for fname in vals if vals[fname]})
        for vals in vals_list:
            self._closure_check_customer_fields(vals, creating=True)
            self._closure_check_notice_receipt(vals, creating=True)
            if vals.get('closure_plan_id') and not vals.get('team_id'):
                # a closure case is worked in its plan's team, in the closure pipeline
                vals['team_id'] = plans.browse(vals['closure_plan_id']).team_id.id
        leads = super().create(vals_list)
        cases = leads.filtered('closure_plan_id')
        # the answer link comes with the case, never from a read
        cases._closure_ensure_access_token()
        cases.partner_id._closure_refresh_case()
        return leads

    def write(self, vals):
        self._closure_check_customer_fields(vals)
        self._closure_check_notice_receipt(vals)
        # a value given back unchanged (crm's merge writes every field) is no change
        self._closure_check_erasure_fields(
            {fname for fname in self._closure_erasure_fields()
             if fname in vals and (vals[fname] or any(self.mapped(fname)))})
        self._closure_check_tier_by_hand(vals)
        if vals.get('closure_tier_manual') is False or vals.get('closure_tier_manual') == 0:
            vals = dict(vals, closure_tier_reason=False)
        tiers_before = {lead.id: lead.closure_tier for lead in self} if 'closure_tier' in vals else {}
        if self.env.context.get('closure_merging') and 'stage_id' in vals and self.filtered('closure_plan_id') \
                and not self.env['crm.stage'].browse(vals['stage_id']).is_closure_stage:
            # crm's merge gives the kept record the first stage of its team when the merged one is not
            # among them; the closure stages belong to no plan's team: a kept case keeps its own stage
            vals = {key: value for key, value in vals.items() if key != 'stage_id'}
        self._closure_check_pipeline(vals)
        touches_partner = any(fname in vals for fname in self.CLOSURE_PARTNER_FIELDS)
        partners = self.filtered('closure_plan_id').partner_id if touches_partner else None
        res = super().write(vals)
        if vals.get('closure_plan_id'):
            self._closure_ensure_access_token()
        if touches_partner:
            (partners | self.filtered('closure_plan_id').partner_id)._closure_refresh_case()
        if tiers_before:
            self._closure_post_tier_by_hand(tiers_before)
        return res

    def unlink(self):
        partners = self.filtered('closure_plan_id').partner_id
        res = super().unlink()
        partners.exists()._closure_refresh_case()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closure_evidence(self):
        """A case holding evidence (the customer's recorded answers, complaints,
        declared claims and paid refunds, transfers past the introduction,
        notices sent) is archived, never deleted: whoever asks, sudo and
        administrators included. Only the system itself (uid 1, which no login
        reaches: the shell, upgrades, test clean-ups) deletes such a case."""
        if self.env.uid == SUPERUSER_ID:
            return
        held = self._closure_evidence_held()
        if held:
            case, kinds = next(iter(held.items()))
            raise UserError(_(
                "%(case)s holds evidence (%(evidence)s): it cannot be deleted. Archive it instead.",
                case=case.display_name, evidence=', '.join(kinds)))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_view_plan(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.plan',
            'res_id': self.closure_plan_id.id,
            'view_mode': 'form',
            'name': _('Closure Plan'),
        }

    def action_closure_suggest_receivers(self):
        self.ensure_one()
        return self.env['closure.transfer.suggest'].create({'lead_id': self.id})._action_open()

    def action_closure_view_transfers(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_transfer')
        action['domain'] = [('lead_id', '=', self.id)]
        action['context'] = {'default_lead_id': self.id}
        return action

    def action_set_won(self):
        self._closure_refuse_sales_outcome(won=True)
        return super().action_set_won()

    def action_set_lost(self, **additional_values):
        self._closure_refuse_sales_outcome()
        return super().action_set_lost(**additional_values)

    # ------------------------------------------------------------------
    # Checks (create and write call them)
    # ------------------------------------------------------------------
    @api.model
    def _closure_check_customer_fields(self, vals, creating=False):
        """Refuse the answer link's token, whoever writes it (the server
        makes it, in SQL: _closure_ensure_access_token), and what only the
        customer's page or the workflow recording the customer's answer
        writes (CLOSURE_CUSTOMER_FIELDS) from anyone else."""
        if vals.get('closure_access_token') or (not creating and 'closure_access_token' in vals):
            raise UserError(_(
                "The customer's answer link is made by the server when the case is created: it cannot be written. "
                "A closure manager renews it with 'Renew the Link'."))
        if self.env.su or is_trusted(self.env, CASE_WORKFLOW_KEY):
            return
        written = [fname for fname in CLOSURE_CUSTOMER_FIELDS if fname in vals and (vals[fname] or not creating)]
        if written:
            raise UserError(_(
                "'%(field)s' is written only by the customer's personal page or by recording the customer's "
                "answer: it cannot be written here.", field=self._fields[written[0]]._description_string(self.env)))

    def _closure_check_tier_by_hand(self, vals):
        """Only a closure manager sets a case's tier by hand, or changes a tier set by hand."""
        touches_manual = any(fname in vals for fname in TIER_MANUAL_FIELDS)
        touches_tier = 'closure_tier' in vals and (
            vals.get('closure_tier_manual') or self.filtered('closure_tier_manual'))
        if (touches_manual or touches_tier) and not self.env.su \
                and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_(
                "Only a closure manager sets a case's tier by hand (%(user)s tried to change %(fields)s).",
                user=self.env.user.name, fields=', '.join(
                    self._fields[fname].get_description(self.env)['string']
                    for fname in ('closure_tier', *TIER_MANUAL_FIELDS) if fname in vals)))

    def _closure_post_tier_by_hand(self, tiers_before):
        """Say on each case whose tier a manager changed by hand what it was, and why."""
        labels = dict(self._fields['closure_tier']._description_selection(self.env))
        for lead in self.filtered(lambda lead: lead.closure_tier_manual
                                  and lead.closure_tier != tiers_before.get(lead.id)):
            lead.message_post(body=_(
                "Tier set by hand: %(before)s → %(after)s. Reason: %(reason)s",
                before=labels.get(tiers_before.get(lead.id), _('none')), after=labels.get(lead.closure_tier),
                reason=lead.closure_tier_reason), subtype_xmlid='mail.mt_note')

    def _closure_check_erasure_fields(self, fnames):
        forbidden = [fname for fname in self._closure_erasure_fields() if fname in fnames]
        if forbidden and not self.env.su:
            raise UserError(_(
                "'%(field)s' is set by the erasure of the plan's customer data, never by hand.",
                field=self._fields[forbidden[0]]._description_string(self.env)))

    # ------------------------------------------------------------------
    # Refunds and settlement
    # ------------------------------------------------------------------
    def _closure_refund_why(self):
        """The refund's due date and the reason for it, in the env's language."""
        self.ensure_one()
        if not self.closure_refund_regime:
            return False
        env, plan = self.env, self.closure_plan_id
        terms = plan._closure_refund_terms(self.closure_refund_requested_date, self.closure_claim_deadline,
                                           unpaid=self.closure_refund_due > 0)
        if terms['converted']:
            return env._(
                "You asked on %(asked)s, while the company still served its customers. The refund was not paid "
                "before the liquidation group was formed on %(formed)s, so by law it became a creditor's claim, "
                "and we have registered it. No creditor may be paid while claims are being declared (Company Law "
                "2023, Art. 235); the declaration period ends on %(deadline)s. Claims are paid on the liquidation "
                "plan confirmed by the shareholders or a court; we will tell you the amount and the date then.",
                asked=format_date(env, self.closure_refund_requested_date),
                formed=format_date(env, plan.liquidation_formed_date),
                deadline=format_date(env, max(filter(None, [plan.claims_deadline, self.closure_claim_deadline]))))
        if self.closure_refund_regime == 'trading':
            return env._(
                "You asked before the liquidation group was formed: the company still serves its customers and, "
                "as the rules on prepaid services require, refunds you within %(days)s days of your request, "
                "by %(due)s.", days=plan.refund_days, due=format_date(env, self.closure_refund_due_date))
        deadline = max(filter(None, [plan.claims_deadline, self.closure_claim_deadline]))
        if plan.is_bankruptcy:
            return env._(
                "Your refund is a creditor's claim in the liquidation, and it is registered. The company's assets "
                "do not cover its debts, so the liquidation group has applied to the people's court as the law "
                "requires (Company Law 2023, Art. 237): the administrator the court appoints handles your claim "
                "from now on, and nothing is paid by us meanwhile. We will write to you with the administrator's "
                "name and contact.")
        if not plan.is_liquidation_plan_confirmed:
            # no date nor amount is promised before the liquidation plan is confirmed (Art. 236)
            return env._(
                "You asked after the liquidation group was formed (%(formed)s): by law your refund is a creditor's "
                "claim, and we have registered it. No creditor may be paid while claims are being declared "
                "(Company Law 2023, Art. 235); the declaration period ends on %(deadline)s. The liquidation group "
                "then reviews the claims, and they are paid on the liquidation plan confirmed by the shareholders "
                "or a court; we will tell you the amount and the date then.",
                formed=format_date(env, plan.liquidation_formed_date), deadline=format_date(env, deadline))
        return env._(
            "You asked after the liquidation group was formed (%(formed)s): by law your refund is a creditor's "
            "claim, and we have registered it. No creditor may be paid while claims are being declared "
            "(Company Law 2023, Art. 235); the declaration period ends on %(deadline)s and claims are paid on "
            "the liquidation plan's payment date, %(due)s.",
            formed=format_date(env, plan.liquidation_formed_date), deadline=format_date(env, deadline),
            due=format_date(env, self.closure_refund_due_date))

    def _closure_settle_if_done(self):
        """Cases with nothing left open that they are owed (data aside) move
        to the 'settled' closure step: one grouped query for all of them."""
        cases = self.filtered(
            lambda lead: lead.closure_plan_id and lead.closure_stage_code not in ('settled', 'closed')
        )
        if not cases:
            return
        still_open = {lead for [lead] in self.env['closure.obligation']._read_group(
            [('lead_id', 'in', cases.ids), ('state', '=', 'open'), ('obligation_type', '!=', 'data')], ['lead_id'])}
        (cases - self.browse([lead.id for lead in still_open]))._closure_set_stage('settled')

    # ------------------------------------------------------------------
    # Merging duplicates (crm)
    # ------------------------------------------------------------------
    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        # crm's merge moves the history of all but the first record (by its own
        # ordering) onto that one and deletes them as superuser: a case holding
        # evidence is never merged away (checked before anything is moved)
        merged_away = self._sort_by_confidence_level(reverse=True)[1:]
        held = merged_away._closure_evidence_held()
        if held:
            case, kinds = next(iter(held.items()))
            raise UserError(_(
                "%(case)s holds evidence (%(evidence)s): it cannot be merged into another lead. "
                "Archive it instead.", case=case.display_name, evidence=', '.join(kinds)))
        return super(CrmLead, self.with_context(closure_merging=True))._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length)

    # ------------------------------------------------------------------
    # Evidence: what a case holds that must not be destroyed
    # ------------------------------------------------------------------
    def _closure_evidence_held(self):
        """{case: [what it holds, translated]} for the closure cases among these
        that hold evidence: one grouped query per kind, none for ordinary leads."""
        cases = self.filtered('closure_plan_id')
        if not cases:
            return {}
        held = {}
        for model, domain, label in self._closure_evidence_kinds():
            # whoever deletes or merges, the evidence exists: counted as the system,
            # on every company's and team's records
            groups = self.env[model].sudo().with_context(active_test=False)._read_group(
                [('lead_id', 'in', cases.ids), *domain], ['lead_id'])
            for lead, in groups:
                held.setdefault(self.browse(lead.id), []).append(label)
        return held

    @api.model
    def _closure_evidence_kinds(self):
        """Hook: the records that are evidence on a case, as [(model, domain,
        label translated)]; each model has a ``lead_id``. A case holding one is
        archived, never deleted or merged. Add-ons add theirs with super()
        (closure_crm_privilege: opt-ins; closure_crm_care: complaints)."""
        return [
            ('closure.consent', [], _("the customer's recorded consents")),
            ('closure.obligation', ['|', ('claim_declared_date', '!=', False), ('refund_paid_date', '!=', False)],
             _("declared claims or paid refunds")),
            ('closure.transfer',
             ['|', ('date_introduced', '!=', False), ('state', 'not in', ('proposed', 'cancelled'))],
             _("transfers past the introduction")),
            ('closure.notice.recipient', [], _("notices sent")),
        ]

    # ------------------------------------------------------------------
    # Erasure: the hooks the erasure of a plan's customer data (closure_crm_data's
    # closure.erasure) calls, so that add-ons with records on a case join it
    # without depending on the erasure's add-on
    # ------------------------------------------------------------------
    @api.model
    def _closure_erasure_fields(self):
        """Hook: the fields only the erasure writes (closure_crm_data adds the
        erasure record's link)."""
        return ['closure_erased_date']

    @api.model
    def _closure_case_record_tables(self):
        """Hook: [(model, table)] of the records kept on a case (by their
        ``lead_id``) whose messages, activities and files the erasure removes
        with the case's. Add-ons with such records extend it with super()
        (closure_crm_privilege: privileges and opt-ins; closure_crm_care: complaints)."""
        return list(CASE_RECORD_TABLES)

    @api.model
    def _closure_erase_case_records(self, lead_ids):
        """Hook: called by the erasure (closure_crm_data) once it has erased
        the cases ``lead_ids`` (locked, in its transaction): add-ons empty
        what their records on these cases hold about the person (in SQL, set
        based) and invalidate their models. Nothing in closure_crm itself."""
        return

    # ------------------------------------------------------------------
    # Pipeline: one closure pipeline, shared by every plan's team; a closure
    # case stays in it (never won or lost, never moved to a sales stage/team)
    # ------------------------------------------------------------------
    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team = self.env['crm.team'].browse(self._context.get('default_team_id'))
        if self._context.get('closure_pipeline') or (team.exists() and team.is_closure_team):
            # crm's generic stages (team_id empty) stay out of the closure pipeline
            return stages.browse(stages.sudo()._search(
                ['|', ('id', 'in', stages.ids), ('is_closure_stage', '=', True)], order=stages._order))
        return super()._read_group_stage_ids(stages, domain)

    def _stage_find(self, team_id=False, domain=None, order='sequence, id', limit=1):
        teams = self.team_id | self.env['crm.team'].browse(team_id)
        if any(teams.mapped('is_closure_team')):
            # the shared closure stages belong to the closure pipeline's own team
            return self.env['crm.stage'].search(
                [('is_closure_stage', '=', True), *(domain or [])], order=order, limit=limit)
        return super()._stage_find(team_id=team_id, domain=domain, order=order, limit=limit)

    def _closure_check_pipeline(self, vals):
        """Refuse what would take a closure case out of the closure pipeline:
        a stage outside it (crm's won stage included), a sales team, a lost
        reason. Ordinary leads are not concerned."""
        if not ('stage_id' in vals or 'team_id' in vals or vals.get('lost_reason_id')):
            return
        cases = self.filtered('closure_plan_id')
        if not cases:
            return
        case = cases[0]
        if 'stage_id' in vals:
            stage = self.env['crm.stage'].browse(vals['stage_id'])
            if not stage.is_closure_stage:
                raise UserError(_(
                    "%(case)s is a closure case: it cannot move to the stage '%(stage)s', which is not a stage of "
                    "the closure pipeline. Move it to a closure stage (To Notify, Notified, Answered...); the "
                    "notices, the customer's answers, transfers and refunds move it there by themselves.",
                    case=case.display_name, stage=stage.display_name or _("None")))
        if 'team_id' in vals:
            team = self.env['crm.team'].browse(vals['team_id'])
            if not team.is_closure_team:
                raise UserError(_(
                    "%(case)s is a closure case: it cannot move to the sales team '%(team)s'. It stays in its "
                    "closure plan's team; to give it to another person, change its salesperson or use a staff "
                    "hand-over.", case=case.display_name, team=team.display_name or _("None")))
        if vals.get('lost_reason_id'):
            self._closure_refuse_sales_outcome()

    @api.model
    def _closure_back_into_pipeline(self):
        """Put the closure cases found outside the closure pipeline (made
        before 18.0.1.2.0: without a team, or marked won or lost) back into
        their plan's team, in 'To Notify' ('Closed' once their data is
        erased). Returns them."""
        cases = self.with_context(active_test=False).search([
            ('closure_plan_id', '!=', False),
            '|', '|', '|', ('stage_id', '=', False), ('stage_id.is_closure_stage', '=', False),
            ('team_id', '=', False), ('team_id.is_closure_team', '=', False)])
        groups = cases.grouped(lambda case: (case.closure_plan_id, bool(case.closure_erased_date)))
        for (plan, erased), group in groups.items():
            group.write({
                'team_id': plan.team_id.id,
                'stage_id': plan.team_id._closure_stage('closed' if erased else 'to_notify').id,
                'lost_reason_id': False,
            })
        return cases

    def _closure_refuse_sales_outcome(self, won=False):
        """A closure case is worked to the end of the closure, never won or lost."""
        case = self.filtered('closure_plan_id')[:1]
        if not case:
            return
        if won:
            message = _(
                "%(case)s is a closure case: it cannot be marked as won. It moves through the closure stages "
                "(notified, answered, transfer agreed, transferred, settled, closed) as the work is recorded: "
                "send the notice, record the customer's answer, a transfer or a refund.", case=case.display_name)
        else:
            message = _(
                "%(case)s is a closure case: it cannot be marked as lost. Record what happened instead: the "
                "customer's answer, a complaint or a refund; a case with nothing left to do goes to the "
                "'Closed' stage.", case=case.display_name)
        raise UserError(message)

    # ------------------------------------------------------------------
    # Business steps
    # ------------------------------------------------------------------
    def _closure_set_stage(self, code):
        """Move closure cases to their team's stage for a closure step."""
        for team, cases in self.filtered('closure_plan_id').grouped('team_id').items():
            cases.write({'stage_id': team._closure_stage(code).id})

    def _closure_schedule_activity(self, activity_xmlid, summary, note, date_deadline, notify=False, owner=None):
        """One activity per case for its owner (the plan's manager when the
        case has none), or for ``owner`` when given, created in one batch."""
        if not self:
            return self.env['mail.activity']
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        model_id = self.env['ir.model']._get_id('crm.lead')
        return self.env['mail.activity'].with_context(mail_activity_quick_update=not notify).create([{
            'res_model_id': model_id,
            'res_id': lead.id,
            'activity_type_id': activity_type.id if activity_type else False,
            'summary': summary,
            'note': note,
            'date_deadline': date_deadline,
            'user_id': (owner or lead.user_id or lead.closure_plan_id.user_id or self.env.user).id,
        } for lead in self])
