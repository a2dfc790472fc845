from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from odoo.addons.closure_crm.controllers.closure_answer import ClosureAnswer
from odoo.addons.closure_crm.models.crm_lead import ClosurePublicError


class ClosureDataExport(ClosureAnswer):
    """The copy of the customer's data (PIPL Art. 45, GDPR Art. 15 and 20):
    downloaded at once by the customer from their personal page (the token
    of the page is the credential, checked as the page checks it), or by staff
    from the case. A POST, from the page's form: a mail scanner opening the
    link never produces a copy."""

    @http.route('/closure/answer/<int:case_id>/export', type='http', auth='public', methods=['POST'],
                website=True, sitemap=False)
    def closure_data_export(self, case_id, access_token=None, **kwargs):
        case_sudo = self._closure_case(case_id, access_token)
        if not case_sudo:
            return request.not_found()
        if case_sudo._closure_answer_link_expired():
            return self._closure_closed(case_sudo)
        try:
            filename, content = case_sudo._closure_data_export_customer()
        except UserError as error:
            return self._closure_render(case_sudo, access_token, error=error.args[0])
        return self._closure_zip_response(filename, content)

    @http.route('/closure/case/<int:case_id>/data_export', type='http', auth='user', methods=['GET'])
    def closure_case_data_export(self, case_id, **kwargs):
        case = request.env['crm.lead'].browse(case_id).exists()
        if not case:
            return request.not_found()
        try:
            filename, content = case._closure_data_export_staff()
        except ClosurePublicError as error:
            # the rate limit: said as it is, with the status a client retries on later
            return request.make_response(error.args[0], status=429, headers=[
                ('Content-Type', 'text/plain; charset=utf-8'), ('Retry-After', '3600')])
        return self._closure_zip_response(filename, content)

    def _closure_zip_response(self, filename, content):
        return request.make_response(content, headers=[
            ('Content-Type', 'application/zip'),
            ('Content-Disposition', content_disposition(filename)),
            ('Cache-Control', 'no-store'),
        ])
