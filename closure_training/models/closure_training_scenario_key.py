from odoo import fields, models


class ClosureTrainingScenario(models.Model):
    """The answer key of a scenario is the closure managers': a trainee reads
    it on their practice once they have answered (closure.training.practice)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.training.scenario'

    model_answer = fields.Text(groups='closure_crm.group_closure_manager')
