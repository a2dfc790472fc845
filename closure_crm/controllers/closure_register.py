from odoo import http
from odoo.http import content_disposition, request


class ClosureRegister(http.Controller):

    @http.route('/closure/register/<int:plan_id>/<string:register>', type='http', auth='user', methods=['GET'])
    def closure_register_xlsx(self, plan_id, register, **kwargs):
        """Download a register of a plan as XLSX, built on the fly (no copy
        of the customers' data is kept in the filestore)."""
        plan = request.env['closure.plan'].browse(plan_id).exists()
        if not plan:
            return request.not_found()
        filename, content, _count = plan._closure_export_register(register)
        return request.make_response(content, headers=[
            ('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
            ('Content-Disposition', content_disposition(filename)),
        ])
