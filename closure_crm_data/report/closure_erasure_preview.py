from odoo import api, models


class ClosureErasurePreviewReport(models.AbstractModel):
    """The erasure preview of a plan, for its managers at any time: when the
    erasure may run, what it would erase as things stand, what it keeps by
    law and the cases it holds back with their reason. Reading it changes
    nothing; it is refused to anyone but a closure manager, whatever the
    way in (the plan's button or the report's URL)."""

    _name = 'report.closure_crm_data.report_closure_erasure_preview'
    _description = 'Closure Erasure Preview'

    @api.model
    def _get_report_values(self, docids, data=None):
        plans = self.env['closure.plan'].browse(docids)
        Erasure = self.env['closure.erasure']
        previews = {plan.id: Erasure._preview(plan) for plan in plans}
        return {
            'doc_ids': docids,
            'doc_model': 'closure.plan',
            'docs': plans,
            'previews': previews,
        }
