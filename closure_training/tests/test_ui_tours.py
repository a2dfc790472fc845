from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import TrainingCommon

LANGS = ('en_US', 'zh_CN')
TOUR_TIMEOUT = 180  # seconds for a whole tour; a missing element fails its step after 10 s


@tagged('post_install', '-at_install')
class TestTraineeTours(HttpCase, TrainingCommon):
    """The trainee walks through eLearning and the back office in headless
    Chromium (static/tests/tours/closure_trainee.js), in English and in
    Simplified Chinese; the test then checks what the database recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_crm', 'closure_training'], ['zh_CN'], overwrite=True)
        # the website serves the languages it lists: a trainee reading Chinese needs it there
        cls.env['website'].search([]).language_ids |= cls.env.ref('base.lang_zh_CN')
        cls.plan.write({'training_gate_own_tier_a': True})
        cls.plan.action_start()
        cls.course = cls.env.ref('closure_training.course_farewell')
        cls.lesson = cls.env.ref('closure_training.slide_farewell_empathy')
        Scenario = cls.env['closure.training.scenario']
        cls.choice_scenario = Scenario.search([('scenario_type', '=', 'choice')], limit=1)
        cls.open_scenario = Scenario.search([('scenario_type', '=', 'open')], limit=1)

    def _tour(self, url, tour, login):
        self.start_tour(url, tour, login=login, timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()

    def test_trainee_learns_practises_and_meets_a_gate(self):
        Practice = self.env['closure.training.practice']
        today = fields.Date.today()
        for lang in LANGS:
            with self.subTest(lang=lang):
                # one trainee at a time: the names the tour types are unique
                trainee = self._create_staff(1, prefix=f'trainee_tour_{lang.lower()}', lang=lang)
                trainee.name = 'Trainee Tour'
                self._add_to_team(trainee)
                self.assertIn(self.course, self._memberships(trainee).channel_id, "the plan assigned the course")

                self._tour('/slides', f'closure_trainee_course_{lang}', login=trainee.login)
                done = self.env['slide.slide.partner'].search(
                    [('slide_id', '=', self.lesson.id), ('partner_id', '=', trainee.partner_id.id)])
                self.assertRecordValues(done, [{'completed': True, 'quiz_attempts_count': 1}])

                case = self._create_cases(self._create_customers(1, prefix=f'Gate Customer {lang}'), user_id=False)
                case.closure_tier = 'a'
                daily = Practice.create({'user_id': trainee.id, 'date': today, 'state': 'sent',
                                         'scenario_id': self.choice_scenario.id})
                coached = Practice.create({'user_id': trainee.id, 'date': today - timedelta(days=1), 'state': 'sent',
                                           'scenario_id': self.open_scenario.id})
                self._tour(f'/odoo/action-closure_crm.action_closure_case/{case.id}',
                           f'closure_trainee_practice_{lang}', login=trainee.login)
                self.assertFalse(case.user_id, "the gate refused the A-tier case")
                self.assertRecordValues(daily, [{'state': 'answered', 'streak': 1}])
                self.assertTrue(daily.option_id)
                self.assertRecordValues(coached, [{
                    'state': 'answered', 'is_correct': False, 'has_empathy': lang == 'en_US'}])
                self.assertTrue(coached.taboo_phrases)
                trainee.name = f'Done {lang}'

    def test_trainee_passes_the_certification(self):
        """The certification in the browser: the trainee answers each question
        by the text of its right answer, wherever the attempt's shuffled order
        puts it, passes, and the A-tier gate lets them through."""
        for lang in LANGS:
            with self.subTest(lang=lang):
                trainee = self._create_staff(1, prefix=f'trainee_cert_{lang.lower()}', lang=lang)
                self._add_to_team(trainee)
                case = self._create_cases(self._create_customers(1, prefix=f'Cert Customer {lang}'), user_id=False)
                case.closure_tier = 'a'
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    case.user_id = trainee
                self._tour(f'/survey/start/{self.certification.access_token}',
                           f'closure_trainee_certification_{lang}', login=trainee.login)
                attempt = self.env['survey.user_input'].search(
                    [('survey_id', '=', self.certification.id), ('partner_id', '=', trainee.partner_id.id)])
                self.assertRecordValues(attempt, [{'state': 'done', 'scoring_success': True}])
                questions = self.certification.question_ids.filtered(lambda q: q.question_type == 'simple_choice')
                self.assertEqual(len(attempt.user_input_line_ids.question_id), len(questions))
                self.assertTrue(any(q._closure_answers_in_order(attempt).ids != q.suggested_answer_ids.ids
                                    for q in questions), "the attempt saw the answers shuffled")
                # the certificate goes to the trainee by mail, the report attached (rendered as HTML
                # under Odoo's test mode; tests/test_pdf_reports.py renders it as a real PDF)
                certificate_mail = self.env['mail.mail'].search(
                    [('model', '=', 'survey.user_input'), ('res_id', '=', attempt.id)])
                self.assertEqual(len(certificate_mail), 1)
                self.assertIn(trainee.partner_id.email, certificate_mail.email_to)
                self.assertEqual(len(certificate_mail.attachment_ids), 1)
                self.assertFalse(attempt.closure_certificate_pending)
                # certified: the gate now lets the trainee own the A-tier case
                self.assertTrue(self.plan._check_closure_gate('own_tier_a', users=trainee))
                case.user_id = trainee
                self.assertEqual(case.user_id, trainee)
