from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..tools.trust import is_trusted, trusted
from .closure_transfer import LIVE_STATES

RECEIPT_KEY = 'closure_notice_receipt'


class CrmLead(models.Model):
    """What the case says to its customer, and hears back.

    - The statutory creditor notice (Company Law 2023, Arts. 232-235) that
      every first notice carries, and the customer's page shows: the company
      is in liquidation, who the liquidation group is and how to reach it, how
      to declare and with which evidence, and the customer's own deadline.
      Before the liquidation plan is confirmed it promises no payment date nor
      amount: it says what happens next and when the customer hears from us;
      once the liquidation group applied to the court (Art. 237) it says so and
      promises no payment at all. A simplified deregistration (no debts) never
      speaks of a liquidation group or claims.
    - A printed letter's receipt, recorded with its evidence: the customer's
      30 days to declare a claim run from the day the letter was received, not
      the day it was printed (Art. 235).
    - The customers' replies, triaged by mood with the phrase list.
    - Wording checked before it leaves: a message or mail a staff member
      sends the customer of a closure case is refused while it holds a taboo
      phrase of the handbook, unless its author confirmed it ("Send anyway":
      ``closure_taboo_confirmed`` in the context or as a post parameter), and
      never while it promises an offer the plan has not approved; every staff
      outgoing message is marked clean, taboo or confirmed for procedure
      compliance.
    - Reaching the customer beyond the notices: the personal meeting of the
      case (tier A: the founder meets the customer) and the "your new contact"
      mail when their contact person changes."""
    # one model, three files in closure_crm: the case (crm_lead.py), its notices
    # (this file), its answer page (crm_lead_answer.py)
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

    closure_notice_received_date = fields.Date(
        'Letter Received On', readonly=True, copy=False, tracking=True,
        help="The day the customer received the printed notice (the postal receipt): their claim "
             "period runs from it.")

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

    # ------------------------------------------------------------------
    # Checks (the case's create and write call them)
    # ------------------------------------------------------------------
    @api.model
    def _closure_check_notice_receipt(self, vals, creating=False):
        """A letter's receipt is written only by Record Letter Receipt, with its evidence."""
        if 'closure_notice_received_date' in vals and (vals['closure_notice_received_date'] or not creating) \
                and (creating or not is_trusted(self.env, RECEIPT_KEY)):
            raise UserError(_("A letter's receipt is recorded with Record Letter Receipt, with its evidence."))

    # ------------------------------------------------------------------
    # Mail thread: replies triaged, staff wording checked
    # ------------------------------------------------------------------
    def _get_allowed_message_post_params(self):
        # the chatter's "Send anyway" (/mail/message/post)
        return super()._get_allowed_message_post_params() | {'closure_taboo_confirmed'}

    def message_post(self, **kwargs):
        confirmed = bool(kwargs.pop('closure_taboo_confirmed', False)
                         or self.env.context.get('closure_taboo_confirmed'))
        if len(self) == 1 and self.closure_plan_id and self._closure_is_staff_reply(kwargs):
            Phrase = self.env['closure.phrase'].sudo()  # the handbook's list, for any staff member writing here
            matchers = Phrase._get_matchers(['taboo'])
            found = Phrase._find_taboo(kwargs.get('subject') or '', matchers) \
                | Phrase._find_taboo(kwargs.get('body') or '', matchers)
            if found and not confirmed:
                raise UserError(_(
                    "This message to %(customer)s contains %(phrases)s. Edit the wording, or confirm "
                    "that it is sent as it is (the confirmation is recorded for procedure compliance).",
                    customer=self.partner_id.display_name or self.display_name,
                    phrases=self.env['closure.phrase']._taboo_summary(found)))
            # the after-hook records who confirmed which phrases
            self = self.with_context(closure_taboo_confirmed=confirmed)
        elif 'closure_taboo_confirmed' in self.env.context:
            self = self.with_context(closure_taboo_confirmed=False)  # a confirmation counts for its own message only
        self._closure_check_message_promises(kwargs)
        return super().message_post(**kwargs)

    def _closure_check_message_promises(self, post_values):
        """A message our staff send the customer from a closure case never
        promises priority rights or an advisory circle the plan has not
        approved (over-promising, ``closure.plan._closure_check_promises``).
        Internal notes are not sent: not checked."""
        note_id = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note')
        note = post_values.get('subtype_xmlid') == 'mail.mt_note' or (
            bool(post_values.get('subtype_id')) and post_values['subtype_id'] == note_id)
        if len(self) == 1 and self.closure_plan_id and not self.env.user.share and not note \
                and post_values.get('message_type', 'notification') in ('comment', 'email') \
                and (not post_values.get('author_id') or post_values['author_id'] == self.env.user.partner_id.id):
            self.closure_plan_id._closure_check_promises({
                _("The message to %(customer)s", customer=self.partner_id.display_name):
                    post_values.get('body') or '',
                _("The subject"): post_values.get('subject') or ''})

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if self.closure_plan_id and message.message_type in ('email', 'comment'):
            if self._closure_is_customer_message(message):
                self._closure_triage_messages(message)
            elif self._closure_is_staff_outgoing(message):
                self._closure_check_outgoing(message)
        return res

    # ------------------------------------------------------------------
    # The statutory creditor notice
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # A printed letter's receipt
    # ------------------------------------------------------------------
    def _closure_letter_only_ids(self):
        """Ids of these cases notified by printed letter only (no mail or
        message sent as notice): one grouped query."""
        notified = self.filtered(lambda lead: lead.id and lead.closure_notified_date)
        if not notified:
            return set()
        # notice rows are the wave's bookkeeping; the claim period of the case depends on them.
        # A wave marks its cases notified before it marks the rows sent: rows on their way count.
        rows = self.env['closure.notice.recipient'].sudo()._read_group(
            [('lead_id', 'in', notified.ids), ('reminder_number', '=', 0), ('wave_id.is_notice', '=', True),
             ('state', 'in', ('pending', 'queued', 'sent'))], ['lead_id', 'channel'], ['__count'])
        channels = {}
        for lead, channel, _count in rows:
            channels.setdefault(lead.id, set()).add(channel)
        return {lead_id for lead_id, kinds in channels.items() if kinds == {'letter'}}

    def _closure_record_notice_receipt(self, received, evidence_url=False, attachment=None):
        """Record that the printed notice of this case was received on
        ``received``, with its evidence (a link and/or an attachment). The
        customer's claim deadline then runs from it."""
        self.ensure_one()
        self.check_access('write')
        received = fields.Date.to_date(received)
        today = fields.Date.context_today(self)
        if not received or received > today:
            raise UserError(_("Letter Received On (%(date)s) cannot be empty or in the future.", date=received))
        if self.closure_notified_date and received < self.closure_notified_date:
            raise UserError(_("Letter Received On (%(date)s) cannot be before the letter was sent (%(sent)s).",
                              date=received, sent=self.closure_notified_date))
        if self.closure_notice_received_date:
            raise UserError(_("The letter's receipt is already recorded (%(date)s); it is evidence.",
                              date=self.closure_notice_received_date))
        if not ((evidence_url or '').strip() or attachment):
            raise UserError(_("Record the letter's receipt with its evidence: a file (the postal receipt) or a link."))
        self.with_context(**trusted(RECEIPT_KEY)).write({'closure_notice_received_date': received})
        self.message_post(
            body=_("Letter received on %(date)s (recorded by %(user)s). Evidence: %(evidence)s",
                   date=fields.Date.to_string(received), user=self.env.user.name,
                   evidence=(evidence_url or '').strip() or _("attached file")),
            attachment_ids=attachment.ids if attachment else [])
        return True

    # ------------------------------------------------------------------
    # Notices and replies (see closure.notice.wave and closure.phrase)
    # ------------------------------------------------------------------
    @contextmanager
    def _closure_as_notified(self, dates):
        """Render these cases as their customers will read them once notified
        on ``dates`` ({case id: date}): their claims deadline runs from that
        day. Nothing is stored: the notified date is written when the mail is
        actually sent (closure.notice.recipient._closure_mail_sent)."""
        cases = self.filtered(lambda lead: lead.id in dates and not lead.closure_notified_date)
        fnames = ['closure_notified_date', 'closure_claim_deadline']
        if not cases:
            yield
            return
        cases.flush_recordset(fnames)
        self.env.cache.update(cases, self._fields['closure_notified_date'], [dates[case.id] for case in cases])
        # a letter's 30 days run from its recorded receipt, not from its printing (see
        # _compute_closure_claim_deadline): only mails and messages count from the sending
        letters = self.env.context.get('closure_notice_channel') == 'letter'
        self.env.cache.update(cases, self._fields['closure_claim_deadline'], [
            case.closure_plan_id.claims_deadline if letters
            else fields.Date.add(dates[case.id], days=case.closure_plan_id.claim_notice_days) for case in cases])
        try:
            yield
        finally:
            cases.invalidate_recordset(fnames)

    def _closure_live_transfers(self):
        """{case id: live transfer} (proposed up to completed, never a
        declined one; at most one per case), in one search."""
        if not self.ids:
            return {}
        # the customer is told who receives their data (PIPL art. 22), whoever reads the case
        transfers = self.env['closure.transfer'].sudo().search(
            [('lead_id', 'in', self.ids), ('state', 'in', LIVE_STATES)], order='id')
        return {transfer.lead_id.id: transfer for transfer in transfers}

    def _closure_notice_receivers(self):
        """{case id: receiving partner} of the cases' live transfers."""
        return {lead_id: transfer.receiver_id for lead_id, transfer in self._closure_live_transfers().items()}

    def _closure_notice_receiver(self):
        """The receiving partner of the case's live transfer, else an empty partner."""
        self.ensure_one()
        return self._closure_notice_receivers().get(self.id, self.env['res.partner'])

    def _closure_is_customer_message(self, message):
        """A reply from the customer: an inbound email, or a message the
        customer posted themselves; never one of our staff's."""
        author = message.author_id
        if author and author.user_ids.filtered(lambda user: not user._is_public() and not user.share):
            return False
        if message.message_type == 'email':
            return True
        return bool(author) and author.commercial_partner_id == self.partner_id.commercial_partner_id

    def _closure_triage_messages(self, messages):
        """Classify the customers' replies (angry, anxious, rights-focused,
        neutral) with the phrase list, show the mood and the matched terms on
        each case, move the case to 'Answered', and give angry replies a
        same-day activity for the owner."""
        if not isinstance(messages, models.BaseModel):
            messages = self.env['mail.message'].browse(messages)
        matchers = self.env['closure.phrase']._get_matchers(['angry', 'anxious', 'rights'])
        answered = angry = self.browse()
        for message in messages.filtered(lambda m: m.model == 'crm.lead').sorted('id'):
            lead = self.browse(message.res_id)
            mood, explanation, _scores = self.env['closure.phrase']._classify_reply(message.body, matchers)
            lead.write({
                'closure_reply_mood': mood,
                'closure_reply_terms': explanation,
                'closure_reply_date': message.date,
            })
            answered |= lead
            if mood == 'angry':
                angry |= lead
        answered.filtered(lambda lead: lead.closure_stage_code in ('to_notify', 'notified'))._closure_set_stage(
            'answered'
        )
        angry._closure_schedule_activity(
            'mail.mail_activity_data_todo',
            _("Angry reply: solve the problem first"),
            _("The customer is angry. Call today: listen, acknowledge, and solve their concrete "
              "problem (refund, data, replacement) before anything else; follow up within 24 hours."),
            date_deadline=fields.Date.context_today(self), notify=True)
        answered.filtered(lambda lead: lead.closure_reply_mood == 'angry')._closure_on_angry_reply(messages)
        return answered

    def _closure_on_angry_reply(self, messages):
        """Hook, called by the reply triage once it is done: these cases' latest
        reply is angry (``messages``: the mail.message records triaged in this
        call). Add-ons extend it with super(), e.g. closure_crm_care opens a
        complaint with its 24-hour follow-up. Runs for the customer's message
        (mail gateway, public page): sudo() only around what must be trusted."""
        return True

    # ------------------------------------------------------------------
    # Which staff messages are checked, and how
    # ------------------------------------------------------------------
    def _closure_is_staff_reply(self, post_values):
        """Whether ``message_post(**post_values)`` is a staff member writing
        to the customer themself: a comment or mail, not an internal note, by
        an internal user in their own name. Automated posts are not: the
        jobs (OdooBot), the customer's own messages, the approved templates a
        job sends in the case owner's name, notes and tracking."""
        user = self.env.user
        if post_values.get('message_type', 'notification') not in ('comment', 'email') \
                or post_values.get('is_internal') or not user._is_internal() or user._is_superuser():
            return False
        author_id = post_values.get('author_id')
        if author_id and author_id != user.partner_id.id:
            return False
        subtype_id = post_values.get('subtype_id')
        if post_values.get('subtype_xmlid'):
            subtype_id = self.env['ir.model.data']._xmlid_to_res_id(post_values['subtype_xmlid'])
        subtype = self.env['mail.message.subtype'].browse(subtype_id)
        return bool(subtype) and not subtype.internal

    def _closure_is_staff_outgoing(self, message):
        """A message our staff sends to the customer: a mail or a comment that
        is not an internal note, by an internal user (not OdooBot)."""
        if message.message_type not in ('email', 'comment') or message.is_internal \
                or (message.subtype_id and message.subtype_id.internal):
            return False
        author = message.author_id
        if not author or author == self.env.ref('base.partner_root', raise_if_not_found=False):
            return False
        return bool(author.user_ids.filtered(lambda user: not user.share))

    def _closure_check_outgoing(self, messages):
        """Mark each outgoing message clean, holding a taboo phrase, or holding
        one its author confirmed (the handbook's list, both languages):
        procedure compliance counts them."""
        Phrase = self.env['closure.phrase'].sudo()  # the list, whoever posts
        matchers = Phrase._get_matchers(['taboo'])
        confirmed = self.env.context.get('closure_taboo_confirmed')
        for message in messages:
            found = Phrase._find_taboo(message.subject or '', matchers) \
                | Phrase._find_taboo(message.body or '', matchers)
            # the check is the system's evidence, not the author's to edit (mail.message.write)
            message.sudo().write({
                'closure_taboo_check': ('confirmed' if confirmed else 'taboo') if found else 'clean',
                'closure_taboo_terms': ', '.join(found.mapped('name')) or False,
            })

    # ------------------------------------------------------------------
    # Reaching the customer beyond the notices
    # ------------------------------------------------------------------
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

    def _closure_send_new_contact(self, user):
        """The "your new contact" mail (template closure_kind 'handover') from
        ``user`` to these cases' customers with an address, rendered in batch
        in each customer's language and posted on each case (mail composer in
        batch comment mode). Used by the staff hand-over (and closure_crm_score's job)."""
        template = self.env['mail.template']._closure_find('handover')
        cases = self.filtered(lambda lead: lead.partner_id.email)
        if not template or not cases:
            return
        composer = self.env['mail.compose.message'].with_context(mail_create_nosubscribe=True).create({
            'composition_mode': 'comment',
            'model': 'crm.lead',
            'res_ids': repr(cases.ids),
            'template_id': template.id,
            # both, or the composer computes neither from the template
            'email_from': template.email_from,
            'author_id': user.partner_id.id,
            'subtype_id': self.env.ref('mail.mt_comment').id,
        })
        composer._action_send_mail()
