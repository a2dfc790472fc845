from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .closure_plan_fact import FACT_TYPES

# how many customers a refusal names (the rest are counted)
NAMED_CUSTOMERS = 5

# plan field holding the recorded day of each fact (the dated ones)
RECORDED_FIELDS = {
    'dissolution_published': 'dissolution_recorded_date',
    'shareholder_commitment': 'shareholder_commitment_date',
    'liquidation_formed': 'liquidation_formed_recorded_date',
    'creditor_notices_sent': 'creditor_notice_recorded_date',
    'announcement_published': 'announcement_recorded_date',
    'plan_confirmed': 'liquidation_plan_confirmed_date',
    'deregistered': 'deregistered_recorded_date',
}
# the timeline date that follows the recorded fact: recorded if recorded, else planned
FOLLOWING_FIELDS = {
    'liquidation_formed_date': 'liquidation_formed_recorded_date',
    'creditor_notice_deadline': 'creditor_notice_recorded_date',
    'announcement_date': 'announcement_recorded_date',
}


class ClosurePlan(models.Model):
    """The plan as the record of the liquidation: the legal facts as they
    happened (closure.plan.fact), the dates that follow from them, and the
    liquidation plan's statutory order of payment (Company Law 2023,
    Arts. 229-240)."""
    # one model, four files in closure_crm (see closure_plan_guide.py)
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    fact_ids = fields.One2many('closure.plan.fact', 'plan_id', string='Recorded Facts')
    # -- the recorded facts (the newest record of each kind counts) --------
    dissolution_recorded_date = fields.Date(
        'Dissolution Published On', compute='_compute_recorded_facts', store=True)
    shareholder_commitment_date = fields.Date(
        "Shareholders' Commitment On", compute='_compute_recorded_facts', store=True)
    liquidation_formed_recorded_date = fields.Date(
        'Liquidation Group Formed On', compute='_compute_recorded_facts', store=True)
    creditor_notice_recorded_date = fields.Date(
        'Creditor Notices Sent On', compute='_compute_recorded_facts', store=True)
    announcement_recorded_date = fields.Date(
        'Announcement Published On', compute='_compute_recorded_facts', store=True,
        help="The day the public announcement actually appeared (a recorded fact).")
    liquidation_plan_confirmed_date = fields.Date(
        'Liquidation Plan Confirmed On', compute='_compute_recorded_facts', store=True)
    deregistered_recorded_date = fields.Date('Deregistered On', compute='_compute_recorded_facts', store=True)
    dissolution_is_recorded = fields.Boolean(compute='_compute_recorded_facts', store=True)
    liquidation_formed_is_recorded = fields.Boolean(compute='_compute_recorded_facts', store=True)
    creditor_notice_is_recorded = fields.Boolean(compute='_compute_recorded_facts', store=True)
    announcement_is_recorded = fields.Boolean(compute='_compute_recorded_facts', store=True)
    is_liquidation_plan_confirmed = fields.Boolean(
        'Liquidation Plan Confirmed', compute='_compute_recorded_facts', store=True,
        help="The liquidation plan is confirmed by the shareholders' meeting or a court (Art. 236): "
             "only then are creditors paid.")
    deregistration_is_recorded = fields.Boolean(compute='_compute_recorded_facts', store=True)
    has_shareholder_commitment = fields.Boolean(
        "Shareholders' Commitment Recorded", compute='_compute_recorded_facts', store=True)
    # -- what the recorded formation says, for the notices and the page ----
    liquidation_leader = fields.Char('Liquidation Group Leader', compute='_compute_liquidation_group', store=True)
    liquidation_members = fields.Char('Liquidation Group Members', compute='_compute_liquidation_group', store=True)
    liquidation_contact = fields.Char(
        'Liquidation Group Contact', compute='_compute_liquidation_group', store=True,
        help="How creditors reach the liquidation group, from the recorded formation.")
    liquidation_plan_confirmed_by = fields.Selection(
        [('shareholders', "Shareholders' meeting"), ('court', 'Court')],
        compute='_compute_liquidation_group', store=True)
    liquidation_plan_payment_date = fields.Date(
        'Claims Paid From (Confirmed)', compute='_compute_recorded_facts', store=True)
    # -- planned dates (the deadlines), beside the recorded ones -----------
    dissolution_published_date = fields.Date(
        'Dissolution Publication', compute='_compute_dissolution_published_date', store=True,
        help="Recorded publication, else the legal deadline: decision + 10 days (Art. 229).")
    deregistration_date = fields.Date(
        'Deregistration', compute='_compute_deregistration_date', store=True,
        help="Recorded deregistration, else planned: after the claims are paid (liquidation) or within "
             "20 days after the simplified announcement.")
    claims_settlement_date = fields.Date(
        'Claims Settled By', compute='_compute_claims_settlement_date', store=True,
        help="The confirmed liquidation plan's payment date, else claims deadline + the settlement period. "
             "The data erasure never comes before it.")
    # -- the statutory order of payment (Art. 236) --------------------------
    liquidation_assets = fields.Monetary(
        'Assets Available', currency_field='currency_id', tracking=True,
        help="What the liquidation plan has to pay the creditors with.")
    owed_liquidation_costs = fields.Monetary('1. Liquidation Costs', currency_field='currency_id', tracking=True)
    owed_wages = fields.Monetary(
        '2. Wages, Social Insurance and Statutory Compensation', currency_field='currency_id', tracking=True)
    owed_taxes = fields.Monetary('3. Taxes Owed', currency_field='currency_id', tracking=True)
    owed_other_debts = fields.Monetary(
        '4. Other Debts (without Customers)', currency_field='currency_id', tracking=True,
        help="Other debts of the company; customers' confirmed claims are added to this class.")
    customer_claims_confirmed = fields.Monetary(
        "Customers' Confirmed Claims", currency_field='currency_id', compute='_compute_pay_ratio')
    other_debts_available = fields.Monetary(
        'Available for Other Debts', currency_field='currency_id', compute='_compute_pay_ratio',
        help="Assets left once the liquidation costs, wages and taxes are paid, in that order.")
    claim_pay_ratio = fields.Float(
        'Customer Claims Paid (share)', compute='_compute_pay_ratio', digits=(5, 4),
        help="Share of each confirmed customer claim paid: 1 when the assets cover the class, "
             "pro rata within the class when they fall short.")
    is_bankruptcy = fields.Boolean(
        'Bankruptcy Applied For', tracking=True, copy=False,
        help="The assets do not cover the debts and the liquidation group applied for bankruptcy "
             "(Art. 237): no claim is paid by this plan.")
    timeline_html = fields.Html('Legal Steps', compute='_compute_timeline_html', sanitize=False)

    @api.depends('fact_ids', 'fact_ids.date', 'fact_ids.fact_type')
    def _compute_recorded_facts(self):
        current = self._current_facts() if self.ids else {}
        for plan in self:
            for fact_type, fname in RECORDED_FIELDS.items():
                fact = current.get((plan.id, fact_type))
                plan[fname] = fact.date if fact else False
            confirmed = current.get((plan.id, 'plan_confirmed'))
            plan.liquidation_plan_payment_date = confirmed.payment_date if confirmed else False
            plan.dissolution_is_recorded = bool(plan.dissolution_recorded_date)
            plan.liquidation_formed_is_recorded = bool(plan.liquidation_formed_recorded_date)
            plan.creditor_notice_is_recorded = bool(plan.creditor_notice_recorded_date)
            plan.announcement_is_recorded = bool(plan.announcement_recorded_date)
            plan.is_liquidation_plan_confirmed = bool(plan.liquidation_plan_confirmed_date)
            plan.deregistration_is_recorded = bool(plan.deregistered_recorded_date)
            plan.has_shareholder_commitment = bool(plan.shareholder_commitment_date)

    # stored: the notices and the customer's page read them with the plan, without a query
    @api.depends('fact_ids', 'fact_ids.leader_name', 'fact_ids.member_names', 'fact_ids.creditor_contact',
                 'fact_ids.confirmed_by')
    def _compute_liquidation_group(self):
        current = self._current_facts() if self.ids else {}
        for plan in self:
            formed = current.get((plan.id, 'liquidation_formed'))
            confirmed = current.get((plan.id, 'plan_confirmed'))
            plan.liquidation_leader = formed.leader_name if formed else False
            plan.liquidation_members = formed.member_names if formed else False
            plan.liquidation_contact = formed.creditor_contact if formed else False
            plan.liquidation_plan_confirmed_by = confirmed.confirmed_by if confirmed else False

    @api.depends('decision_date', 'dissolution_recorded_date')
    def _compute_dissolution_published_date(self):
        for plan in self:
            plan.dissolution_published_date = plan.dissolution_recorded_date or plan._days_after(
                plan.decision_date, 10)

    @api.depends('plan_type', 'claims_deadline', 'claims_settlement_date', 'simplified_announcement_days',
                 'deregistered_recorded_date')
    def _compute_deregistration_date(self):
        for plan in self:
            if plan.deregistered_recorded_date:
                plan.deregistration_date = plan.deregistered_recorded_date
            elif plan.plan_type == 'simplified':
                # the application follows the announcement within its own period
                plan.deregistration_date = plan._days_after(plan.claims_deadline, plan.simplified_announcement_days)
            else:
                plan.deregistration_date = plan.claims_settlement_date

    @api.depends('plan_type', 'claims_deadline', 'settlement_days', 'liquidation_plan_payment_date')
    def _compute_claims_settlement_date(self):
        for plan in self:
            if plan.plan_type == 'simplified':
                # no debts, no claims to settle
                plan.claims_settlement_date = False
            elif plan.liquidation_plan_payment_date:
                plan.claims_settlement_date = max(plan.liquidation_plan_payment_date,
                                                  plan._days_after(plan.claims_deadline, 1) or
                                                  plan.liquidation_plan_payment_date)
            else:
                plan.claims_settlement_date = plan._days_after(plan.claims_deadline, plan.settlement_days)

    @api.depends('liquidation_assets', 'owed_liquidation_costs', 'owed_wages', 'owed_taxes', 'owed_other_debts')
    def _compute_pay_ratio(self):
        confirmed = {plan.id: amount for plan, amount in self.env['closure.obligation'].sudo()._read_group(
            [('plan_id', 'in', self.ids), ('claim_review_state', '=', 'confirmed'),
             ('state', 'in', ('open', 'settled'))], ['plan_id'], ['claim_confirmed_amount:sum'])}
        for plan in self:
            customers = confirmed.get(plan.id, 0.0)
            left = plan.liquidation_assets - plan.owed_liquidation_costs - plan.owed_wages - plan.owed_taxes
            total = plan.owed_other_debts + customers
            plan.customer_claims_confirmed = customers
            plan.other_debts_available = max(left, 0.0)
            if not (plan.liquidation_assets or plan.owed_liquidation_costs or plan.owed_wages or plan.owed_taxes
                    or plan.owed_other_debts):
                # no statement of assets and debts entered: the confirmed plan pays the confirmed claims
                plan.claim_pay_ratio = 1.0
            else:
                plan.claim_pay_ratio = 1.0 if total <= 0 or left >= total else max(left, 0.0) / total

    @api.depends_context('lang')
    def _compute_timeline_html(self):
        for plan in self:
            if not plan.id:
                plan.timeline_html = False
                continue
            steps = plan._closure_timeline_steps()
            following = next((step for step in steps if step['state'] != 'recorded'), None)
            plan.timeline_html = self.env['ir.qweb']._render('closure_crm.plan_fact_timeline', {
                'steps': steps, 'next_step': following, 'plan': plan,
                'state_labels': {'recorded': _('Recorded'), 'planned': _('Planned'), 'late': _('Overdue')},
            })

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_record_fact(self):
        self.ensure_one()
        self._closure_check_manager(_("record the legal facts of a liquidation"))
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.plan.fact',
            'view_mode': 'form',
            'target': 'new',
            'name': _('Record a Legal Fact'),
            'context': {'default_plan_id': self.id,
                        'default_fact_type': self.env.context.get('fact_type') or 'liquidation_formed',
                        'default_date': fields.Date.context_today(self)},
        }

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _current_facts(self):
        """{(plan id, fact type): newest fact} for these plans, one query."""
        facts = self.env['closure.plan.fact'].sudo().search([('plan_id', 'in', self.ids)], order='id')
        return {(fact.plan_id.id, fact.fact_type): fact for fact in facts}

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _closure_check_recorded_dates(self, vals):
        """A date that follows a recorded fact is changed by recording a
        correction of the fact, never typed over."""
        for fname, recorded in FOLLOWING_FIELDS.items():
            if fname not in vals:
                continue
            for plan in self.filtered(recorded):
                if fields.Date.to_date(vals[fname]) != plan[recorded]:
                    raise UserError(_(
                        "Plan %(plan)s: %(field)s follows the recorded fact (%(date)s): record a correction of "
                        "the fact instead of changing the date.", plan=plan.name,
                        field=plan._fields[fname].get_description(self.env)['string'], date=plan[recorded]))

    def _closure_check_simplified(self, starting=False):
        """A simplified deregistration is for a company without debts
        (Art. 240): refused while any customer is owed money, naming them;
        started only on the shareholders' recorded commitment."""
        plans = self.filtered(lambda p: p.plan_type == 'simplified')
        if not plans:
            return
        self.env['closure.obligation'].flush_model(['plan_id', 'state', 'refundable_amount', 'lead_id'])
        self.env.cr.execute(SQL(
            """SELECT o.plan_id, count(DISTINCT o.lead_id),
                      (array_agg(DISTINCT partner.name))[1:%(names)s]
                 FROM closure_obligation o
                 JOIN crm_lead lead ON lead.id = o.lead_id
            LEFT JOIN res_partner partner ON partner.id = lead.partner_id
                WHERE o.plan_id IN %(plans)s AND o.state = 'open' AND o.refundable_amount > 0
             GROUP BY o.plan_id""", plans=tuple(plans.ids), names=NAMED_CUSTOMERS))
        for plan_id, count, names in self.env.cr.fetchall():
            plan = self.browse(plan_id)
            listed = ', '.join(filter(None, names))
            if count > len(names):
                listed += _(" and %s more", count - len(names))
            raise UserError(_(
                "Plan %(plan)s: a simplified deregistration is only for a company without debts (Company Law "
                "2023, Art. 240), and %(count)s customers are still owed money: %(names)s. Refund or settle "
                "them first, or use the liquidation procedure.", plan=plan.name, count=count, names=listed))
        if starting:
            for plan in plans.filtered(lambda p: not p.has_shareholder_commitment):
                raise UserError(_(
                    "Plan %(plan)s: a simplified deregistration starts on every shareholder's commitment that the "
                    "company has no debts (Art. 240): record the commitment with its evidence first.",
                    plan=plan.name))

    def _closure_check_manager(self, what):
        if not (self.env.is_superuser() or self.env.user.has_group('closure_crm.group_closure_manager')):
            raise AccessError(_("Only a closure manager may %(what)s.", what=what))

    # ------------------------------------------------------------------
    # Timeline at a glance
    # ------------------------------------------------------------------
    def _closure_planned_dates(self):
        """{fact type: the deadline the law gives it}, whatever is recorded."""
        self.ensure_one()
        simplified = self.plan_type == 'simplified'
        formed_planned = self._days_after(self.decision_date, 0 if simplified else self.formation_days)
        formed = self.liquidation_formed_date
        return {
            'dissolution_published': self._days_after(self.decision_date, 10),
            'shareholder_commitment': self.decision_date if simplified else False,
            'liquidation_formed': False if simplified else formed_planned,
            'creditor_notices_sent': False if simplified else self._days_after(formed, self.creditor_notice_days),
            'announcement_published': self.decision_date if simplified
            else self._days_after(formed, self.announcement_days),
            'plan_confirmed': False if simplified else self._days_after(self.claims_deadline, 1),
            'deregistered': self._days_after(self.claims_deadline, self.simplified_announcement_days) if simplified
            else self.claims_settlement_date,
        }

    def _closure_timeline_steps(self):
        """The legal steps of this plan in order: planned date, recorded
        fact (date, who, evidence), and the state of each."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        current = self._current_facts()
        planned = self._closure_planned_dates()
        labels = dict(self.env['closure.plan.fact']._fields['fact_type']._description_selection(self.env))
        skip = ({'liquidation_formed', 'creditor_notices_sent', 'plan_confirmed'}
                if self.plan_type == 'simplified' else {'shareholder_commitment'})
        steps = []
        for fact_type, _label in FACT_TYPES:
            if fact_type in skip:
                continue
            fact = current.get((self.id, fact_type))
            if fact:
                state = 'recorded'
            elif planned.get(fact_type) and planned[fact_type] < today:
                state = 'late'
            else:
                state = 'planned'
            steps.append({'type': fact_type, 'label': labels[fact_type], 'planned': planned.get(fact_type),
                          'fact': fact, 'state': state})
        return steps
