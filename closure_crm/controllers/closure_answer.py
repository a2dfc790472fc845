import hashlib
import json
import logging
from decimal import Decimal, InvalidOperation

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL, consteq, format_amount, format_date, format_list, html2plaintext
from odoo.tools.mimetypes import guess_mimetype

from ..models.closure_obligation import PORTAL_CLAIM_KEY
from ..models.closure_transfer import OPEN_STATES
from ..models.crm_lead import ANSWER_LENGTH_DEFAULT, ANSWER_LENGTH_PARAM, ClosurePublicError
from ..tools.trust import trusted

_logger = logging.getLogger(__name__)

MAX_ID = 2 ** 31 - 1      # PostgreSQL integer: a larger id is no record, not an error
MAX_TOKEN_LENGTH = 64     # a token is a UUID (36 characters)
# a claim declared on the page: what the customer says we owe them, recorded as
# the obligation type the claims register knows
CLAIM_KINDS = {'prepaid': 'prepaid', 'deposit': 'deposit', 'service': 'contract', 'other': 'other'}
CLAIM_MAX_AMOUNT = Decimal(100_000_000)   # more is a typing error (or an attack) on a public page
CLAIM_DESCRIPTION_MAX = 2000
CLAIM_FILES_MAX = 5
CLAIM_FILE_MAX_BYTES = 5 * 1024 * 1024
# evidence a customer has at hand: scans and photos of contracts, receipts, statements
CLAIM_FILE_TYPES = ('application/pdf', 'image/jpeg', 'image/png')


