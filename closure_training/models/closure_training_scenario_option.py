from odoo import fields, models


class ClosureTrainingScenarioOption(models.Model):
    _name = 'closure.training.scenario.option'
    _description = 'Practice Scenario Answer Option'
    _order = 'scenario_id, sequence, id'

    scenario_id = fields.Many2one('closure.training.scenario', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char('Answer', required=True, translate=True)
    # which option is right, and why, is the closure managers': a trainee
    # learns it from the feedback of their answered practice
    is_correct = fields.Boolean('Correct', groups='closure_crm.group_closure_manager')
    explanation = fields.Text(
        translate=True, groups='closure_crm.group_closure_manager', help="Why this answer is right or wrong.")
