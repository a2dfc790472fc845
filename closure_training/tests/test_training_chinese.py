import re

from odoo.tests import TransactionCase, tagged

# a term still in English: two words of three letters or more (names such as
# "PIPL Art. 45" or "wkhtmltopdf" alone are not sentences)
ENGLISH = re.compile(r'[A-Za-z]{3,}\W+[A-Za-z]{3,}')
CJK = re.compile(r'[\u4e00-\u9fff]')


@tagged('post_install', '-at_install')
class TestTrainingInChinese(TransactionCase):
    """Courses, lessons and quizzes shipped with the add-on read in Chinese
    for a Chinese trainee: every sentence of their texts is translated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)

    def _shipped(self, model):
        data = self.env['ir.model.data'].search([('module', '=', 'closure_training'), ('model', '=', model)])
        return self.env[model].browse(data.mapped('res_id')).exists()

    def _untranslated(self, records, fnames):
        """[(record, field, English term)] of the terms left in English."""
        left = []
        for fname in fnames:
            field = records._fields[fname]
            for record in records:
                english = record.with_context(lang='en_US')[fname]
                chinese = record.with_context(lang='zh_CN')[fname]
                if not english:
                    continue
                if callable(field.translate):
                    chinese_terms = set(field.get_trans_terms(chinese))
                    left += [(record.display_name, fname, term[:80]) for term in field.get_trans_terms(english)
                             if ENGLISH.search(term) and term in chinese_terms]
                elif ENGLISH.search(str(english)) and not CJK.search(str(chinese)):
                    left.append((record.display_name, fname, str(english)[:80]))
        return left

    def test_courses_lessons_and_quizzes_in_chinese(self):
        channels = self._shipped('slide.channel')
        slides = self._shipped('slide.slide')
        questions = self._shipped('slide.question')
        self.assertGreaterEqual(len(channels), 6)
        self.assertGreaterEqual(len(slides), 20)
        self.assertGreaterEqual(len(questions), 30)
        left = self._untranslated(channels, ['name', 'description', 'description_short'])
        left += self._untranslated(slides, ['name', 'description', 'html_content'])
        left += self._untranslated(questions, ['question'])
        left += self._untranslated(questions.answer_ids, ['text_value', 'comment'])
        self.assertFalse(left, '\n'.join(map(str, left)))
