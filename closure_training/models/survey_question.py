import random

from odoo import fields, models

from .closure_plan import CLOSURE_GATES

CLOSURE_TOPICS = [
    ('empathy', 'Empathy'),
    ('taboo', 'Taboo wording'),
    ('declaration_period', 'Declaration period'),
    ('refund_regimes', 'Refund regimes'),
    ('claims_deadline', 'Claims deadline'),
    ('promise', 'What may be promised'),
    ('emotion', 'Emotions'),
    ('complaint', 'Complaints'),
    ('consent', 'Consent before hand-over'),
    ('export_erasure', 'Export and erasure'),
]


class SurveySurvey(models.Model):
    _inherit = 'survey.survey'

    closure_shuffle_answers = fields.Boolean(
        'Shuffle Answers per Attempt',
        help="Each attempt shows the suggested answers of every choice question in its own order, kept for "
             "the whole attempt: the right answer's place tells nothing.")


class SurveyQuestion(models.Model):
    _inherit = 'survey.question'

    closure_gate = fields.Selection(
        CLOSURE_GATES,
        help="The closure action (certification gate) this question, or this section, is about.")
    closure_topic = fields.Selection(CLOSURE_TOPICS)

    def _closure_answers_in_order(self, user_input):
        """The suggested answers in the order ``user_input`` sees them: shuffled
        once per attempt (the same order on every reload of the attempt) when
        the survey asks for it, else their configured order."""
        self.ensure_one()
        answers = self.suggested_answer_ids
        if not user_input or not self.survey_id.closure_shuffle_answers or len(answers) < 2:
            return answers
        # seeded by the attempt's token and the question: stable for the attempt, different between attempts
        rng = random.Random(f'{user_input.access_token}-{self.id}')
        return answers.browse(rng.sample(answers.ids, len(answers)))
