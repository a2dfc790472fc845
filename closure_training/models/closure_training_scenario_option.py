from odoo import fields, models


class ClosureTrainingScenarioOption(models.Model):
    _name = 'closure.training.scenario.option'
    _description = 'Practice Scenario Answer Option'
    _order = 'scenario_id, sequence, id'

    scenario_id = fields.Many2one('closure.training.scenario', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char('Answer', required=True, translate=True)
    is_correct = fields.Boolean('Correct')
    explanation = fields.Text(translate=True, help="Why this answer is right or wrong.")