def _parse_id(value):
    """An id sent by the public form, or None when it is not one."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class ClosureAnswer(http.Controller):
    """The customer's personal page, linked from every notice: what happens
    and when, whom we propose to continue the service, and the customer's
    answer (accept, pick another partner, decline), a refund request, a
    request for a copy of their data, a message. Public: the token in the
    link is the only credential, as for Odoo's rating pages. A GET never
    records anything (mail scanners open links)."""

    def _closure_case(self, case_id, access_token):
        """The case whose link this is, read as superuser once the token
        matches (the token is the public visitor's only credential); None for
        anything else: unknown case, missing, malformed or wrong token."""
        if not isinstance(access_token, str) or not access_token or len(access_token) > MAX_TOKEN_LENGTH \
                or not access_token.isascii() or not 0 < case_id <= MAX_ID:
            return None
        case_sudo = request.env['crm.lead'].sudo().browse(case_id)
        try:
            # reading the case tells whether it exists (one query, no exists() before it)
            token = case_sudo.closure_access_token
        except MissingError:
            return None
        if not case_sudo.closure_plan_id or not token or not consteq(token, access_token):
            return None
        return case_sudo.with_context(lang=case_sudo.partner_id.lang or request.env.lang)

    def _closure_closed(self, case_sudo):
        """The page of a case whose data erasure date has passed: closed."""
        request.update_context(lang=case_sudo.env.lang)
        return request.render('closure_crm.closure_answer_closed', {
            'company': case_sudo.company_id or case_sudo.closure_plan_id.company_id,
        }, status=404)

    def _closure_render(self, case_sudo, access_token, error=None, answered=False, form=None, errors=None,
                        declared=False):
        """Render the page from the case: its values are read here, once per view."""
        request.update_context(lang=case_sudo.env.lang)
        values = case_sudo._closure_answer_values()
        values.update(self._closure_claim_values(case_sudo, values))
        values['texts'] = self._closure_texts(values)
        values['recorded'] = self._closure_recorded_answer(values)
        values.update({
            'title': values['texts']['title'],
            'access_token': access_token,
            'error': error,
            # {field name: message}: shown next to the field it is about
            'errors': errors or {},
            'answered': answered,
            'declared': declared,
            # the form as sent back after a refusal, else as last answered
            'form': form or self._closure_form_from_answer(values),
        })
        return request.render('closure_crm.closure_answer_page', values)

    def _closure_form_from_answer(self, values):
        """The answer form filled in as the customer last answered: the
        partner chosen (or no transfer) and the data they agreed to hand over."""
        consent = values['last_consent']
        if not consent or not values['can_choose']:
            return {}
        if consent.decision == 'decline':
            return {'choice': 'decline', 'category_ids': []}
        if consent.receiver_id in values['receivers']:
            return {'choice': str(consent.receiver_id.id), 'category_ids': consent.data_category_ids.ids}
        return {}

    def _closure_recorded_answer(self, values):
        """What the customer has told us so far, as sentences with their
        dates: shown at the top of the page, so that the answer stays visible
        after sending (and on every later visit)."""
        case, texts, env = values['case'], values['texts'], values['case'].env
        consent = values['last_consent']
        lines = []
        if consent:
            lines.append(texts['last_answer'])
            if consent.decision != 'decline' and consent.data_category_ids:
                lines.append(env._("Data you agreed to hand over: %(categories)s.",
                                   categories=format_list(env, consent.data_category_ids.mapped('name'))))
        if case.closure_refund_requested_date:
            lines.append(texts['refund_requested'])
        if case.closure_export_requested_date:
            lines.append(texts['copy_requested'])
        if case.closure_news_opt_in:
            lines.append(env._("You asked for occasional news after the closure."))
        # the customer's last message from the page (posted in their name), looked
        # for once they have answered here (the answers' hour window is set then)
        answered_here = case.partner_id and case.closure_answer_window_start
        message = answered_here and env['mail.message'].search_fetch([
            ('model', '=', 'crm.lead'), ('res_id', '=', case.id), ('author_id', '=', case.partner_id.id),
            ('message_type', '=', 'comment')], ['date', 'body'], limit=1)
        if message:
            text = html2plaintext(message.body or '').strip()
            lines.append(env._('Your message of %(date)s: "%(message)s"',
                               date=format_date(env, message.date),
                               message=text if len(text) <= 300 else text[:300] + '...'))
        return lines

    def _closure_claim_values(self, case_sudo, values):
        """The case's obligations as the page shows them: the claims the
        customer declared, what the receiver took over (no refund offered for
        it), and whether the page takes a new declaration (a liquidation plan
        still taking answers)."""
        # the case's obligations with what the page shows of them, in one query
        obligations = case_sudo.env['closure.obligation'].search_fetch(
            [('lead_id', '=', case_sudo.id)],
            ['obligation_type', 'name', 'amount', 'refundable_amount', 'state', 'claim_declared_date',
             'claim_channel', 'transfer_id'])
        return {
            'claims': obligations.filtered(lambda o: o.claim_declared_date and o.state != 'transferred'),
            'taken_over': obligations.filtered(lambda o: o.state == 'transferred'),
            'can_declare': values['can_answer'] and case_sudo.closure_plan_id.plan_type != 'simplified',
            # rendered inside the page (t-call), not as a second QWeb render
            'creditor': case_sudo._closure_creditor_notice_texts(on_page=True),
        }

    @http.route('/closure/answer/<int:case_id>', type='http', auth='public', methods=['GET'],
                website=True, sitemap=False)
    def closure_answer(self, case_id, access_token=None, answered=None, declared=None, **kwargs):
        case_sudo = self._closure_case(case_id, access_token)
        if not case_sudo:
            return request.not_found()
        if case_sudo._closure_answer_link_expired():
            return self._closure_closed(case_sudo)
        return self._closure_render(case_sudo, access_token, answered=bool(answered), declared=bool(declared))

    @http.route('/closure/answer/<int:case_id>/claim', type='http', auth='public', methods=['POST'],
                website=True, sitemap=False)
    def closure_answer_claim(self, case_id, access_token=None, claim_kind=None, claim_amount=None,
                             claim_description=None, **kwargs):
        """A claim the customer declares on their page (any kind: prepaid
        balance, deposit, a service paid for and not delivered, other), with
        its amount, description and evidence files; recorded as declared
        through the personal page, all or nothing, rate-limited as answers."""
        case_sudo = self._closure_case(case_id, access_token)
        if not case_sudo:
            return request.not_found()
        if case_sudo._closure_answer_link_expired():
            return self._closure_closed(case_sudo)
        env = case_sudo.env
        form = {'claim_kind': claim_kind or '', 'claim_amount': (claim_amount or '')[:40],
                'claim_description': (claim_description or '')[:CLAIM_DESCRIPTION_MAX + 100]}
        files = [upload for upload in request.httprequest.files.getlist('claim_files') if upload and upload.filename]
        errors, amount, evidence = self._closure_check_claim(env, claim_kind, claim_amount, claim_description, files)
        if errors:
            return self._closure_render(case_sudo, access_token, form=form, errors=errors)
        try:
            with request.env.cr.savepoint():
                self._closure_record_claim(case_sudo, claim_kind, amount, claim_description.strip(), evidence)
        except ClosurePublicError as error:
            return self._closure_render(case_sudo, access_token, form=form, errors={'claim': error.args[0]})
        except (UserError, ValidationError, AccessError) as error:
            # written for staff: the customer gets a general message, the log the reason
            _logger.info("Answer page of case %s refused a claim: %s", case_id, error)
            return self._closure_render(case_sudo, access_token, form=form, errors={'claim': env._(
                "We could not record your claim as it is. Please check it and try again, or contact us.")})
        return request.redirect(f'/closure/answer/{case_id}?access_token={access_token}&declared=1#closure_claims')

    def _closure_check_claim(self, env, kind, amount, description, files):
        """({field: message}, amount, [(name, data, mimetype)]) of a claim
        sent by the page: every field checked, each error for its field."""
        errors = {}
        if kind not in CLAIM_KINDS:
            errors['claim_kind'] = env._("Choose what we owe you.")
        value = None
        text = (amount or '').strip().replace(',', '').replace(' ', '')
        try:
            value = Decimal(text) if text and len(text) <= 20 else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors['claim_amount'] = env._("Give the amount as a number, for example 1200.50 (you wrote '%(value)s').",
                                           value=(amount or '')[:40])
        elif value <= 0 or value > CLAIM_MAX_AMOUNT:
            errors['claim_amount'] = env._(
                "The amount must be more than 0 and at most %(max)s (you wrote %(value)s).",
                max=f'{CLAIM_MAX_AMOUNT:,}', value=(amount or '')[:40])
        description = (description or '').strip()
        if not description:
            errors['claim_description'] = env._("Say what the amount is for: the service, contract or payment.")
        elif len(description) > CLAIM_DESCRIPTION_MAX:
            errors['claim_description'] = env._(
                "Please keep the description under %(max)s characters (it has %(length)s).",
                max=CLAIM_DESCRIPTION_MAX, length=len(description))
        evidence = []
        if len(files) > CLAIM_FILES_MAX:
            errors['claim_files'] = env._("Send at most %(max)s files (you chose %(count)s).",
                                          max=CLAIM_FILES_MAX, count=len(files))
        else:
            for upload in files:
                data = upload.read(CLAIM_FILE_MAX_BYTES + 1)
                name = (upload.filename or '')[:200]
                mimetype = guess_mimetype(data, default='')
                if len(data) > CLAIM_FILE_MAX_BYTES:
                    errors['claim_files'] = env._("%(file)s is larger than %(max)s MB.", file=name,
                                                  max=CLAIM_FILE_MAX_BYTES // (1024 * 1024))
                elif mimetype not in CLAIM_FILE_TYPES:
                    errors['claim_files'] = env._(
                        "%(file)s is not a PDF, JPEG or PNG file: send a scan or a photo in one of these.", file=name)
                else:
                    evidence.append((name, data, mimetype))
                    continue
                break
        if errors:
            return errors, None, []
        return {}, float(value.quantize(Decimal('0.01'))), evidence

    def _closure_record_claim(self, case_sudo, kind, amount, description, evidence):
        """Record the claim as declared today through the personal page, with
        its evidence files attached, and a to-do for the case's owner."""
        plan = case_sudo.closure_plan_id
        env = case_sudo.env
        if plan.state not in ('draft', 'in_progress') or plan.plan_type == 'simplified':
            raise ClosurePublicError(env._("This page no longer takes claims: please write to us."))
        # one answer at a time per case, counted as an answer (a leaked link cannot flood the register)
        env.cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", case_sudo.id))
        case_sudo._closure_count_answer()
        today = fields.Date.context_today(case_sudo)
        labels = dict(env['closure.obligation']._fields['obligation_type']._description_selection(env))
        obligation_type = CLAIM_KINDS[kind]
        # the page's trusted path: only it declares a claim through the personal page
        obligation = env['closure.obligation'].with_context(**trusted(PORTAL_CLAIM_KEY)).create({
            'lead_id': case_sudo.id,
            'obligation_type': obligation_type,
            'name': ' '.join(description.split())[:80] or labels[obligation_type],
            'amount': amount,
            'is_paid': True,
            'claim_declared_date': today,
            'claim_channel': 'portal',
            'note': description,
        })
        if evidence:
            env['ir.attachment'].create([{
                'name': name, 'raw': data, 'mimetype': mimetype,
                'res_model': 'closure.obligation', 'res_id': obligation.id,
            } for name, data, mimetype in evidence])
        owner_lang = (case_sudo.user_id or plan.user_id).lang
        staff = case_sudo.with_context(lang=owner_lang) if owner_lang else case_sudo
        staff._closure_schedule_activity(
            'mail.mail_activity_data_todo', staff.env._("Review the claim declared on the personal page"),
            staff.env._("The customer declared a claim on their personal page: %(kind)s, %(amount)s, with %(count)s "
                        "evidence file(s). Check it against the records for the liquidation group's review.",
                        kind=labels[obligation_type], count=len(evidence),
                        amount=format_amount(staff.env, amount, case_sudo.company_currency)),
            date_deadline=today)
        case_sudo.filtered(lambda case: case.closure_stage_code in ('to_notify', 'notified'))._closure_set_stage(
            'answered')
        return obligation

    @http.route('/closure/answer/<int:case_id>/submit', type='http', auth='public', methods=['POST'],
                website=True, sitemap=False)
    def closure_answer_submit(self, case_id, access_token=None, choice=None, refund=None,
                              data_copy=None, message=None, news_asked=None, news=None, **kwargs):
        case_sudo = self._closure_case(case_id, access_token)
        if not case_sudo:
            return request.not_found()
        if case_sudo._closure_answer_link_expired():
            return self._closure_closed(case_sudo)
        form = request.httprequest.form
        Category = case_sudo.env['closure.data.category']
        raw_categories = form.getlist('category_ids')
        category_ids = [_parse_id(cid) for cid in raw_categories]
        categories = Category.search([('id', 'in', [cid for cid in category_ids if cid])])
        # the answers to what add-ons ask on the page
        extra, extra_malformed = self._closure_answer_form_extra(case_sudo, form)
        # choice: a receiver's id (the proposed one or another offered one),
        # 'decline' (no transfer at all), or nothing
        receiver = case_sudo.env['res.partner']
        decision = False
        malformed = None in category_ids or extra_malformed
        if choice == 'decline':
            decision = 'decline'
        elif choice:
            receiver_id = _parse_id(choice)
            malformed = malformed or not receiver_id
            decision, receiver = 'pick_another', receiver.browse(receiver_id or [])
        values = {
            'choice': choice or '',
            'decision': decision,
            'category_ids': categories.ids,
            'refund': bool(refund),
            'data_copy': bool(data_copy),
            'message': message or '',
            # an unticked box sends nothing: news_asked says the box was there
            'news': bool(news) if news_asked else None,
        }
        if malformed:
            values.update(choice='', category_ids=[])
            return self._closure_render(case_sudo, access_token, form=values, error=_(
                "Some of the choices sent are not ones this page offers: tick the options shown on the "
                "page and send your answer again."))
        errors = self._closure_check_answer(case_sudo, values, receiver, categories)
        if errors:
            return self._closure_render(case_sudo, access_token, form=values, errors=errors)
        try:
            # all or nothing: a refused answer leaves no half-recorded trace
            with request.env.cr.savepoint():
                # recorded as given on the portal, with the version of the text read
                consent_context = case_sudo.env['closure.consent']._closure_portal_context(
                    self._closure_page_version(case_sudo))
                case_sudo.with_context(**consent_context)._closure_record_answer(
                    decision=values['decision'], receiver=receiver, categories=categories,
                    refund=values['refund'], data_copy=values['data_copy'], message=values['message'],
                    evidence=self._closure_evidence(), news=values['news'], **extra)
        except ClosurePublicError as error:
            return self._closure_render(case_sudo, access_token, error=error.args[0], form=values)
        except (UserError, ValidationError, AccessError) as error:
            # written for staff: may name receivers' capacities, records or
            # people; the customer gets a general message, the log the reason
            _logger.info("Answer page of case %s refused an answer: %s", case_id, error)
            return self._closure_render(case_sudo, access_token, form=values, error=_(
                "We could not record your answer as it is. Please check your choices and try again, "
                "or contact us."))
        return request.redirect(
            f'/closure/answer/{case_id}?access_token={access_token}&answered=1#closure_recorded_answer')

    def _closure_answer_form_extra(self, case_sudo, form):
        """Hook: (keywords for ``crm.lead._closure_record_answer``, whether the
        form sent a choice the page does not offer) for the questions add-ons
        add to the answer page (closure_crm_privilege: the privileges). An
        add-on inherits this controller and extends the keywords with super()."""
        return {}, False

    def _closure_check_answer(self, case_sudo, values, receiver, categories):
        """{field: message} for what the customer can correct in the answer
        form, each shown next to its field (the model checks the same again
        when it records the answer)."""
        env = case_sudo.env
        errors = {}
        max_length = case_sudo._closure_answer_setting(ANSWER_LENGTH_PARAM, ANSWER_LENGTH_DEFAULT)
        if len(values['message']) > max_length:
            errors['message'] = env._(
                "Your message is too long (%(length)s characters): please keep it under %(max)s characters, "
                "or write to us by email.", length=len(values['message']), max=max_length)
        if values['decision'] == 'pick_another':
            live = case_sudo._closure_answer_transfer()
            if not live or live.state in OPEN_STATES:
                if receiver not in case_sudo._closure_answer_receivers(live):
                    errors['choice'] = env._("Choose one of the partners listed on this page.")
                elif not categories:
                    errors['category_ids'] = env._("Tick the data you agree to hand over to %(receiver)s.",
                                                   receiver=receiver.display_name)
        return errors

    def _closure_texts(self, values):
        """The page's sentences that carry a name, a date or an amount, whole
        so that a translator can order them (QWeb would cut them at each
        value), in the customer's language and formats."""
        case, env = values['case'], values['case'].env
        company, transfer, consent = values['company'], values['transfer'], values['last_consent']

        def date(value):
            return format_date(env, value)

        amount = format_amount(env, case.closure_refund_due, case.company_currency)
        texts = {
            'title': env._("Your service with %(company)s", company=company.name),
            'greeting': env._("Dear %(customer)s, this page is yours alone: here you see what happens and "
                              "when, and you tell us what you want.", customer=case.partner_id.name),
            'refund_offer': env._("Refund my unused balance of %(amount)s.", amount=amount),
        }
        if transfer:
            texts['handed_over'] = env._(
                "As you agreed, your data has been handed over to %(receiver)s. For anything about "
                "your service, contact them:", receiver=transfer.receiver_id.name)
        if consent:
            texts['last_answer'] = env._(
                "Your last answer, on %(date)s: you chose %(receiver)s.",
                date=date(consent.date), receiver=consent.receiver_id.name) if consent.receiver_id else env._(
                "Your last answer, on %(date)s: no transfer.", date=date(consent.date))
        plan = case.closure_plan_id
        # before the liquidation plan is confirmed nobody knows what a claim is paid, nor when
        # (Company Law 2023, Arts. 236-237): the page says what happens next, never a date
        confirmed = plan.is_liquidation_plan_confirmed
        claims_deadline = date(max(filter(None, [plan.claims_deadline, case.closure_claim_deadline]), default=False))
        if case.closure_refund_requested_date:
            if case.closure_refund_regime == 'claim' and confirmed:
                texts['refund_requested'] = env._(
                    "You asked for a refund on %(date)s. Your claim of %(amount)s is registered and is paid on "
                    "%(due_date)s, to the payment method you used.", date=date(case.closure_refund_requested_date),
                    amount=amount, due_date=date(case.closure_refund_due_date))
            elif case.closure_refund_regime == 'claim':
                texts['refund_requested'] = env._(
                    "You asked for a refund on %(date)s. Your claim of %(amount)s is registered in our claims "
                    "register. After %(claims_deadline)s the liquidation group reviews the declared claims; we will "
                    "then write to you with the confirmed amount and the date it is paid.",
                    date=date(case.closure_refund_requested_date), amount=amount, claims_deadline=claims_deadline)
            else:
                texts['refund_requested'] = env._(
                    "You asked for a refund on %(date)s. We refund %(amount)s by %(due_date)s, to the "
                    "payment method you used.", date=date(case.closure_refund_requested_date), amount=amount,
                    due_date=date(case.closure_refund_due_date))
            texts['refund_why'] = case.closure_refund_explanation
        elif case.closure_refund_due > 0:
            # the same rule as once asked: what a request made today would get
            terms = plan._closure_refund_terms(fields.Date.context_today(case), case.closure_claim_deadline)
            if terms['regime'] == 'trading':
                texts['refund_terms'] = env._("Asked today, it is refunded by %(due_date)s.",
                                              due_date=date(terms['due_date']))
            elif confirmed:
                texts['refund_terms'] = env._(
                    "Asked today, it is a creditor's claim in the liquidation: registered at once and paid on the "
                    "liquidation plan's payment date, %(due_date)s (no creditor is paid while claims are being "
                    "declared, Company Law 2023, Art. 235).", due_date=date(terms['due_date']))
            else:
                texts['refund_terms'] = env._(
                    "Asked today, it is a creditor's claim in the liquidation, registered at once. No creditor is "
                    "paid while claims are being declared (Company Law 2023, Art. 235): after %(claims_deadline)s "
                    "the liquidation group reviews the declared claims, and we write to you with the confirmed "
                    "amount and the date it is paid.", claims_deadline=claims_deadline)
        labels = dict(env['closure.obligation']._fields['obligation_type']._description_selection(env))
        texts['claims'] = {claim.id: env._(
            "Declared on %(date)s: %(kind)s, %(amount)s (%(description)s).", date=date(claim.claim_declared_date),
            kind=labels.get(claim.obligation_type, ''), description=claim.name,
            amount=format_amount(env, claim.refundable_amount or claim.amount, case.company_currency))
            for claim in values.get('claims', [])}
        texts['taken_over'] = {}
        for obligation in values.get('taken_over', []):
            # the transfer that took it over, else the case's live one
            receiver = (obligation.transfer_id or transfer).receiver_id.name
            texts['taken_over'][obligation.id] = env._(
                "%(name)s (%(amount)s) was taken over by %(receiver)s, who now provides it: no refund is due from "
                "us for it.", name=obligation.name, receiver=receiver,
                amount=format_amount(env, obligation.amount, case.company_currency)) if receiver else env._(
                "%(name)s (%(amount)s) was taken over by the partner who continues your service: no refund is due "
                "from us for it.", name=obligation.name,
                amount=format_amount(env, obligation.amount, case.company_currency))
        if case.closure_export_requested_date:
            texts['copy_requested'] = env._(
                "You asked for a copy of your data on %(date)s: we send it to you in a format you can "
                "open and reuse.", date=date(case.closure_export_requested_date))
        return texts

    def _closure_page_version(self, case_sudo):
        """sha256 of the explanatory text the customer read: the page's
        template in their language and its sentences with the names, dates
        and amounts, as shown before this answer."""
        texts = self._closure_texts(case_sudo._closure_answer_values())
        view = request.env.ref('closure_crm.closure_answer_page').sudo().with_context(lang=case_sudo.env.lang)
        content = json.dumps({'page': view.arch, 'texts': texts}, sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()

    def _closure_evidence(self):
        """How the answer came in, kept on the consent as its evidence."""
        http_request = request.httprequest
        return _("Answered on the customer's personal page from %(address)s (%(browser)s).",
                 address=http_request.remote_addr or '?',
                 browser=(http_request.user_agent.string or '?')[:200])
