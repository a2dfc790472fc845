import random
import re
from collections import Counter
from unittest.mock import patch

from markupsafe import escape

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from ..models.closure_plan import CLOSURE_GATES
from .common import TrainingCommon

# what each gate guards, and the topics its certification must ask about
GATE_TOPICS = {
    'send_wave': {'declaration_period', 'refund_regimes', 'claims_deadline', 'taboo'},
    'own_tier_a': {'promise', 'declaration_period'},
    'confirm_handover': {'consent', 'export_erasure'},
}
RANDOM_ATTEMPTS = 10000


@tagged('post_install', '-at_install')
class TestTrainingCertification(TransactionCase):
    """The certifications certify: the right answer's place tells nothing,
    guessing fails, and each gate's certification asks about what it guards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        cls.certification = cls.env.ref('closure_training.survey_closure_communication')
        cls.trainer_certification = cls.env.ref('closure_training.survey_trainer_certification')
        cls.surveys = cls.certification | cls.trainer_certification
        shipped = cls.env['ir.model.data'].search(
            [('module', '=', 'closure_training'), ('model', '=', 'slide.question')])
        cls.quiz_questions = cls.env['slide.question'].browse(shipped.mapped('res_id'))

    def _choice_questions(self, survey):
        return survey.question_ids.filtered(lambda q: q.question_type == 'simple_choice')

    def _right_positions(self, questions, answers_of):
        """{question: 1-based position of its (first) right answer in the order shown}."""
        positions = {}
        for question in questions:
            answers = answers_of(question)
            index = next(i for i, answer in enumerate(answers, start=1) if answer.is_correct)
            positions[question] = index
        return positions

    def _position_problems(self, positions, label):
        counts = Counter(positions.values())
        problems = []
        if len(counts) < 2:
            problems.append(f'{label}: the right answer sits at position {next(iter(counts))} in every question')
        elif max(counts.values()) > len(positions) / 2:
            problems.append(f'{label}: the right answer sits at one position in more than half the questions {counts}')
        return problems

    def _random_pass_rate(self, survey, attempts=RANDOM_ATTEMPTS, seed=24):
        """Share of ``attempts`` random attempts (one answer picked at random per
        question, scored with the survey's own answer scores) that pass."""
        rng = random.Random(seed)
        questions = [[answer.answer_score for answer in question.suggested_answer_ids]
                     for question in self._choice_questions(survey)]
        total = sum(max(scores) for scores in questions)
        passed = 0
        for _attempt in range(attempts):
            score = sum(rng.choice(scores) for scores in questions)
            passed += score / total * 100 >= survey.scoring_success_min
        return passed / attempts

    # ------------------------------------------------------------------
    def test_right_answers_do_not_sit_in_one_position(self):
        problems = []
        for survey in self.surveys:
            positions = self._right_positions(self._choice_questions(survey), lambda q: q.suggested_answer_ids)
            problems += self._position_problems(positions, survey.title)
        positions = self._right_positions(self.quiz_questions, lambda q: q.answer_ids)
        self.assertGreaterEqual(len(positions), 30)
        problems += self._position_problems(positions, 'lesson quizzes')
        self.assertFalse(problems, '\n'.join(problems))

    def test_the_position_check_catches_answers_all_first(self):
        questions = self._choice_questions(self.certification)
        for question in questions:
            right = question.suggested_answer_ids.filtered('is_correct')
            right.sequence = 0
        self.env.invalidate_all()
        positions = self._right_positions(questions, lambda q: q.suggested_answer_ids)
        self.assertTrue(self._position_problems(positions, 'x'))

    def test_random_answering_fails_the_certifications(self):
        """10,000 simulated attempts answering at random: (almost) none passes."""
        for survey in self.surveys:
            self.assertGreaterEqual(len(survey.question_ids.suggested_answer_ids) / len(self._choice_questions(survey)),
                                    3, survey.title)
            self.assertLess(self._random_pass_rate(survey), 0.01, survey.title)
        # the communication certification: four options, eighteen questions, 80%: not one random pass
        self.assertGreaterEqual(len(self._choice_questions(self.certification)), 16)
        self.assertEqual(self._random_pass_rate(self.certification), 0.0)

    def test_each_gate_certification_asks_about_its_action(self):
        plan = self.env['closure.plan'].new({'name': 'x'})
        for gate, _label in CLOSURE_GATES:
            certification = plan.training_certification_id
            self.assertEqual(certification, self.certification)
            questions = self._choice_questions(certification).filtered(lambda q, gate=gate: q.closure_gate == gate)
            missing = GATE_TOPICS[gate] - set(questions.mapped('closure_topic'))
            self.assertFalse(missing, f'{gate}: its certification asks nothing about {missing}')
            self.assertGreaterEqual(len(questions), 4, gate)
        topics = set(self._choice_questions(self.certification).mapped('closure_topic'))
        for topic in ('declaration_period', 'refund_regimes', 'claims_deadline', 'consent', 'promise', 'taboo',
                      'export_erasure'):
            self.assertIn(topic, topics)

    def test_the_facts_the_questions_hold(self):
        """The right answers state the rules of the law and the software."""
        def right(xmlid, lang='en_US'):
            question = self.env.ref(f'closure_training.survey_closure_communication_{xmlid}')
            return question.suggested_answer_ids.filtered('is_correct').with_context(lang=lang).value
        self.assertIn('nothing is paid during the declaration period', right('q10'))
        self.assertIn('申报期内不作任何清偿', right('q10', 'zh_CN'))
        self.assertIn('before the group forms', right('q11'))
        self.assertIn('30 days after receiving the notice', right('q12'))
        self.assertIn('45 days after the announcement', right('q13'))
        self.assertIn('name, tax ID and country', right('q17'))
        self.assertIn('settled', right('q18'))
        self.assertIn('consent', right('q16'))

    def test_questions_and_answers_are_in_chinese(self):
        for survey in self.surveys:
            for question in survey.question_ids:
                self.assertRegex(question.with_context(lang='zh_CN').title, r'[\u4e00-\u9fff]', question.title)
                for answer in question.suggested_answer_ids:
                    zh = answer.with_context(lang='zh_CN').value
                    if re.search(r'[A-Za-z]{3}', answer.value):
                        self.assertRegex(zh, r'[\u4e00-\u9fff]', answer.value)

    def test_answers_are_shuffled_per_attempt_and_kept_within_it(self):
        self.assertTrue(self.certification.closure_shuffle_answers)
        questions = self._choice_questions(self.certification)
        user_input = self.certification._create_answer(user=self.env.user)
        other = self.certification._create_answer(user=self.env.user)
        # recordsets compare as sets: the order is compared as lists of ids
        orders = {question: question._closure_answers_in_order(user_input).ids for question in questions}
        for question, order in orders.items():
            self.assertEqual(sorted(order), sorted(question.suggested_answer_ids.ids))
            self.assertEqual(question._closure_answers_in_order(user_input).ids, order, "a reload keeps the order")
        self.assertTrue(any(question._closure_answers_in_order(other).ids != order
                            for question, order in orders.items()), "another attempt sees another order")
        self.assertTrue(any(order != question.suggested_answer_ids.ids for question, order in orders.items()))
        # where the survey does not ask for it, the configured order stays
        self.certification.closure_shuffle_answers = False
        for question in questions:
            self.assertEqual(question._closure_answers_in_order(user_input).ids, question.suggested_answer_ids.ids)

    def test_the_page_shows_the_shuffled_order(self):
        """The question template renders the attempt's order, in English and Chinese."""
        question = self._choice_questions(self.certification)[0]
        user_input = self.certification._create_answer(user=self.env.user)
        for lang in ('en_US', 'zh_CN'):
            q = question.with_context(lang=lang)
            html = str(self.env['ir.qweb'].with_context(lang=lang)._render('survey.question_simple_choice', {
                'question': q, 'answer': user_input, 'answer_lines': user_input.user_input_line_ids,
                'survey': self.certification, 'scoring_display_correction': False,
            }))
            shown = [html.index(str(escape(answer.value)))
                     for answer in q._closure_answers_in_order(user_input)]
            self.assertEqual(shown, sorted(shown), lang)

    def test_a_gate_needs_a_certification_asking_about_its_action(self):
        """A plan cannot turn on a gate whose certification asks nothing about
        the action it guards (a certification whose questions name their gates)."""
        plan = self.env['closure.plan'].create({'name': 'Gated', 'decision_date': '2026-06-01'})
        plan.write({'training_gate_send_wave': True, 'training_gate_own_tier_a': True,
                    'training_gate_confirm_handover': True})
        self.assertEqual(plan.training_certification_id, self.certification)
        wave_only = self.env['survey.survey'].create({
            'title': 'Wave only', 'certification': True, 'scoring_type': 'scoring_with_answers',
            'question_and_page_ids': [(0, 0, {
                'title': 'During the declaration period?', 'question_type': 'simple_choice',
                'closure_gate': 'send_wave',
                'suggested_answer_ids': [(0, 0, {'value': 'Register', 'is_correct': True, 'answer_score': 1}),
                                         (0, 0, {'value': 'Pay'})]})]})
        with self.assertRaisesRegex(ValidationError, 'asks nothing about Own A-tier cases, Confirm hand-overs'), \
                self.env.cr.savepoint():
            plan.training_certification_id = wave_only
        plan.write({'training_gate_own_tier_a': False, 'training_gate_confirm_handover': False})
        plan.training_certification_id = wave_only
        with self.assertRaisesRegex(ValidationError, '没有任何关于负责A类客户的题目'), self.env.cr.savepoint():
            plan.with_context(lang='zh_CN').training_gate_own_tier_a = True
        # a certification of another kind (no gates named) is the plan's choice
        plan.training_certification_id = self.trainer_certification
        plan.training_gate_own_tier_a = True


@tagged('post_install', '-at_install')
class TestCertificationWithoutPdf(TrainingCommon):
    """A fresh machine without wkhtmltopdf: passing the certification still
    counts (the gates open), the page says the certificate follows by email,
    and the certificate is mailed once PDFs can be rendered."""

    def _pass_certification(self, user):
        user_input = self.certification.sudo()._create_answer(user=user)
        for question in self.certification.question_ids.filtered(lambda q: q.question_type == 'simple_choice'):
            user_input._save_lines(question, question.suggested_answer_ids.filtered('is_correct')[:1].id)
        # force_report_rendering: render the certificate as outside tests (a PDF, not HTML)
        user_input.with_context(force_report_rendering=True)._mark_done()
        return user_input

    def _certificate_mails(self, user_input):
        return self.env['mail.mail'].sudo().search(
            [('model', '=', 'survey.user_input'), ('res_id', '=', user_input.id)])

    def test_certification_completes_without_wkhtmltopdf(self):
        trainee = self._create_staff(1, prefix='nopdf')
        self.assertFalse(self.plan._training_certified_partner_ids(trainee.partner_id)[self.plan.id])
        Report = type(self.env['ir.actions.report'])
        with patch.object(Report, 'get_wkhtmltopdf_state', return_value='install'):
            user_input = self._pass_certification(trainee)
        self.assertRecordValues(user_input, [{
            'state': 'done', 'scoring_success': True, 'scoring_percentage': 100.0,
            'closure_certificate_pending': True}])
        self.assertFalse(self._certificate_mails(user_input), "no mail without its certificate")
        # the gates see the passed certification at once
        self.assertEqual(self.plan._training_certified_partner_ids(trainee.partner_id)[self.plan.id],
                         {trainee.partner_id.id})
        # the page says the certificate follows, instead of a download that would fail
        page = str(self.env['ir.qweb']._render('survey.survey_fill_form_done', {
            'survey': self.certification, 'answer': user_input}))
        self.assertIn('Your certificate will follow by email', page)
        self.assertNotIn('/get_certification', page)
        # still no PDF rendering: the cron waits
        with patch.object(Report, 'get_wkhtmltopdf_state', return_value='install'):
            self.env['survey.user_input']._cron_closure_send_pending_certificates()
        self.assertTrue(user_input.closure_certificate_pending)
        # wkhtmltopdf installed: the cron mails the certificate, attached
        with patch.object(Report, 'get_wkhtmltopdf_state', return_value='ok'):
            self.env['survey.user_input']._cron_closure_send_pending_certificates()
        self.assertFalse(user_input.closure_certificate_pending)
        mail = self._certificate_mails(user_input)
        self.assertEqual(len(mail), 1)
        self.assertTrue(mail.attachment_ids, "the certificate is attached")
        self.assertIn(trainee.email, ' '.join([mail.email_to or ''] + mail.recipient_ids.mapped('email')))

    def test_with_pdf_rendering_nothing_waits(self):
        trainee = self._create_staff(1, prefix='withpdf')
        with patch.object(type(self.env['ir.actions.report']), 'get_wkhtmltopdf_state', return_value='ok'), \
                patch.object(type(self.env['ir.actions.report']), '_render_qweb_pdf',
                             return_value=(b'%PDF-1.4 certificate', 'pdf')):
            user_input = self._pass_certification(trainee)
        self.assertFalse(user_input.closure_certificate_pending)
        self.assertEqual(len(self._certificate_mails(user_input)), 1)
        page = str(self.env['ir.qweb']._render('survey.survey_fill_form_done', {
            'survey': self.certification, 'answer': user_input}))
        self.assertIn('/get_certification', page)
        self.assertNotIn('Your certificate will follow by email', page)
