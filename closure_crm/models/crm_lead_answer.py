import logging
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_amount, format_date, plaintext2html

from .closure_transfer import OPEN_STATES
from .crm_lead import (
    ANSWER_LENGTH_DEFAULT,
    ANSWER_LENGTH_PARAM,
    ANSWER_RATE_DEFAULT,
    ANSWER_RATE_PARAM,
    CLOSURE_LINK_RE,
    CLOSURE_TOKEN_PLACEHOLDER,
    REFUND_TYPES,
    ClosurePublicError,
)

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    """The customer's answer page (controllers/closure_answer.py): the link with
    its secret (placeholder in kept copies, the token only in the mail to the
    customer, the link's expiry), the receivers the page offers (ranked once and
    kept), and what an answer records on the case (the decision on the transfer
    and the receiver, the data to hand over, a refund request, evidence), through
    hooks the feature add-ons extend."""
    # one model, three files in closure_crm: the case (crm_lead.py), its notices
    # (crm_lead_notice.py), its answer page (this file)
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    # -- the link and the page's rate limit ---------------------------------
    # created with the case (create, write of the plan), renewed by a closure
    # manager; readable by the closure users who may work the case (groups here,
    # the case record rules for the rest)
    closure_access_token = fields.Char(
        'Answer Token', copy=False, groups='closure_crm.group_closure_user',
        help="Secret in the customer's personal answer link.")
    closure_answer_url = fields.Char(
        'Personal Answer Link', compute='_compute_closure_answer_url',
        groups='closure_crm.group_closure_user')
    # the page's rate limit: answers taken in the current hour (fixed window)
    closure_answer_window_start = fields.Datetime(
        'Answer Hour Started', copy=False, readonly=True, groups='closure_crm.group_closure_manager')
    closure_answer_window_count = fields.Integer(
        'Answers This Hour', copy=False, readonly=True, groups='closure_crm.group_closure_manager')
    # -- the receivers the page offers, ranked once and kept -----------------
    # {'stamp': the plan's suggestion stamp, 'ids': receiving partners, best first}
    closure_suggestion_cache = fields.Json(
        'Kept Receiver Suggestions', compute='_compute_closure_suggestion_cache', store=True, readonly=True,
        copy=False, groups='base.group_system')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends_context('closure_answer_placeholder')
    def _compute_closure_answer_url(self):
        # a template rendered on the case (mail, letter, SMS) gets the
        # placeholder: the outgoing mail to the customer puts the token in
        placeholder = self.env.context.get('closure_answer_placeholder')
        cases = self.filtered(lambda lead: lead.id and lead.closure_plan_id)
        # the token is read as superuser: the field's groups and the case rules
        # already decided who reads this case and its link
        tokens = {} if placeholder else {lead.id: lead.closure_access_token for lead in cases.sudo()}
        for lead in self:
            token = CLOSURE_TOKEN_PLACEHOLDER if placeholder else tokens.get(lead.id)
            lead.closure_answer_url = lead in cases and token \
                and f'{lead.get_base_url()}/closure/answer/{lead.id}?access_token={token}'

    @api.depends('closure_plan_id', 'closure_industry_id', 'country_id', 'state_id', 'closure_segment',
                 'closure_customer_size', 'closure_service_ids')
    def _compute_closure_suggestion_cache(self):
        # the needs changed: computed again at the next view
        self.closure_suggestion_cache = False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_renew_answer_link(self):
        """A closure manager gives the cases a new answer link: the old one
        stops working at once. The history says so, without the link."""
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_("Only a closure manager can renew a customer's answer link."))
        cases = self.filtered('closure_plan_id')
        cases.check_access('write')
        cases._closure_ensure_access_token(renew=True)
        for case in cases:
            case.message_post(body=_("The customer's answer link was renewed: the previous link no longer "
                                     "works. Send the customer a new notice with the new link."),
                              message_type='notification', subtype_xmlid='mail.mt_note')
        return True

    # ------------------------------------------------------------------
    # The link, and what an answer records
    # ------------------------------------------------------------------
    def _closure_ensure_access_token(self, renew=False):
        """Give the cases without one (``renew``: all of them) a new answer
        token, in one statement. Called when cases are created, never on a read."""
        if self.ids:
            self.flush_recordset(['closure_access_token', 'closure_plan_id', 'closure_erased_date'])
            self.env.cr.execute(SQL(
                """UPDATE crm_lead SET closure_access_token = gen_random_uuid()::text
                    WHERE id IN %s AND closure_plan_id IS NOT NULL AND closure_erased_date IS NULL
                      AND (%s OR closure_access_token IS NULL)""", tuple(self.ids), bool(renew)))
            self.invalidate_recordset(['closure_access_token'])

    def _closure_fill_answer_token(self, body, partner=None):
        """``body`` with the placeholder of this case's link replaced by its
        token when it goes to the case's customer (``partner``); other
        addressees, or a case closed for answers, keep the placeholder."""
        self.ensure_one()
        if not body or CLOSURE_TOKEN_PLACEHOLDER not in body:
            return body
        case = self.sudo()  # the mail queue or the printer of a letter fills the customer's own link
        if not case.closure_plan_id or (partner is not None and partner != case.partner_id) \
                or not case.closure_access_token:
            return body

        def fill(match):
            if int(match.group(1)) != case.id:
                return match.group(0)
            return f'/closure/answer/{case.id}?access_token={case.closure_access_token}'
        filled = CLOSURE_LINK_RE.sub(fill, str(body))
        return Markup(filled) if isinstance(body, Markup) else filled

    def _closure_answer_link_expired(self):
        """The page closes after the plan's data erasure date."""
        self.ensure_one()
        erasure = self.closure_plan_id.data_erasure_date
        return bool(erasure) and fields.Date.context_today(self) > erasure

    def _closure_answer_transfer(self):
        """The case's live transfer, or an empty one."""
        self.ensure_one()
        return self._closure_live_transfers().get(self.id, self.env['closure.transfer'])

    def _closure_answer_receivers(self, live, limit=3):
        """The receivers the customer may choose between on their page: the
        proposed one (of ``live``, the case's live transfer) first, then the
        best other matches with room left, up to ``limit`` in all. None once
        the data is handed over."""
        self.ensure_one()
        if live and live.state not in OPEN_STATES:
            return self.env['res.partner']
        receivers = live.receiver_id
        if self.closure_plan_id.state in ('draft', 'in_progress'):
            for receiver in self._closure_suggested_receivers(limit=limit):
                if len(receivers) >= limit:
                    break
                receivers |= receiver
        return receivers

    def _closure_answer_values(self):
        """What the answer page shows, read once."""
        self.ensure_one()
        live = self._closure_answer_transfer()
        receivers = self._closure_answer_receivers(live)
        return {
            'case': self,
            'plan': self.closure_plan_id,
            'company': self.company_id or self.closure_plan_id.company_id,
            'contact_user': self.user_id or self.closure_plan_id.user_id,
            'transfer': live,
            'can_answer': self.closure_plan_id.state in ('draft', 'in_progress'),
            'can_choose': not live or live.state in OPEN_STATES,
            'receivers': receivers,
            'receivers_have_terms': receivers._closure_has_offer_terms(),
            'categories': self.env['closure.data.category'].search([]),
            'last_consent': self.env['closure.consent'].search([('lead_id', '=', self.id)], limit=1),
            'export_url': self.closure_plan_id._closure_safe_export_url(),
            'message_max_length': self._closure_answer_setting(ANSWER_LENGTH_PARAM, ANSWER_LENGTH_DEFAULT),
        }

    def _closure_record_answer(self, decision=False, receiver=None, categories=None,
                               refund=False, data_copy=False, message=False, evidence=False, news=None,
                               **extra):
        """Record what the customer answered on their page, all or nothing.

        ``decision``: accept the proposed receiver, ``pick_another`` (one of
        the receivers offered), ``decline`` any transfer, or nothing; then a
        refund request, a request for a copy of their data, and a message
        (triaged like a reply). ``evidence`` says how the answer came in; it
        goes on the recorded consent. ``extra``: the answers to what add-ons
        ask on the page (e.g. ``privileges`` of closure_crm_privilege), see
        ``_closure_answer_extra_changes``. Raises UserError naming what is wrong.
        """
        self.ensure_one()
        if self.closure_plan_id.state not in ('draft', 'in_progress'):
            raise ClosurePublicError(
                _("This closure is finished and no longer takes answers here: please write to us.")
            )
        news_changed = news is not None and bool(news) != self.closure_news_opt_in
        extra_changes = self._closure_answer_extra_changes(**extra)
        if not (
            decision or refund or data_copy or news_changed or extra_changes or (message or '').strip()
        ):
            raise ClosurePublicError(
                _("Choose an answer, ask for a refund or a copy of your data, or write us a message.")
            )
        max_length = self._closure_answer_setting(ANSWER_LENGTH_PARAM, ANSWER_LENGTH_DEFAULT)
        if len(message or '') > max_length:
            raise ClosurePublicError(_(
                "Your message is too long (%(length)s characters): please keep it under %(max)s characters, "
                "or write to us by email.", length=len(message), max=max_length))
        # one answer at a time per case: a second tab or a double click waits
        # here, then sees the first answer's result
        self.env.cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", self.id))
        self._closure_count_answer()
        lead = self.with_context(mail_create_nosubscribe=True)
        if decision:
            lead._closure_record_transfer_answer(decision, receiver, categories, evidence)
        today = fields.Date.context_today(self)
        # the page speaks the customer's language; the owner's to-dos speak theirs
        owner_lang = (lead.user_id or lead.closure_plan_id.user_id).lang
        staff = lead.with_context(lang=owner_lang) if owner_lang else lead
        if refund and not lead.closure_refund_requested_date:
            if lead.closure_refund_due <= 0:
                raise ClosurePublicError(_("There is no unused prepaid balance to refund on your account."))
            lead.closure_refund_requested_date = today
            # registered at once: from the liquidation group's formation on, a declared claim
            lead.closure_obligation_ids.filtered(
                lambda o: o.obligation_type in REFUND_TYPES)._closure_declare_claim('portal', today)
            template = self.env['mail.template']._closure_find(
                'refund', tier=lead.closure_tier, segment=lead.closure_segment)
            if template:
                lead.message_post_with_source(
                    template, subtype_xmlid='mail.mt_comment',
                    author_id=(lead.user_id or lead.closure_plan_id.user_id).partner_id.id or None)
            staff._closure_schedule_activity(
                'mail.mail_activity_data_todo', staff.env._("Refund the unused prepaid balance"),
                staff._closure_refund_activity_note(), date_deadline=lead.closure_refund_due_date)
        if data_copy and not lead.closure_export_requested_date:
            lead.closure_export_requested_date = today
            deadline = lead.closure_plan_id.data_export_deadline
            staff._closure_schedule_activity(
                'mail.mail_activity_data_todo', staff.env._("Send the customer a copy of their data"),
                staff.env._("The customer asked for a copy of their data on their personal page (PIPL Art. 45, "
                            "GDPR Art. 20): send it in a machine-readable format."),
                date_deadline=max(deadline, today) if deadline else today)
        if news_changed:
            lead.closure_news_opt_in = bool(news)
        if extra_changes:
            lead._closure_record_answer_extra(extra_changes, evidence=evidence)
        if (message or '').strip():
            # posted in the customer's name, so the reply triage reads it
            lead.message_post(body=plaintext2html(message.strip()), author_id=lead.partner_id.id,
                              message_type='comment', subtype_xmlid='mail.mt_comment')
        lead.filtered(lambda case: case.closure_stage_code in ('to_notify', 'notified'))._closure_set_stage('answered')
        return True

    def _closure_answer_extra_changes(self, **extra):
        """Hook of ``_closure_record_answer``: what the answers to the add-ons'
        questions on the page change, as {key: changes} ({} when nothing
        changes: then the answer must hold something else). An add-on that
        asks a question takes its keyword, e.g. ``privileges=None``, and adds
        its key to what ``super()`` returns; a keyword nobody takes is refused."""
        if extra:
            raise TypeError(f"_closure_record_answer() got unexpected answers: {', '.join(sorted(extra))}")
        return {}

    def _closure_record_answer_extra(self, changes, evidence=False):
        """Hook of ``_closure_record_answer``: record ``changes`` (from
        ``_closure_answer_extra_changes``) on this case, inside the answer's
        lock and transaction; ``evidence`` says how the answer came in. Each
        add-on records its own key and calls ``super()``."""
        self.ensure_one()

    def _closure_refund_activity_note(self):
        """The owner's to-do for a refund asked: amount, date and why, in the env's language."""
        self.ensure_one()
        amount = format_amount(self.env, self.closure_refund_due, self.company_currency)
        if self.closure_refund_regime == 'claim':
            intro = self.env._(
                "The customer asked for a refund on their personal page. It is a declared claim, registered in the "
                "claims register: refund %(amount)s on %(date)s, not before.",
                amount=amount, date=format_date(self.env, self.closure_refund_due_date))
        else:
            intro = self.env._(
                "The customer asked for a refund on their personal page. Refund %(amount)s by %(date)s.",
                amount=amount, date=format_date(self.env, self.closure_refund_due_date))
        return plaintext2html(f"{intro}\n{self.closure_refund_explanation or ''}")

    @api.model
    def _closure_answer_setting(self, key, default):
        """A positive whole number from the settings (ir.config_parameter),
        else ``default``."""
        value = self.env['ir.config_parameter'].sudo().get_param(key)  # settings, read for the public page
        try:
            value = int(value)
        except (TypeError, ValueError):
            return default
        return value if value > 0 else default

    def _closure_count_answer(self):
        """Count an answer in the case's current hour, refusing it past the
        setting: a leaked link cannot flood the owner's history and inbox.
        Called under the case's row lock, inside the answer's savepoint, so
        only recorded answers count."""
        self.ensure_one()
        start, count = self._closure_hour_window('closure_answer_window_start', 'closure_answer_window_count')
        if count >= self._closure_answer_setting(ANSWER_RATE_PARAM, ANSWER_RATE_DEFAULT):
            raise ClosurePublicError(_(
                "We have received many answers from this page in the last hour. Please wait a little "
                "before answering again, or call us."))
        # the window is bookkeeping of the public page, hidden from reps
        self.sudo().write({'closure_answer_window_start': start, 'closure_answer_window_count': count + 1})

    def _closure_hour_window(self, start_field, count_field):
        """(start, count) of the case's current hour of a counted action (its
        window's start and count fields): a new window, counting from 0, once
        the last began an hour ago or more. Read as superuser: the windows
        are bookkeeping of the public page, hidden from reps."""
        self.ensure_one()
        case = self.sudo()
        now = fields.Datetime.now()
        start, count = case[start_field], case[count_field]
        if not start or now - start >= timedelta(hours=1):
            return now, 0
        return start, count

    def _closure_record_transfer_answer(self, decision, receiver, categories, evidence):
        self.ensure_one()
        if decision not in ('accept', 'pick_another', 'decline'):
            raise ClosurePublicError(_("Unknown answer '%(decision)s'.", decision=decision))
        live = self._closure_answer_transfer()
        if live and live.state not in OPEN_STATES:
            raise ClosurePublicError(
                _(
                    "Your data has already been handed over to %(receiver)s: please contact them, or us.",
                    receiver=live.receiver_id.display_name,
                )
            )
        offered = self._closure_answer_receivers(live)
        if decision == 'accept':
            if not live:
                raise ClosurePublicError(
                    _("No partner is proposed to you yet: choose one of the partners listed, or decline.")
                )
            receiver = live.receiver_id
        elif decision == 'pick_another':
            if not receiver or receiver not in offered:
                raise ClosurePublicError(_("Choose one of the partners listed on this page."))
            if receiver == live.receiver_id:
                decision = 'accept'
        else:
            receiver = self.env['res.partner']
        if decision != 'decline' and not categories:
            raise ClosurePublicError(_("Tick the data you agree to hand over to %(receiver)s.",
                              receiver=receiver.display_name))
        self.env['closure.consent'].create({
            'lead_id': self.id,
            'transfer_id': live.id,
            'decision': decision,
            'receiver_id': receiver.id,
            'data_category_ids': [(6, 0, categories.ids if decision != 'decline' else [])],
            'channel': 'portal',
            'note': evidence,
        })

    # ------------------------------------------------------------------
    # The receivers offered: ranked once and kept on the case
    # ------------------------------------------------------------------
    # Ranking a case against its plan's receivers loads every receiver of the
    # plan; the page is opened again and again, and most customers open it
    # within hours of the notices. So the ranked suggestions are kept on the
    # case, with the plan's suggestion stamp they were computed under, and
    # computed again only when something they depend on changed:
    # - the case's needs (industry, region, segment, size, services, plan):
    #   the stored compute empties the kept set;
    # - the case's transfers change state (a receiver declined is never
    #   offered again): ``closure.transfer.write`` empties it;
    # - the plan's receivers (a capacity line added, changed or removed, a
    #   receiver's profile changed, a receiver becoming full or having room
    #   again): they bump the plan's stamp (``closure.plan._closure_bump_suggestions``),
    #   and every kept set of the plan is stale at once, without touching the cases.
    # The receivers' acceptance record and room left weigh in the ranking as
    # they were when the set was computed.
    def _closure_suggested_receivers(self, limit=3):
        """The best receivers for this case with room left (``limit`` at
        most), from the kept set when it is current; else ranked now
        (closure.transfer.matcher._suggest) and kept."""
        self.ensure_one()
        plan = self.closure_plan_id
        kept = self.sudo().closure_suggestion_cache  # bookkeeping of the page, not shown to staff
        if kept and kept.get('stamp') == plan.suggestion_stamp and kept.get('limit', 0) >= limit:
            return self.env['res.partner'].browse(kept['ids'][:limit])
        stamp = plan.suggestion_stamp
        suggestions = self.env['closure.transfer.matcher']._suggest(self, limit=limit)
        ids = [suggestion['receiver_id'] for suggestion in suggestions]
        self._closure_keep_suggestions({'stamp': stamp, 'limit': limit, 'ids': ids})
        return self.env['res.partner'].browse(ids)

    def _closure_keep_suggestions(self, value):
        """Store the ranked set, unless another transaction holds the case
        (an answer being recorded): then the next view stores it. Never waits,
        never fails the page, and leaves the case's write date alone."""
        self.ensure_one()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id))
                if cr.fetchone():
                    cr.execute(SQL("UPDATE crm_lead SET closure_suggestion_cache = %s WHERE id = %s",
                                   self._fields['closure_suggestion_cache'].convert_to_column(value, self), self.id))
        except psycopg2.errors.SerializationFailure:
            _logger.debug("Case %s changed meanwhile: its receiver suggestions are kept at the next view", self.id)
            return
        self.invalidate_recordset(['closure_suggestion_cache'])

    def _closure_forget_suggestions(self):
        """Empty the kept sets of these cases (one UPDATE of those holding one)."""
        if self.ids:
            self.env.cr.execute(SQL(
                "UPDATE crm_lead SET closure_suggestion_cache = NULL "
                "WHERE id IN %s AND closure_suggestion_cache IS NOT NULL", tuple(self.ids)))
            self.invalidate_recordset(['closure_suggestion_cache'])
