import re

from odoo import _, api, fields, models

COACH_PARTS = ['empathy', 'solution', 'next_step']


class ClosureTrainingCoachRule(models.Model):
    """A keyword rule of the reply coach: a taboo phrase, or a sign that an
    answer has empathy, a concrete solution or a next step. Rules are data:
    trainers add phrases in English and Chinese."""
    _name = 'closure.training.coach.rule'
    _description = 'Reply Coach Rule'
    _order = 'rule_type, sequence, id'

    name = fields.Char(
        'Phrase', required=True,
        help="Matched case-insensitively. Latin phrases match at the start of a word "
             "('frustrat' matches 'frustrated'); Chinese phrases anywhere in the answer.")
    rule_type = fields.Selection([
        ('taboo', 'Taboo Phrase'),
        ('empathy', 'Empathy'),
        ('solution', 'Concrete Solution'),
        ('next_step', 'Next Step'),
    ], string='Checks', required=True, default='taboo')
    lang = fields.Selection([('en_US', 'English'), ('zh_CN', 'Chinese')], string='Language', required=True,
                            default='en_US')
    hint = fields.Char(
        'Say Instead', translate=True,
        help="For a taboo phrase: why it hurts and the neutral wording to use instead.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ('name_type_uniq', 'unique(name, rule_type)', 'This phrase is already a rule of this kind.'),
    ]

    def _matches(self, text):
        self.ensure_one()
        phrase = self.name.strip().lower()
        if not phrase:
            return False
        if phrase.isascii():
            return re.search(r'(?<![a-z0-9])' + re.escape(phrase), text) is not None
        return phrase in text

    @api.model
    def _coach_answer(self, answer):
        """Check a written answer: taboo phrases (the coach's own and the
        handbook's), and whether it has empathy, a concrete solution and a next
        step. Returns {'taboo': [(phrase, say instead)], 'has_empathy',
        'has_solution', 'has_next_step', 'passed', 'score' (0-100),
        'feedback' (HTML explaining the verdict, in the current language)}."""
        text = (answer or '').lower()
        rules = self.search([])
        taboo = [(rule.name, rule.hint) for rule in rules if rule.rule_type == 'taboo' and rule._matches(text)]
        taboo += self._handbook_taboo(answer, {name.lower() for name, _hint in taboo})
        found = {
            part: rules.filtered(lambda r, part=part: r.rule_type == part and r._matches(text)) for part in COACH_PARTS
        }
        result = {
            'taboo': taboo,
            'has_empathy': bool(found['empathy']),
            'has_solution': bool(found['solution']),
            'has_next_step': bool(found['next_step']),
        }
        result['passed'] = not taboo and all(found.values())
        result['score'] = 25 * (sum(1 for part in COACH_PARTS if found[part]) + (0 if taboo else 1))
        result['feedback'] = self._coach_explain(taboo, found, result['passed'])
        return result

    @api.model
    def _handbook_taboo(self, answer, known):
        """Taboo phrases of closure_crm's handbook phrase list (closure.phrase,
        the list notice templates are checked against), when it is installed:
        [(phrase, say instead)] not already in ``known``."""
        Phrase = self.env.get('closure.phrase')
        if Phrase is None or not hasattr(Phrase, '_find_taboo'):
            return []
        # with the unapproved promises (priority rights, advisory circle) when closure_crm offers the check
        find = getattr(Phrase, '_find_coach_taboo', Phrase._find_taboo)
        return [(phrase.name, phrase.suggestion) for phrase in find(answer or '')
                if phrase.name.strip().lower() not in known]

    @api.model
    def _coach_explain(self, taboo, found, passed):
        labels = {
            'empathy': (_("Empathy"), _("Start by acknowledging how the closure affects the customer, "
                                         "e.g. \"I understand this disrupts your routine\".")),
            'solution': (_("Concrete solution"), _("Offer something concrete: a refund of the unused "
                                                    "balance, a named alternative partner, a data export.")),
            'next_step': (_("Next step"), _("Close with what happens next and when: \"I will call you "
                                             "back within 24 hours\", \"you will receive the form today\".")),
        }
        lines = []
        for phrase, hint in taboo:  # a loop, not a comprehension: _() finds the language in this frame
            lines.append(_("Taboo phrase \"%(phrase)s\": %(hint)s", phrase=phrase, hint=hint) if hint
                         else _("Taboo phrase \"%(phrase)s\": leave it out.", phrase=phrase))
        for part in COACH_PARTS:
            label, advice = labels[part]
            if found[part]:
                lines.append(_("%(part)s: found (%(phrases)s).", part=label,
                               phrases=', '.join(f'"{p}"' for p in found[part].mapped('name'))))
            else:
                lines.append(_("%(part)s: missing. %(advice)s", part=label, advice=advice))
        return self.env['ir.qweb']._render('closure_training.coach_feedback', {'passed': passed, 'lines': lines})
