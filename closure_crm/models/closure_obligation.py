from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, format_amount, format_date

from ..tools.trust import is_trusted, trusted

# what makes the customer a creditor: value they paid and did not receive
CLAIM_TYPES = ('prepaid', 'deposit', 'subscription', 'milestone', 'contract', 'other')
CLAIM_CHANNELS = [
    ('portal', 'Personal Page'),
    ('phone', 'Phone'),
    ('email', 'Email'),
    ('paper', 'Paper / Letter'),
    ('visit', 'In Person'),
    ('other', 'Other'),
]
REFUND_REGIMES = [
    ('trading', 'Refund period (before the liquidation group)'),
    ('claim', 'Declared claim (liquidation)'),
]
# the payment of a refund is evidence: written once, after _closure_check_payable
PAYMENT_FIELDS = ('refund_paid_amount', 'refund_paid_date', 'refund_reference', 'refund_paid_by_id',
                  'refund_document')
# the declaration of a claim is evidence too: its date sets the refund regime
CLAIM_FIELDS = ('claim_declared_date', 'claim_channel')
# only the customer's personal page declares a claim "through the personal page"
PORTAL_CLAIM_KEY = 'closure_claim_from_page'
# the liquidation group's review of a declared claim, written by _closure_review_claim only
REVIEW_FIELDS = ('claim_review_state', 'claim_confirmed_amount', 'claim_review_reason', 'claim_reviewed_by_id',
                 'claim_reviewed_date')
REVIEW_KEY = 'closure_claim_review'
# a balance taken over by a receiver (closure.transfer), written by _closure_take_over only
TAKE_OVER_KEY = 'closure_take_over'
# money owed is a manager's business: these change what the customer is owed
MONEY_FIELDS = ('amount', 'obligation_type', 'is_paid', 'period_start', 'period_end', 'lead_id')
# where an obligation comes from: typed in or imported, or loaded from the
# company's own books by closure.plan.action_compute_obligations (add-on closure_crm_books)
OBLIGATION_SOURCES = [
    ('manual', 'Entered or Imported'),
    ('account', 'Invoicing'),
    ('sale', 'Sales'),
    ('loyalty', 'eWallet and Gift Cards'),
]
SOURCE_KINDS = [
    ('credit_note', 'Unapplied credit note'),
    ('advance_payment', 'Advance payment'),
    ('overpayment', 'Overpayment'),
    ('customer_credit', 'Customer credit'),
    ('paid_not_delivered', 'Paid, not delivered'),
    ('ewallet', 'eWallet balance'),
    ('gift_card', 'Gift card'),
]
# written by the load from the books only (or by the system)
SOURCE_FIELDS = ('source', 'source_kind', 'source_document', 'source_ref', 'source_date', 'books_amount')
CLAIM_REVIEW_STATES = [
    ('to_review', 'To Review'),
    ('confirmed', 'Confirmed'),
    ('disputed', 'Disputed'),
    ('rejected', 'Rejected'),
]


