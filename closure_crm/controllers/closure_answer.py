import hashlib
import json
import logging

from odoo import _, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq, format_amount, format_date

from ..models.crm_lead import ClosurePublicError

_logger = logging.getLogger(__name__)

MAX_ID = 2 ** 31 - 1      # PostgreSQL integer: a larger id is no record, not an error
MAX_TOKEN_LENGTH = 64     # a token is a UUID (36 characters)


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
        case_sudo = request.env['crm.lead'].sudo().browse(case_id).exists()
        if not case_sudo or not case_sudo.closure_plan_id or not case_sudo.closure_access_token \
                or not consteq(case_sudo.closure_access_token, access_token):
            return None
        return case_sudo.with_context(lang=case_sudo.partner_id.lang or request.env.lang)

    def _closure_closed(self, case_sudo):
        """The page of a case whose data erasure date has passed: closed."""
        request.update_context(lang=case_sudo.env.lang)
        return request.render('closure_crm.closure_answer_closed', {
            'company': case_sudo.company_id or case_sudo.closure_plan_id.company_id,
        }, status=404)

    def _closure_render(self, case_sudo, access_token, error=None, answered=False, form=None, errors=None):
        """Render the page from the case: its values are read here, once per view."""
        request.update_context(lang=case_sudo.env.lang)
        values = case_sudo._closure_answer_values()
        values['texts'] = self._closure_texts(values)
        values.update({
            'title': values['texts']['title'],
            'access_token': access_token,
            'error': error,
            # {field name: message}: shown next to the field it is about
            'errors': errors or {},
            'answered': answered,
            'form': form or {},
        })
        return request.render('closure_crm.closure_answer_page', values)

    @http.route('/closure/answer/<int:case_id>', type='http', auth='public', methods=['GET'],
                website=True, sitemap=False)
    def closure_answer(self, case_id, access_token=None, answered=None, **kwargs):
        case_sudo = self._closure_case(case_id, access_token)
        if not case_sudo:
            return request.not_found()
        if case_sudo._closure_answer_link_expired():
            return self._closure_closed(case_sudo)
        return self._closure_render(case_sudo, access_token, answered=bool(answered))

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
        # the privileges offered on this case: ticked ones opt in, the others opt out
        raw_privileges = form.getlist('privilege_ids')
        privilege_ids = [_parse_id(pid) for pid in raw_privileges]
        privileges = None
        if form.get('privileges_asked'):
            privileges = {privilege: privilege.id in privilege_ids for privilege in case_sudo.closure_privilege_ids}
        # choice: a receiver's id (the proposed one or another offered one),
        # 'decline' (no transfer at all), or nothing
        receiver = case_sudo.env['res.partner']
        decision = False
        malformed = None in category_ids or None in privilege_ids
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
        try:
            # all or nothing: a refused answer leaves no half-recorded trace
            with request.env.cr.savepoint():
                # recorded as given on the portal, with the version of the text read
                consent_context = case_sudo.env['closure.consent']._closure_portal_context(
                    self._closure_page_version(case_sudo))
                case_sudo.with_context(**consent_context)._closure_record_answer(
                    decision=values['decision'], receiver=receiver, categories=categories,
                    refund=values['refund'], data_copy=values['data_copy'], message=values['message'],
                    evidence=self._closure_evidence(), news=values['news'], privileges=privileges)
        except ClosurePublicError as error:
            return self._closure_render(case_sudo, access_token, error=error.args[0], form=values)
        except (UserError, ValidationError, AccessError) as error:
            # written for staff: may name receivers' capacities, records or
            # people; the customer gets a general message, the log the reason
            _logger.info("Answer page of case %s refused an answer: %s", case_id, error)
            return self._closure_render(case_sudo, access_token, form=values, error=_(
                "We could not record your answer as it is. Please check your choices and try again, "
                "or contact us."))
        return request.redirect(f'/closure/answer/{case_id}?access_token={access_token}&answered=1')

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
        if case.closure_refund_requested_date:
            if case.closure_refund_regime == 'claim':
                texts['refund_requested'] = env._(
                    "You asked for a refund on %(date)s. Your claim of %(amount)s is registered and is paid on "
                    "%(due_date)s, to the payment method you used.", date=date(case.closure_refund_requested_date),
                    amount=amount, due_date=date(case.closure_refund_due_date))
            else:
                texts['refund_requested'] = env._(
                    "You asked for a refund on %(date)s. We refund %(amount)s by %(due_date)s, to the "
                    "payment method you used.", date=date(case.closure_refund_requested_date), amount=amount,
                    due_date=date(case.closure_refund_due_date))
            texts['refund_why'] = case.closure_refund_explanation
        elif case.closure_refund_due > 0:
            # the same rule as once asked: what a request made today would get
            terms = case.closure_plan_id._closure_refund_terms(
                fields.Date.context_today(case), case.closure_claim_deadline)
            texts['refund_terms'] = env._(
                "Asked today, it is refunded by %(due_date)s.", due_date=date(terms['due_date'])
            ) if terms['regime'] == 'trading' else env._(
                "Asked today, it is a creditor's claim in the liquidation: registered at once and paid on the "
                "liquidation plan's payment date, %(due_date)s (no creditor is paid while claims are being "
                "declared, Company Law 2023, Art. 235).", due_date=date(terms['due_date']))
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
