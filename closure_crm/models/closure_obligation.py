from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, format_amount, format_date

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
                 'plan_id.settlement_days')
    def _compute_refund_terms(self):
        for obligation in self:
            terms = obligation.plan_id._closure_refund_terms(
                obligation.claim_declared_date, obligation.lead_id.closure_claim_deadline)
            obligation.refund_regime, obligation.refund_due_date = terms['regime'], terms['due_date']

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

    # ------------------------------------------------------------------
    # CRUD: a paid refund is evidence
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(fname) for fname in PAYMENT_FIELDS):
                raise UserError(_("A refund payment is recorded on an existing claim, with Record Refund Payment."))
            self._closure_check_claim_channel(vals.get('claim_channel'))
        return super().create(vals_list)

    def write(self, vals):
        if any(fname in vals for fname in PAYMENT_FIELDS):
            # the same checks whichever way the payment comes in (button, RPC)
            if not (vals.get('refund_paid_amount') and vals.get('refund_paid_date')):
                raise UserError(_("A refund payment needs its amount and its date."))
            for obligation in self:
                obligation._closure_check_payable(
                    vals['refund_paid_amount'], fields.Date.to_date(vals['refund_paid_date']))
        if any(fname in vals for fname in CLAIM_FIELDS):
            self._closure_check_claim_write(vals)
        paid = self.filtered('refund_paid_date')
        locked = {'amount', 'obligation_type', 'state', 'claim_declared_date', 'claim_channel', 'lead_id',
                  'is_paid', 'period_start', 'period_end'}
        if paid and locked & set(vals):
            raise UserError(_("Obligation '%(name)s': its refund was paid on %(date)s; it can no longer change.",
                              name=paid[0].name, date=paid[0].refund_paid_date))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        paid = self.filtered('refund_paid_date')
        if paid:
            raise UserError(_("Obligation '%(name)s': its refund was paid on %(date)s; the record is kept.",
                              name=paid[0].name, date=paid[0].refund_paid_date))

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
        by closure managers only, once, up to what is refundable, and never
        before the regime allows it."""
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
        if paid_date > fields.Date.context_today(self):
            raise UserError(_("Refund of '%(name)s': the payment date %(date)s is in the future.",
                              name=self.name, date=paid_date))
        terms = self.plan_id._closure_refund_terms(self.claim_declared_date or paid_date,
                                                   self.lead_id.closure_claim_deadline)
        if terms['regime'] == 'claim':
            if not self.claim_declared_date:
                raise UserError(_("Refund of '%(name)s': the liquidation group is formed, so this is a creditor's "
                                  "claim: register the claim first (declared on, through).", name=self.name))
            if paid_date < terms['due_date']:
                raise UserError(_(
                    "Refund of '%(name)s' cannot be paid before %(due)s: no creditor is paid during the "
                    "declaration period (Company Law 2023, Art. 235); declared claims are paid on the "
                    "liquidation plan's payment date.", name=self.name, due=terms['due_date']))

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