class ClosureObligation(models.Model):
    """What the closing company still owes one customer: prepaid value,
    deposits, subscriptions and memberships, paid milestones or contracts not
    delivered, data it holds. Value paid and not received makes the customer
    a creditor: the obligation then carries the claim (declared when and how)
    and, once paid, the refund payment."""

    _name = 'closure.obligation'
    _description = 'Closure Customer Obligation'
    _order = 'lead_id, obligation_type, due_date, id'
    _check_company_auto = True
    _sql_constraints = [
        ('source_document_unique', 'UNIQUE(lead_id, source_document)',
         "A document of the books gives one obligation per case."),
    ]

    lead_id = fields.Many2one('crm.lead', 'Case', required=True, index=True, ondelete='cascade', check_company=True)
    plan_id = fields.Many2one(related='lead_id.closure_plan_id', store=True, index=True)
    company_id = fields.Many2one(
        'res.company', compute='_compute_company_id', store=True, precompute=True, index=True)
    currency_id = fields.Many2one(related='lead_id.company_currency')
    partner_id = fields.Many2one(related='lead_id.partner_id', string='Customer')
    obligation_type = fields.Selection([
        ('prepaid', 'Prepaid Balance'),
        ('deposit', 'Deposit'),
        ('subscription', 'Subscription / Membership'),
        ('milestone', 'Open Milestone'),
        ('contract', 'Running Contract'),
        ('data', 'Data Held'),
        ('other', 'Other'),
    ], 'Type', required=True, default='prepaid')
    name = fields.Char('Description', required=True)
    amount = fields.Monetary(
        currency_field='currency_id',
        help="Prepaid balance or deposit: what is left. Subscription: the price of the whole "
             "period. Milestone or contract: its price.")
    is_paid = fields.Boolean(
        'Paid by the Customer',
        help="Milestones, contracts and other obligations: the customer already paid for it. "
             "Paid and not delivered, it is a claim the customer may declare.")
    period_start = fields.Date('Period From', help="Subscription or membership: first day paid for.")
    period_end = fields.Date('Period To', help="Subscription or membership: last day paid for.")
    refundable_amount = fields.Monetary(
        'Refundable', currency_field='currency_id', compute='_compute_refundable', store=True,
        help="What the customer may claim back: the balance or deposit, the unused share of a "
             "subscription at service end, the price of a paid milestone or contract.")
    proration_note = fields.Char('How It Is Computed', compute='_compute_refundable', store=True)
    due_date = fields.Date('Due')
    state = fields.Selection([
        ('open', 'Open'),
        ('settled', 'Settled'),
        ('transferred', 'Taken Over by Receiver'),
        ('waived', 'Waived by Customer'),
    ], default='open', required=True)
    note = fields.Text('Notes')
    # -- the claim: declared when and how, due when ---------------------
    claim_declared_date = fields.Date(
        'Claim Declared On', copy=False,
        help="The day the customer asked for the refund or declared the claim. It sets the regime.")
    claim_channel = fields.Selection(CLAIM_CHANNELS, 'Declared Through', copy=False)
    refund_regime = fields.Selection(
        REFUND_REGIMES, 'Regime', compute='_compute_refund_terms', store=True,
        help="Asked before the liquidation group is formed: paid within the refund period. "
             "From its formation on: a declared claim, never paid during the declaration "
             "period (Company Law 2023, Art. 235), due on the liquidation plan's payment date.")
    refund_due_date = fields.Date('Refund Due On', compute='_compute_refund_terms', store=True)
    # -- the payment (evidence: see PAYMENT_FIELDS) ----------------------
    refund_paid_amount = fields.Monetary('Refund Paid', currency_field='currency_id', readonly=True, copy=False)
    refund_paid_date = fields.Date('Refund Paid On', readonly=True, copy=False)
    refund_reference = fields.Char('Payment Reference', readonly=True, copy=False)
    refund_paid_by_id = fields.Many2one('res.users', 'Paid By', readonly=True, copy=False)
    refund_document = fields.Reference(
        selection='_selection_refund_document', string='Credit Note / Payment', readonly=True, copy=False,
        help="With Invoicing installed: the credit note or payment of this refund.")
    refund_converted = fields.Boolean(
        'Became a Claim', compute='_compute_refund_terms', store=True,
        help="Asked while the company still traded, not paid when the liquidation group formed: "
             "by law it became a declared claim.")
    # -- the liquidation group's review (see REVIEW_FIELDS) ---------------
    claim_review_state = fields.Selection(
        CLAIM_REVIEW_STATES, 'Review', compute='_compute_claim_review_state', store=True, readonly=True,
        copy=False, index=True)
    claim_confirmed_amount = fields.Monetary('Confirmed Amount', currency_field='currency_id', readonly=True,
                                             copy=False)
    claim_review_reason = fields.Text('Review Reason', readonly=True, copy=False)
    claim_reviewed_by_id = fields.Many2one('res.users', 'Reviewed By', readonly=True, copy=False)
    claim_reviewed_date = fields.Date('Reviewed On', readonly=True, copy=False)
    claim_payable_amount = fields.Monetary(
        'Payable Now', currency_field='currency_id', compute='_compute_claim_payable_amount',
        help="The confirmed amount times the share the liquidation plan's assets pay.")
    # -- who changed what is owed, and why (money owed is a manager's business) --
    change_reason = fields.Text(
        'Reason for the Change', copy=False,
        help="Required when a closure manager waives, changes or deletes money owed to a customer.")
    transfer_id = fields.Many2one(
        'closure.transfer', 'Taken Over Through', readonly=True, copy=False, index='btree_not_null',
        ondelete='restrict', help="The completed transfer whose receiver took this balance over.")

    # -- where it comes from (see SOURCE_FIELDS) ---------------------------
    source = fields.Selection(
        OBLIGATION_SOURCES, default='manual', required=True, readonly=True, index=True, copy=False,
        help="Entered or imported by hand, or loaded from the company's books by Load What We Owe.")
    source_kind = fields.Selection(SOURCE_KINDS, 'Kind of Balance', readonly=True, copy=False)
    source_document = fields.Reference(
        selection='_selection_source_document', readonly=True, copy=False,
        help="The document of the books this balance is read from: the journal entry, the sales order, "
             "the eWallet or gift card.")
    source_ref = fields.Char('Document Reference', readonly=True, copy=False)
    source_date = fields.Date('Balance On', readonly=True, copy=False,
                              help="The day the books were last read for this amount.")
    books_amount = fields.Monetary(
        'In the Books', currency_field='currency_id', readonly=True, copy=False,
        help="The balance the books show now, read at every load. A declared, reviewed, paid or taken "
             "over obligation keeps its amount: a difference is listed in the plan's reconciliation.")
    books_differs = fields.Boolean(
        'Books Differ', compute='_compute_books_differs', store=True,
        help="The books show another balance than this obligation's amount.")

    # -- import: the customer and the plan named the way a spreadsheet names them --
    closure_import_customer = fields.Char(
        'Customer (Reference, Tax ID or Email)', compute='_compute_closure_import', inverse='_inverse_closure_import',
        help="Import only: the customer's reference, tax ID or email; the obligation goes to their case in the plan.")
    closure_import_plan = fields.Char(
        'Plan Name', compute='_compute_closure_import', inverse='_inverse_closure_import',
        help="Import only: the plan's name (the plan the import was opened from by default).")

    def _compute_closure_import(self):
        for obligation in self:
            obligation.closure_import_customer = obligation.partner_id.ref or obligation.partner_id.vat \
                or obligation.partner_id.email
            obligation.closure_import_plan = obligation.plan_id.name

    def _inverse_closure_import(self):
        # resolved into the case by create() (_closure_resolve_import), before the record exists
        return

    @api.model
    def _selection_source_document(self):
        # each app is optional: its documents are offered only when it is installed
        return [(model, self.env[model]._description) for model in ('account.move', 'sale.order', 'loyalty.card')
                if model in self.env]

    @api.depends('source', 'amount', 'books_amount', 'state')
    def _compute_books_differs(self):
        for obligation in self:
            rounding = obligation.currency_id.rounding or 0.01
            obligation.books_differs = obligation.source != 'manual' and float_compare(
                obligation.amount if obligation.state == 'open' else 0.0, obligation.books_amount,
                precision_rounding=rounding) != 0

    def _closure_source_label(self, lang=None):
        """What the customer reads next to the amount, in ``lang`` (the
        customer's language by default): "eWallet balance on 7 December 2026",
        or the description of an obligation entered by hand."""
        self.ensure_one()
        if self.source == 'manual' or not self.source_kind:
            return self.name
        lang = lang or self.partner_id.lang or self.env.lang
        record = self.with_context(lang=lang)
        kind = dict(record._fields['source_kind']._description_selection(record.env))[self.source_kind]
        if self.source_kind in ('credit_note', 'advance_payment', 'overpayment', 'customer_credit', 'gift_card',
                                'paid_not_delivered') and self.source_ref:
            kind = f'{kind} {self.source_ref}'
        if not self.source_date:
            return kind
        # the customer's language, not the user's who renders the page or the notice
        return record.env._("%(kind)s on %(date)s", kind=kind,
                            date=format_date(record.env, self.source_date, lang_code=lang))

    def _closure_balance_lines(self):
        """One sentence per open balance owed, in the env's language (the
        customer's when a notice or the page renders it): "eWallet balance
        on 7 December 2026: 245.00"."""
        lang = self.env.lang
        return [self.env._("%(label)s: %(amount)s", label=obligation._closure_source_label(lang),
                           amount=format_amount(self.env, obligation.refundable_amount,
                                                obligation.currency_id or self.env.company.currency_id))
                for obligation in self
                if obligation.state == 'open' and obligation.refundable_amount > 0
                and not obligation.claim_declared_date]

    @api.model
    def _selection_refund_document(self):
        # Invoicing is optional: its documents are offered only when installed
        return [(model, self.env[model]._description) for model in ('account.move', 'account.payment')
                if model in self.env]

    @api.depends('obligation_type', 'amount', 'is_paid', 'period_start', 'period_end',
                 'plan_id.service_end_date')
    def _compute_refundable(self):
        for obligation in self:
            obligation.proration_note = False
            kind = obligation.obligation_type
            if kind in ('prepaid', 'deposit'):
                obligation.refundable_amount = obligation.amount
            elif kind == 'subscription':
                obligation.refundable_amount, obligation.proration_note = obligation._prorate()
            elif kind in ('milestone', 'contract', 'other') and obligation.is_paid:
                obligation.refundable_amount = obligation.amount
            else:
                obligation.refundable_amount = 0.0

    @api.depends('claim_declared_date', 'lead_id.closure_claim_deadline', 'plan_id.plan_type',
                 'plan_id.liquidation_formed_date', 'plan_id.claims_deadline', 'plan_id.refund_days',
                 'plan_id.settlement_days', 'plan_id.liquidation_plan_payment_date', 'state')
    def _compute_refund_terms(self):
        for obligation in self:
            terms = obligation.plan_id._closure_refund_terms(
                obligation.claim_declared_date, obligation.lead_id.closure_claim_deadline,
                unpaid=obligation.state == 'open')
            obligation.refund_regime, obligation.refund_due_date = terms['regime'], terms['due_date']
            obligation.refund_converted = terms['converted']

    @api.depends('claim_declared_date')
    def _compute_claim_review_state(self):
        for obligation in self:
            if obligation.claim_declared_date and not obligation.claim_review_state:
                obligation.claim_review_state = 'to_review'
            elif not obligation.claim_declared_date:
                obligation.claim_review_state = False

    @api.depends('claim_review_state', 'claim_confirmed_amount', 'plan_id.claim_pay_ratio')
    def _compute_claim_payable_amount(self):
        for obligation in self:
            amount = obligation.claim_confirmed_amount * obligation.plan_id.claim_pay_ratio \
                if obligation.claim_review_state == 'confirmed' else 0.0
            obligation.claim_payable_amount = obligation.currency_id.round(amount) if obligation.currency_id \
                else round(amount, 2)

    @api.depends('lead_id.company_id', 'lead_id.closure_plan_id.company_id')
    def _compute_company_id(self):
        for obligation in self:
            obligation.company_id = obligation.lead_id.company_id or obligation.lead_id.closure_plan_id.company_id

    @api.constrains('amount', 'obligation_type')
    def _check_amount(self):
        for obligation in self:
            if obligation.amount < 0:
                raise ValidationError(_(
                    "Obligation '%(name)s': Amount cannot be negative (got %(amount)s).",
                    name=obligation.name, amount=obligation.amount))

    @api.constrains('period_start', 'period_end')
    def _check_period(self):
        for obligation in self:
            if obligation.period_start and obligation.period_end and obligation.period_end < obligation.period_start:
                raise ValidationError(_(
                    "Obligation '%(name)s': Period To (%(end)s) cannot be before Period From (%(start)s).",
                    name=obligation.name, end=obligation.period_end, start=obligation.period_start))

    @api.constrains('claim_declared_date')
    def _check_claim_declared_date(self):
        today = fields.Date.context_today(self)
        for obligation in self:
            if obligation.claim_declared_date and obligation.claim_declared_date > today:
                raise ValidationError(_(
                    "Obligation '%(name)s': Claim Declared On (%(date)s) cannot be in the future.",
                    name=obligation.name, date=obligation.claim_declared_date))

    def _closure_is_manager(self):
        return self.env.is_superuser() or self.env.user.has_group('closure_crm.group_closure_manager')

    def _closure_check_declared_by(self, declared):
        """A rep records a declaration on the day it is recorded; only a closure
        manager dates it earlier (a letter that came in before), since the day
        sets the refund regime."""
        declared = fields.Date.to_date(declared)
        if declared and declared < fields.Date.context_today(self) and not self._closure_is_manager():
            raise AccessError(_(
                "Claim Declared On (%(date)s) is before today: only a closure manager records a claim declared "
                "on an earlier day.", date=declared))

    def _closure_owed(self):
        """The obligations that are money owed: an open refundable balance or a declared claim."""
        return self.filtered(lambda o: o.state == 'open' and (o.refundable_amount > 0 or o.claim_declared_date))

    def _closure_check_money_change(self, vals, deleting=False):
        """Waiving, changing or deleting money owed to a customer is a closure
        manager's decision, with its reason kept."""
        owed = self._closure_owed()
        if not owed:
            return
        if deleting:
            changing = True
            reason = self.env.context.get('closure_change_reason')
        else:
            changing = bool(set(MONEY_FIELDS) & set(vals)) or vals.get('state', 'open') != 'open'
            reason = vals.get('change_reason')
        if not changing:
            return
        if not self._closure_is_manager():
            raise AccessError(_(
                "Obligation '%(name)s' is money owed to the customer: only a closure manager may waive, change "
                "or delete it.", name=owed[0].name))
        if not (reason or '').strip() and not self.env.is_superuser():
            raise UserError(_(
                "Obligation '%(name)s' is money owed to the customer: give the reason for the change "
                "(Reason for the Change).", name=owed[0].name))

    # ------------------------------------------------------------------
    # CRUD: a paid refund is evidence
    # ------------------------------------------------------------------
    @api.model
    def get_import_templates(self):
        return [{
            'label': _('Import Template for Customer Obligations'),
            'template': '/closure_crm/static/xls/closure_obligation_import.xlsx',
        }]

    @api.model
    def _closure_resolve_import(self, vals_list):
        """Give each imported line (``closure_import_customer``, optional
        ``closure_import_plan``) its case: the customer is found by reference,
        tax ID or email (one query for the whole import), their case in the
        plan named on the line (or the plan the import was opened from). A line
        that matches no customer, several customers or no case is refused with
        the value it gave: Odoo's import reports it on that line and imports
        nothing."""
        keys = {(vals.get('closure_import_customer') or '').strip() for vals in vals_list} - {''}
        if not keys:
            return
        plan_names = {(vals.get('closure_import_plan') or '').strip() for vals in vals_list} - {''}
        plans = {plan.name: plan for plan in self.env['closure.plan'].search([('name', 'in', list(plan_names))])}
        default_plan = self.env['closure.plan'].browse(self.env.context.get('closure_import_plan_id'))
        self.env['res.partner'].flush_model(['ref', 'vat', 'email', 'commercial_partner_id', 'active'])
        self.env['crm.lead'].flush_model(['partner_id', 'closure_plan_id'])
        lowered = [key.lower() for key in keys]
        self.env.cr.execute(SQL(
            """SELECT k.key, array_agg(DISTINCT p.commercial_partner_id)
                 FROM unnest(%(keys)s) AS k(key)
                 JOIN res_partner p ON p.active AND (lower(p.ref) = k.key OR lower(p.vat) = k.key
                                                    OR lower(p.email) = k.key)
                GROUP BY k.key""", keys=lowered))
        partners = dict(self.env.cr.fetchall())
        for vals in vals_list:
            key = (vals.pop('closure_import_customer', None) or '').strip()
            plan_name = (vals.pop('closure_import_plan', None) or '').strip()
            if not key or vals.get('lead_id'):
                continue
            plan = plans.get(plan_name) if plan_name else default_plan
            if plan_name and not plan:
                raise ValidationError(_("Plan Name: no closure plan is named '%(plan)s'.", plan=plan_name))
            if not plan:
                raise ValidationError(_("Plan Name: name the closure plan of customer '%(customer)s'.",
                                        customer=key))
            found = partners.get(key.lower()) or []
            if not found:
                raise ValidationError(_(
                    "Customer (Reference, Tax ID or Email): no customer has the reference, tax ID or email "
                    "'%(customer)s'.", customer=key))
            if len(found) > 1:
                raise ValidationError(_(
                    "Customer (Reference, Tax ID or Email): '%(customer)s' matches %(count)s customers; use their "
                    "reference instead.", customer=key, count=len(found)))
            lead = self.env['crm.lead'].search([('closure_plan_id', '=', plan.id),
                                                ('partner_id.commercial_partner_id', '=', found[0])], limit=1)
            if not lead:
                raise ValidationError(_(
                    "Customer (Reference, Tax ID or Email): customer '%(customer)s' has no case in plan %(plan)s.",
                    customer=key, plan=plan.name))
            vals['lead_id'] = lead.id

    @api.model_create_multi
    def create(self, vals_list):
        # the import creates a batch, then each line again when one fails: its dicts stay as they came
        vals_list = [dict(vals) for vals in vals_list]
        self._closure_resolve_import(vals_list)
        for vals in vals_list:
            vals.pop('closure_import_customer', None)
            vals.pop('closure_import_plan', None)
            if not self.env.is_superuser() and (
                    vals.get('source', 'manual') != 'manual' or any(vals.get(fname) for fname in SOURCE_FIELDS[1:])):
                raise UserError(_("An obligation from the books is loaded by Load What We Owe on the plan, "
                                  "never entered by hand."))
            if any(vals.get(fname) for fname in PAYMENT_FIELDS):
                raise UserError(_("A refund payment is recorded on an existing claim, with Record Refund Payment."))
            self._closure_check_claim_channel(vals.get('claim_channel'))
            self._closure_check_declared_by(vals.get('claim_declared_date'))
            # an import by the system may bring obligations already settled elsewhere
            if any(vals.get(fname) for fname in REVIEW_FIELDS) or vals.get('transfer_id') \
                    or (vals.get('state', 'open') not in ('open', 'waived') and not self.env.is_superuser()):
                raise UserError(_("A claim's review, its payment or its take-over is recorded on an existing "
                                  "obligation, by its own action."))
        return super().create(vals_list)

    def write(self, vals):
        if any(fname in vals for fname in SOURCE_FIELDS) and not self.env.is_superuser():
            raise UserError(_("Where an obligation comes from is written by Load What We Owe only."))
        if any(fname in vals for fname in PAYMENT_FIELDS):
            # the same checks whichever way the payment comes in (button, RPC)
            if not (vals.get('refund_paid_amount') and vals.get('refund_paid_date')):
                raise UserError(_("A refund payment needs its amount and its date."))
            for obligation in self:
                obligation._closure_check_payable(
                    vals['refund_paid_amount'], fields.Date.to_date(vals['refund_paid_date']))
        if any(fname in vals for fname in CLAIM_FIELDS):
            self._closure_check_claim_write(vals)
        if any(fname in vals for fname in REVIEW_FIELDS) and not is_trusted(self.env, REVIEW_KEY):
            raise UserError(_("A claim's review is recorded with Review Claim, by a closure manager."))
        if ('transfer_id' in vals or vals.get('state') == 'transferred') and not is_trusted(self.env, TAKE_OVER_KEY):
            raise UserError(_("A balance is taken over by a receiver when its transfer completes, not by hand."))
        # a paid obligation is evidence, frozen whole
        paid = self.filtered('refund_paid_date')
        if paid and not any(fname in vals for fname in PAYMENT_FIELDS):
            raise UserError(_("Obligation '%(name)s': its refund was paid on %(date)s; it can no longer change.",
                              name=paid[0].name, date=paid[0].refund_paid_date))
        trusted_path = any(fname in vals for fname in PAYMENT_FIELDS) or is_trusted(self.env, TAKE_OVER_KEY) \
            or is_trusted(self.env, REVIEW_KEY)
        if not trusted_path:
            if 'change_reason' in vals and not self._closure_is_manager():
                raise AccessError(_("Only a closure manager gives the reason for a change of what is owed."))
            self._closure_check_money_change(vals)
        res = super().write(vals)
        if not trusted_path and vals.get('change_reason'):
            for obligation in self:
                obligation.lead_id.message_post(body=_(
                    "Obligation '%(name)s' changed by %(user)s. Reason: %(reason)s",
                    name=obligation.name, user=self.env.user.name, reason=vals['change_reason']))
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        paid = self.filtered('refund_paid_date')
        if paid:
            raise UserError(_("Obligation '%(name)s': its refund was paid on %(date)s; the record is kept.",
                              name=paid[0].name, date=paid[0].refund_paid_date))
        taken = self.filtered('transfer_id')
        if taken:
            raise UserError(_("Obligation '%(name)s' was taken over through %(transfer)s; the record is kept.",
                              name=taken[0].name, transfer=taken[0].transfer_id.display_name))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_owed(self):
        self._closure_check_money_change({}, deleting=True)
        reason = self.env.context.get('closure_change_reason')
        for obligation in self._closure_owed():
            obligation.lead_id.message_post(body=_(
                "Obligation '%(name)s' (%(amount)s) deleted by %(user)s. Reason: %(reason)s",
                name=obligation.name, amount=obligation.refundable_amount, user=self.env.user.name,
                reason=reason))

    def action_record_refund_payment(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.refund.payment',
            'view_mode': 'form',
            'target': 'new',
            'name': _('Record Refund Payment'),
            'context': {'default_obligation_id': self.id},
        }

    def action_waive(self):
        """A closure manager records that the customer waived this obligation,
        with the reason given in Reason for the Change."""
        for obligation in self:
            if not (obligation.change_reason or '').strip():
                raise UserError(_("Obligation '%(name)s': write the reason in Reason for the Change first "
                                  "(e.g. the customer's written waiver).", name=obligation.name))
            obligation.write({'state': 'waived', 'change_reason': obligation.change_reason})
        return True

    def action_confirm_claim(self):
        """The liquidation group confirms these claims for their refundable amount."""
        self._closure_review_claim('confirmed')
        return True

    def _prorate(self):
        """(unused share, explanation) of a subscription at the plan's service end."""
        self.ensure_one()
        start, end, amount = self.period_start, self.period_end, self.amount
        stop = self.plan_id.service_end_date
        if not (start and end and stop) or end < start:
            return 0.0, _("Set the period (from, to) and the plan's service end to prorate.")
        total = (end - start).days + 1
        unused = min(max((end - stop).days, 0), total)
        share = (
            self.currency_id.round(amount * unused / total) if self.currency_id else round(amount * unused / total, 2)
        )
        currency = self.currency_id or self.env.company.currency_id
        return share, _("%(amount)s × %(unused)s/%(total)s days unused (service ends %(stop)s) = %(share)s",
                        amount=format_amount(self.env, amount, currency), unused=unused, total=total,
                        stop=format_date(self.env, stop), share=format_amount(self.env, share, currency))

    @api.model
    def _closure_check_claim_channel(self, channel):
        if channel == 'portal' and not is_trusted(self.env, PORTAL_CLAIM_KEY):
            raise UserError(_("Only the customer's personal page declares a claim through the personal page: "
                              "choose the channel the claim came in by."))

    def _closure_check_claim_write(self, vals):
        """A declared claim keeps its date and channel: the date decides the
        refund regime (and so when it may be paid), the channel is how the
        customer asked. Declaring one is refused for the personal page's
        channel unless the page itself declares it."""
        self._closure_check_claim_channel(vals.get('claim_channel'))
        new_date = fields.Date.to_date(vals['claim_declared_date']) if 'claim_declared_date' in vals else None
        for obligation in self.filtered('claim_declared_date'):
            if ('claim_declared_date' in vals and new_date != obligation.claim_declared_date) or \
                    ('claim_channel' in vals and vals['claim_channel'] != obligation.claim_channel):
                raise UserError(_(
                    "Obligation '%(name)s': its claim was declared on %(date)s; the declaration is evidence "
                    "and keeps its date and channel.", name=obligation.name, date=obligation.claim_declared_date))
        self._closure_check_declared_by(vals.get('claim_declared_date'))

    # ------------------------------------------------------------------
    # Claims and payment
    # ------------------------------------------------------------------
    def _closure_declare_claim(self, channel, declared=None):
        """Register the claims of these obligations (those not declared yet)
        on ``declared`` (today by default), received through ``channel``."""
        declared = declared or fields.Date.context_today(self)
        todo = self.filtered(lambda o: o.state == 'open' and not o.claim_declared_date and o.refundable_amount > 0)
        writer = todo.with_context(**trusted(PORTAL_CLAIM_KEY)) if channel == 'portal' else todo
        writer.write({'claim_declared_date': declared, 'claim_channel': channel})
        return todo

    def _closure_check_payable(self, amount, paid_date):
        """Raise when this refund may not be paid ``amount`` on ``paid_date``:
        by closure managers only, once, up to what is refundable, on the day
        it is recorded (never back-dated), never inside the declaration period
        (either regime), and a declared claim only once reviewed and confirmed,
        on the confirmed liquidation plan, up to its confirmed amount times the
        share the assets pay."""
        self.ensure_one()
        if not (self.env.su or self.env.user.has_group('closure_crm.group_closure_manager')):
            raise AccessError(_("Only a closure manager may record a refund payment."))
        if self.state != 'open' or self.refund_paid_date:
            raise UserError(_("Obligation '%(name)s' is not open: its refund cannot be paid again.", name=self.name))
        if self.refundable_amount <= 0:
            raise UserError(_("Obligation '%(name)s' has nothing refundable.", name=self.name))
        rounding = self.currency_id.rounding if self.currency_id else 0.01
        if amount <= 0 or float_compare(amount, self.refundable_amount, precision_rounding=rounding) > 0:
            raise UserError(
                _(
                    "Refund of '%(name)s': the amount must be more than 0 and at most %(max)s (got %(amount)s).",
                    name=self.name,
                    max=self.refundable_amount,
                    amount=amount,
                )
            )
        today = fields.Date.context_today(self)
        if paid_date > today:
            raise UserError(_("Refund of '%(name)s': the payment date %(date)s is in the future.",
                              name=self.name, date=paid_date))
        if paid_date < today:
            raise UserError(_(
                "Refund of '%(name)s': the payment date %(date)s is before today: a payment is recorded on the day "
                "it is made, never back-dated.", name=self.name, date=paid_date))
        plan = self.plan_id
        first, last = plan._closure_declaration_period(self.lead_id.closure_claim_deadline)
        terms = plan._closure_refund_terms(self.claim_declared_date or paid_date, self.lead_id.closure_claim_deadline)
        if first and first <= paid_date <= last:
            raise UserError(_(
                "Refund of '%(name)s' cannot be paid on %(date)s: no creditor is paid during the declaration "
                "period, from the liquidation group's formation (%(first)s) to %(last)s (Company Law 2023, "
                "Art. 235).", name=self.name, date=paid_date, first=first, last=last))
        if terms['regime'] == 'claim':
            if not self.claim_declared_date:
                raise UserError(_("Refund of '%(name)s': the liquidation group is formed, so this is a creditor's "
                                  "claim: register the claim first (declared on, through).", name=self.name))
            if paid_date < terms['due_date']:
                raise UserError(_(
                    "Refund of '%(name)s' cannot be paid before %(due)s: no creditor is paid during the "
                    "declaration period (Company Law 2023, Art. 235); declared claims are paid on the "
                    "liquidation plan's payment date.", name=self.name, due=terms['due_date']))
            if plan.is_bankruptcy:
                raise UserError(_(
                    "Refund of '%(name)s': plan %(plan)s applied for bankruptcy (Art. 237); its claims are not "
                    "paid by the liquidation group.", name=self.name, plan=plan.name))
            if not plan.is_liquidation_plan_confirmed:
                raise UserError(_(
                    "Refund of '%(name)s': claims are paid on the liquidation plan confirmed by the shareholders "
                    "or a court (Art. 236); record its confirmation first.", name=self.name))
            if self.claim_review_state != 'confirmed':
                raise UserError(_(
                    "Refund of '%(name)s': the claim is not confirmed by the liquidation group's review yet.",
                    name=self.name))
            if float_compare(amount, self.claim_payable_amount, precision_rounding=rounding) > 0:
                raise UserError(_(
                    "Refund of '%(name)s': at most %(max)s is paid (the confirmed %(confirmed)s times the share "
                    "%(ratio)s the assets pay), got %(amount)s.", name=self.name, max=self.claim_payable_amount,
                    confirmed=self.claim_confirmed_amount, ratio=round(plan.claim_pay_ratio, 4), amount=amount))

    def _closure_check_refund_document(self, document):
        """With Invoicing: the document is the customer's credit note or an
        outgoing payment to them."""
        self.ensure_one()
        if document._name not in dict(self._selection_refund_document()):
            raise UserError(_("A refund is linked to a credit note or a payment only."))
        customer = self.partner_id.commercial_partner_id
        if document._name == 'account.move':
            valid = document.move_type == 'out_refund' and document.commercial_partner_id == customer
        else:
            valid = document.payment_type == 'outbound' and document.partner_id.commercial_partner_id == customer
        if not valid:
            raise UserError(_("%(document)s is not a credit note or an outgoing payment of %(customer)s.",
                              document=document.display_name, customer=customer.display_name))

    def _closure_record_refund_payment(self, amount, paid_date=None, reference=False, document=False):
        """Record the refund of this obligation as paid, after the checks;
        the obligation is then settled and its case moves on by itself."""
        self.ensure_one()
        paid_date = paid_date or fields.Date.context_today(self)
        if document:
            self._closure_check_refund_document(document)
        self.write({
            'refund_paid_amount': amount,
            'refund_paid_date': paid_date,
            'refund_reference': reference or False,
            'refund_paid_by_id': self.env.user.id,
            'refund_document': f'{document._name},{document.id}' if document else False,
            'state': 'settled',
        })
        currency = self.currency_id or self.env.company.currency_id
        self.lead_id.message_post(body=_(
            "Refund paid: %(amount)s for %(name)s on %(date)s (reference: %(reference)s), recorded by %(user)s.",
            amount=format_amount(self.env, amount, currency), name=self.name,
            date=format_date(self.env, paid_date), reference=reference or '-', user=self.env.user.name))
        self.lead_id._closure_settle_if_done()
        return True

    # ------------------------------------------------------------------
    # The liquidation group's review of a declared claim
    # ------------------------------------------------------------------
    def _closure_review_claim(self, decision, amount=None, reason=None):
        """Record the liquidation group's review of these declared claims:
        ``decision`` is 'confirmed' (with the ``amount`` confirmed, at most the
        refundable), 'disputed' or 'rejected' (with the ``reason``)."""
        if not self._closure_is_manager():
            raise AccessError(_("Only a closure manager records the liquidation group's review of a claim."))
        if decision not in ('confirmed', 'disputed', 'rejected'):
            raise UserError(_("Review: choose confirmed, disputed or rejected (got %s).", decision))
        today = fields.Date.context_today(self)
        for obligation in self:
            if not obligation.claim_declared_date or obligation.state != 'open':
                raise UserError(_("Obligation '%(name)s': only an open declared claim is reviewed.",
                                  name=obligation.name))
            vals = {'claim_review_state': decision, 'claim_reviewed_by_id': self.env.uid,
                    'claim_reviewed_date': today, 'claim_review_reason': (reason or '').strip() or False,
                    'claim_confirmed_amount': 0.0}
            if decision == 'confirmed':
                confirmed = obligation.refundable_amount if amount is None else amount
                if confirmed <= 0 or float_compare(confirmed, obligation.refundable_amount,
                                                   precision_rounding=obligation.currency_id.rounding or 0.01) > 0:
                    raise UserError(_(
                        "Review of '%(name)s': the confirmed amount must be more than 0 and at most %(max)s "
                        "(got %(amount)s).", name=obligation.name, max=obligation.refundable_amount,
                        amount=confirmed))
                vals['claim_confirmed_amount'] = confirmed
            elif not vals['claim_review_reason']:
                raise UserError(_("Review of '%(name)s': a disputed or rejected claim needs its reason.",
                                  name=obligation.name))
            obligation.with_context(**trusted(REVIEW_KEY)).write(vals)
            labels = dict(self._fields['claim_review_state']._description_selection(self.env))
            obligation.lead_id.message_post(body=_(
                "Claim '%(name)s' reviewed by %(user)s: %(decision)s %(detail)s",
                name=obligation.name, user=self.env.user.name, decision=labels[decision],
                detail=vals['claim_review_reason'] or format_amount(
                    self.env, vals['claim_confirmed_amount'], obligation.currency_id or self.env.company.currency_id)))
        self.plan_id.invalidate_recordset(['claim_pay_ratio', 'customer_claims_confirmed'])
        return True

    # ------------------------------------------------------------------
    # Taken over by a receiver
    # ------------------------------------------------------------------
    @api.model
    def _closure_take_over(self, transfers):
        """The completed ``transfers`` whose receiver takes over the
        customers' balances (its recorded terms): the open obligations of
        their cases that are money owed (paid and not delivered) become
        'taken over by the receiver' with the transfer as evidence; they leave
        the claims register and the cost figures. The rest stay claims."""
        taken = self.browse()
        for transfer in transfers.filtered(lambda t: t.state == 'completed'
                                           and t.receiver_id.commercial_partner_id.closure_takes_over_balances):
            # bookkeeping of a completed transfer, for whoever completed it
            obligations = self.sudo().search([('lead_id', '=', transfer.lead_id.id), ('state', '=', 'open'),
                                              ('refund_paid_date', '=', False)])
            obligations = obligations.filtered(lambda o: o.refundable_amount > 0)
            if not obligations:
                continue
            obligations.with_context(**trusted(TAKE_OVER_KEY)).write(
                {'state': 'transferred', 'transfer_id': transfer.id})
            transfer.lead_id.sudo().message_post(body=_(
                "Taken over by %(receiver)s through %(transfer)s: %(names)s.",
                receiver=transfer.receiver_id.display_name, transfer=transfer.display_name,
                names=', '.join(obligations.mapped('name'))))
            taken |= obligations
        return taken
