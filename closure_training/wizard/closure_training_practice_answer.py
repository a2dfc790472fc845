from odoo import fields, models


class ClosureTrainingPracticeAnswer(models.TransientModel):
    """The small form a trainee answers today's scenario with."""
    _name = 'closure.training.practice.answer'
    _description = 'Answer a Practice Scenario'

    practice_id = fields.Many2one('closure.training.practice', required=True, ondelete='cascade')
    scenario_id = fields.Many2one(related='practice_id.scenario_id')
    scenario_type = fields.Selection(related='practice_id.scenario_type')
    question = fields.Text(related='practice_id.question', string='Question')
    option_id = fields.Many2one('closure.training.scenario.option', 'Your Choice',
                                domain="[('scenario_id', '=', scenario_id)]")
    answer_text = fields.Text('Your Answer')

    def action_submit(self):
        self.ensure_one()
        self.practice_id._submit_answer(option=self.option_id, text=self.answer_text)
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.training.practice',
            'res_id': self.practice_id.id,
            'view_mode': 'form',
            'views': [(self.env.ref('closure_training.closure_training_practice_view_form').id, 'form')],
            'target': 'current',
        }
