from odoo import fields, models


class ClosureTrainingScenario(models.Model):
    """A practice scenario of the daily question bank: a customer situation
    and either answer options or an open answer checked by the reply coach."""
    _name = 'closure.training.scenario'
    _description = 'Practice Scenario'
    _order = 'sequence, id'

    name = fields.Char('Title', required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    question = fields.Text('Scenario', required=True, translate=True)
    scenario_type = fields.Selection([
        ('choice', 'Choose an Answer'),
        ('open', 'Write an Answer (coached)'),
    ], string='Answer Type', required=True, default='choice')
    option_ids = fields.One2many('closure.training.scenario.option', 'scenario_id', string='Answer Options')
    # the answer key is the closure managers': a trainee reads it on their
    # practice once they have answered (closure.training.practice)
    model_answer = fields.Text(
        translate=True, groups='closure_crm.group_closure_manager',
        help="Shown to the trainee after answering: a good answer to compare with.")
    course_id = fields.Many2one('slide.channel', 'Related Course',
                                help="The course that teaches what this scenario practises.")
    karma = fields.Integer('Karma for a Good Answer', default=5)
