from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class CrmLead(models.Model):
    """The statutory creditor notice (Company Law 2023, Arts. 232-235) that
    every first notice carries, and the customer's page shows: the company is
    in liquidation, who the liquidation group is and how to reach it, how to
    declare and with which evidence, and the customer's own deadline. Before
    the liquidation plan is confirmed it promises no payment date nor amount:
    it says what happens next and when the customer hears from us; once the
    liquidation group applied to the court (Art. 237) it says so and promises
    no payment at all. A simplified deregistration (no debts) never speaks of a liquidation group
    or claims."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_creditor_notice = fields.Html(
        'Creditor Notice', compute='_compute_closure_creditor_notice', sanitize=False,
        groups='closure_crm.group_closure_user',
        help="The paragraph every first notice gives the customer as a creditor: the liquidation, "
             "the liquidation group and its contact, how and with what to declare, and their deadline.")

    closure_notice_offers = fields.Html(
        'Offers in the Notice', compute='_compute_closure_notice_offers', sanitize=False,
        groups='closure_crm.group_closure_user',
        help="The paragraph the tier A and B notices add for what the customer is offered beyond the "
             "service, e.g. privileges.")

    @api.depends('closure_plan_id', 'closure_claim_deadline', 'closure_refund_requested_date',
                 'closure_refund_due_date', 'closure_refund_regime', 'partner_id')
    @api.depends_context('lang')
    def _compute_closure_creditor_notice(self):
        for lead in self:
            lead.closure_creditor_notice = lead._closure_creditor_notice_html() if lead.closure_plan_id else False

    @api.depends_context('lang')
    def _compute_closure_notice_offers(self):
        """Hook: empty here; an add-on that offers the customer something in
        the notice (closure_crm_privilege) extends the compute and its depends."""
        self.closure_notice_offers = False

    def _closure_creditor_notice_html(self, on_page=False):
        """The creditor notice of this case in the env's language; ``on_page``:
        as the customer's own page shows it (declare below, not by a link)."""
        self.ensure_one()
        return self.env['ir.qweb']._render(
            'closure_crm.lead_creditor_notice', self._closure_creditor_notice_texts(on_page=on_page))

    def _closure_creditor_notice_texts(self, on_page=False):
        """The notice's sentences, whole so that a translator can order them
        (QWeb would cut them at each value): ``heading``, ``intro`` (before the
        ways to declare), ``ways`` ((label, value, link) per way), ``outro``."""
        self.ensure_one()
        env = self.env
        facts = self._closure_creditor_notice_values(on_page=on_page)
        ways = [(env._("On this page, below.") if on_page else env._("On your personal page:"),
                 '' if on_page else facts['answer_url'], '' if on_page else facts['answer_url'])]
        if facts['email']:
            ways.append((env._("By email:"), facts['email'], f"mailto:{facts['email']}"))
        if facts['address']:
            ways.append((env._("By post:"), facts['address'], ''))
        refund = []
        if facts['refund_amount']:
            refund.append(env._(
                "Our records show an unused prepaid balance of %(amount)s on your account: you need not prove it, "
                "ask for it on your personal page.", amount=facts['refund_amount']))
            # each amount with where it comes from, as the books show it (closure_obligation.py)
            refund += self.closure_obligation_ids._closure_balance_lines()
            if facts['refund_trading_due']:
                refund.append(env._(
                    "Asked now, while we still trade, it is refunded by %(due_date)s, before the liquidation group "
                    "is formed.", due_date=facts['refund_trading_due']) if facts['liquidation'] else env._(
                    "Asked now, it is refunded by %(due_date)s.", due_date=facts['refund_trading_due']))
        if not facts['liquidation']:
            return {
                'heading': env._("If we still owe you anything"),
                'intro': [env._(
                    "%(company)s is closing through the simplified deregistration procedure, which is for companies "
                    "that owe nothing to anyone.", company=facts['company'].name),
                    *refund,
                    env._("If you believe we still owe you something, for example a balance, a deposit or a "
                          "service you paid for and did not receive, tell us by %(deadline)s, with what shows it "
                          "(your contract or order, your receipts, an account statement):",
                          deadline=facts['deadline']) if facts['deadline'] else env._(
                        "If you believe we still owe you something, for example a balance, a deposit or a service "
                        "you paid for and did not receive, tell us as soon as you can, with what shows it (your "
                        "contract or order, your receipts, an account statement):")],
                'ways': ways,
                'outro': [],
            }
        if facts['formed']:
            group = env._("The liquidation group was formed on %(date)s.", date=facts['formation_date'])
        elif facts['formation_planned']:
            group = env._("The liquidation group is formed by %(date)s.", date=facts['formation_date'])
        else:
            group = env._("The liquidation group is being formed; we will tell you who its members are.")
        if facts['leader']:
            group += ' ' + env._("Its leader is %(leader)s.", leader=facts['leader'])
        if facts['members']:
            group += ' ' + env._("Its members: %(members)s.", members=facts['members'])
        if facts['contact']:
            group += ' ' + env._("Creditors reach it at %(contact)s.", contact=facts['contact'])
        if facts['bankruptcy']:
            # Art. 237: the assets do not cover the debts; said as the law says it, without
            # the alarming word the handbook bans
            refund = []
            next_step = env._(
                "The company's assets do not cover its debts, so the liquidation group has applied to the "
                "people's court as the law requires (Company Law 2023, Art. 237). From now on your claim is "
                "handled by the administrator the court appoints: it stays registered, nothing is paid by us "
                "meanwhile, and we will write to you with the administrator's name and contact.")
        elif facts['confirmed'] and facts['confirmed_amount']:
            next_step = env._(
                "The liquidation plan has been confirmed: your claim is confirmed at %(amount)s and is paid from "
                "%(date)s, to the payment method you used.", amount=facts['confirmed_amount'],
                date=facts['payment_date'])
        elif facts['confirmed']:
            next_step = env._(
                "The liquidation plan has been confirmed: declared claims are paid from %(date)s, in the order the "
                "law sets. We write to you with the confirmed amount of your claim.", date=facts['payment_date'])
        else:
            next_step = env._(
                "What happens next: after %(date)s, the liquidation group reviews the declared claims and "
                "prepares the liquidation plan. We will then write to you with the confirmed amount of your claim "
                "and the date it is paid. No creditor is paid while claims are being declared (Art. 235).",
                date=facts['claims_deadline'])
        return {
            'heading': env._("Your rights as a creditor"),
            'intro': [
                env._("%(company)s decided on %(date)s to dissolve and is in liquidation (Company Law 2023, "
                      "Art. 232). The liquidation group settles what the company owes its creditors: a customer "
                      "with a prepaid balance, a deposit or a service paid for and not delivered is one of them.",
                      company=facts['company'].name, date=facts['decision_date']),
                group,
                *refund,
                env._("Please declare what we owe you by %(deadline)s, your own deadline. Bring what shows it: "
                      "your contract or order, the receipts or invoices of your payments, and an account "
                      "statement showing your balance. Copies are enough. You can declare:",
                      deadline=facts['deadline']),
            ],
            'ways': ways,
            'outro': [next_step],
        }

    def _closure_creditor_notice_values(self, on_page=False):
        """The facts the creditor notice states, as dates and amounts already
        formatted in the env's language (the customer's, when rendered for a
        notice)."""
        self.ensure_one()
        env = self.env
        plan = self.closure_plan_id
        company = self.company_id or plan.company_id
        today = fields.Date.context_today(self)

        def date(value):
            return format_date(env, value) if value else ''

        liquidation = plan.plan_type != 'simplified'
        # where to post a declaration: the company's street, city and postcode (the notice's
        # readers are the company's own customers)
        post = company.partner_id
        address = ', '.join(filter(None, [post.street, post.street2, post.city, post.zip]))
        refund_due = self.closure_refund_due
        refund_terms = {}
        if refund_due > 0 and not self.closure_refund_requested_date:
            refund_terms = plan._closure_refund_terms(today, self.closure_claim_deadline)
        formed = plan.liquidation_formed_date
        confirmed = plan.is_liquidation_plan_confirmed and sum(self.closure_obligation_ids.filtered(
            lambda o: o.claim_review_state == 'confirmed').mapped('claim_payable_amount'))
        claims_deadline = max(filter(None, [plan.claims_deadline, self.closure_claim_deadline]), default=False)
        return {
            'case': self,
            'company': company,
            'on_page': on_page,
            'liquidation': liquidation,
            'decision_date': date(plan.decision_date),
            # the recorded formation names the group and how creditors reach it; until it is
            # recorded, the planned date and our own hotline
            'formed': plan.liquidation_formed_is_recorded and formed <= today,
            'formation_date': date(formed),
            'formation_planned': bool(formed) and formed >= today,
            'leader': plan.liquidation_leader or '',
            'members': plan.liquidation_members or '',
            'contact': plan.liquidation_contact or plan.notice_hotline or company.phone or '',
            'email': company.email or '',
            'address': address,
            'answer_url': '' if on_page else self.closure_answer_url,
            'deadline': date(self.closure_claim_deadline),
            'claims_deadline': date(claims_deadline),
            'confirmed': plan.is_liquidation_plan_confirmed,
            'bankruptcy': liquidation and plan.is_bankruptcy,
            'payment_date': date(plan.liquidation_plan_payment_date),
            # what the confirmed plan pays this customer: their claims as the group confirmed them
            'confirmed_amount': format_amount(env, confirmed, self.company_currency) if confirmed else '',
            'refund_amount': format_amount(env, refund_due, self.company_currency) if refund_due > 0 else '',
            'refund_trading_due': date(refund_terms['due_date']) if refund_terms.get('regime') == 'trading' else '',
        }

    def _closure_forget_derived(self):
        """Within _closure_as_notified: the texts computed from the claims
        deadline earlier in the transaction (e.g. by the taboo check) are
        computed again from the date the notice states."""
        kept = ('closure_notified_date', 'closure_claim_deadline')
        self.invalidate_recordset([name for name, field in self._fields.items()
                                   if field.compute and not field.store and name not in kept])
