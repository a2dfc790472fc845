from odoo import api, fields, models

FAQ_TOPICS = [
    ('service', 'Service End'),
    ('refund', 'Refunds and Claims'),
    ('data', 'Personal Data'),
    ('transfer', 'Transfer to a Partner'),
    ('contact', 'Contact and Hand-over'),
]


class ClosureTrainingFaq(models.Model):
    """The handbook's FAQ: the questions customers ask most, with the answer
    staff give. Reps search it from the case they are working on."""

    _name = 'closure.training.faq'
    _description = 'Handbook FAQ'
    _order = 'topic, sequence, id'
    _rec_name = 'question'

    question = fields.Char(required=True, translate=True)
    answer = fields.Text('Approved Answer', required=True, translate=True)
    keywords = fields.Char(
        translate=True,
        help="Words a customer may use for this question, separated by commas; the search finds them.")
    topic = fields.Selection(FAQ_TOPICS, required=True, default='service')
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.model
    def _search_text_domain(self, text):
        """Questions, answers or keywords that hold every word of ``text``."""
        domain = []
        for word in (text or '').split():
            domain += ['|', '|', ('question', 'ilike', word), ('answer', 'ilike', word), ('keywords', 'ilike', word)]
        return domain

    @api.constrains('answer')
    def _check_answer_taboo(self):
        """An approved answer never holds a taboo phrase of the handbook, in
        any installed language."""
        Phrase = self.env['closure.phrase']
        Phrase._check_taboo_translations(self, 'answer', lambda faq, lang: self.env._(
            "FAQ answer \"%(question)s\" (%(lang)s)", question=faq.with_context(lang=lang).question, lang=lang))
