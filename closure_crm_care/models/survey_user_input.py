from odoo import _, fields, models
from odoo.exceptions import ValidationError

SATISFACTION_TRIGGERS = [
    ('transferred', 'After the Transfer'),
    ('settled', 'After Settlement'),
]


class SurveyUserInput(models.Model):
    """A satisfaction survey answer of a closure case: sent after the
    customer's transfer completed or their case was settled."""
    _inherit = 'survey.user_input'

    closure_lead_id = fields.Many2one(
        'crm.lead', 'Closure Case', index='btree_not_null', ondelete='set null', readonly=True)
    closure_plan_id = fields.Many2one(
        related='closure_lead_id.closure_plan_id', store=True, index='btree_not_null', string='Closure Plan')
    closure_trigger = fields.Selection(SATISFACTION_TRIGGERS, 'Sent', readonly=True)

    def _save_lines(self, question, answer, comment=None, overwrite_existing=True):
        # the invitation's holder posts what they like: a scale answer of a
        # closure survey is a whole number within the question's own scale
        if question.question_type == 'scale' and answer not in (None, False, '') and self.closure_lead_id:
            try:
                value = int(answer)
            except (TypeError, ValueError):
                value = None
            if value is None or str(answer).strip() != str(value) \
                    or not question.scale_min <= value <= question.scale_max:
                raise ValidationError(_(
                    "%(question)s: the answer must be a whole number from %(min)s to %(max)s, not '%(value)s'.",
                    question=question.title, min=question.scale_min, max=question.scale_max, value=answer))
        return super()._save_lines(question, answer, comment=comment, overwrite_existing=overwrite_existing)
