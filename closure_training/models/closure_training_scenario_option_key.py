from odoo import fields, models


class ClosureTrainingScenarioOption(models.Model):
    """Which option is right, and why, is the closure managers': a trainee
    learns it from the feedback of their answered practice."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.training.scenario.option'

    is_correct = fields.Boolean(groups='closure_crm.group_closure_manager')
    explanation = fields.Text(groups='closure_crm.group_closure_manager')
