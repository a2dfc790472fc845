from odoo import fields, models

SATISFACTION_TRIGGERS = [
    ('transferred', 'After the Transfer'),
    ('settled', 'After Settlement'),
]


class SurveyUserInput(models.Model):
    """A satisfaction survey answer of a closure case: sent after the
    customer's transfer completed or their case was settled."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'survey.user_input'

    closure_lead_id = fields.Many2one(
        'crm.lead', 'Closure Case', index='btree_not_null', ondelete='set null', readonly=True)
    closure_plan_id = fields.Many2one(
        related='closure_lead_id.closure_plan_id', store=True, index='btree_not_null', string='Closure Plan')
    closure_trigger = fields.Selection(SATISFACTION_TRIGGERS, 'Sent', readonly=True)
