from odoo import http
from odoo.http import request
from odoo.tools import consteq


class ClosureAnswer(http.Controller):
    """The customer's personal link from the notices. A placeholder until the
    portal answer page takes over this route."""

    @http.route('/closure/answer/<int:case_id>', type='http', auth='public', website=False, sitemap=False)
    def closure_answer(self, case_id, access_token=None, **kwargs):
        # public visitor: the token in the link is the only credential
        case = request.env['crm.lead'].sudo().browse(case_id).exists()
        if not case or not case.closure_plan_id or not access_token \
                or not case.closure_access_token or not consteq(case.closure_access_token, access_token):
            return request.not_found()
        if case.partner_id.lang:
            request.update_context(lang=case.partner_id.lang)
        return request.render('closure_crm.closure_answer_placeholder', {
            'case': case,
            'plan': case.closure_plan_id,
            'company': case.company_id or case.closure_plan_id.company_id,
        })
