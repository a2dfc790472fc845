import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

# a correct answer that says when a refund is paid: "within 15 days", "is due by 20 May", "15日内"
REFUND_WORDS = {'en_US': re.compile(r'\b(refund|repay|payment|paid)', re.I),
                'zh_CN': re.compile(r'退款|退还|支付|付款')}
TIME_PROMISE = {'en_US': re.compile(r'\bwithin \d+ days?\b|\bdue (on|by|within)\b|\bpaid (on|by|within)\b', re.I),
                'zh_CN': re.compile(r'\d+\s*(日|天)内|\d+月\d+日前')}
# the scenario says the company still trades: the 15-day rule of the prepaid rules applies
TRADING_STAGE = {'en_US': re.compile(r'has not been formed|not formed yet|still trading', re.I),
                 'zh_CN': re.compile(r'尚未成立')}

# reading speeds and answer time behind a lesson's stated duration: ~200 English words a minute,
# 300-400 Chinese characters a minute, a minute per quiz question
EN_WORDS_PER_MINUTE = 200
ZH_CHARS_PER_MINUTE = (300, 400)
MINUTES_PER_QUESTION = 1
MICRO_LESSON_MINUTES = 15


@tagged('post_install', '-at_install')
class TestTrainingContent(TransactionCase):
    """The shipped practice bank: large enough for daily practice, in both
    languages, and its right answers never say what the law forbids."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        cls.scenarios = cls.env['closure.training.scenario'].search([])
        cls.Phrase = cls.env['closure.phrase']
        cls.coach_taboo = cls.env['closure.training.coach.rule'].search([('rule_type', '=', 'taboo')])
        shipped = cls.env['ir.model.data'].search([('module', '=', 'closure_training'), ('model', '=', 'slide.slide')])
        cls.lessons = cls.env['slide.slide'].browse(shipped.mapped('res_id')).filtered(
            lambda slide: slide.slide_category == 'article')

    def _supported_minutes(self, lesson, lang, zh_speed=ZH_CHARS_PER_MINUTE[0]):
        """The minutes the content of ``lesson`` in ``lang`` fills: reading its
        body, answering its quiz, and attending its session if it has one."""
        text = html2plaintext(lesson.with_context(lang=lang).html_content or '')
        if lang == 'zh_CN':
            # characters, leaving out spaces and Latin letters (an untranslated paragraph counts for nothing)
            reading = len(re.findall(r'[^\sA-Za-z]', text)) / zh_speed
        else:
            reading = len(re.findall(r"[A-Za-z0-9][\w'’-]*", text)) / EN_WORDS_PER_MINUTE
        quiz = len(lesson.question_ids) * MINUTES_PER_QUESTION
        session = 0.0
        if lesson.closure_session_type:
            Session = self.env['closure.training.session']
            durations = Session.search([('slide_id', '=', lesson.id)]).mapped('duration')
            session = max(durations or [Session.default_get(['duration'])['duration']]) * 60
        return reading + quiz + session

    def _duration_problems(self, lessons):
        """Lessons whose stated time is not what their content fills, in
        English (200 words a minute) or Chinese (300 to 400 characters a
        minute): a minute or a quarter of the time either way is tolerated."""
        problems = []
        for lesson in lessons:
            stated = lesson.completion_time * 60
            tolerance = max(1.0, stated / 4)
            if lesson.closure_session_type:
                # attended: the session's planned length (sessions of the lesson, or the default)
                Session = self.env['closure.training.session']
                # (without a session planned yet, the default length bounds it from above only)
                durations = Session.search([('slide_id', '=', lesson.id)]).mapped('duration')
                default = Session.default_get(['duration'])['duration']
                reading = self._supported_minutes(lesson, 'en_US') - max(durations or [default]) * 60
                ranges = {'session': (min(durations) * 60 if durations else 0.0,
                                      max(durations or [default]) * 60 + reading)}
            elif lesson.slide_category == 'certification':
                questions = lesson.survey_id.question_ids.filtered(lambda q: not q.is_page)
                low = high = len(questions) * MINUTES_PER_QUESTION
                ranges = {'questions': (low, high)}
            else:
                en = self._supported_minutes(lesson, 'en_US')
                ranges = {'en_US': (en, en), 'zh_CN': (
                    self._supported_minutes(lesson, 'zh_CN', ZH_CHARS_PER_MINUTE[1]),
                    self._supported_minutes(lesson, 'zh_CN', ZH_CHARS_PER_MINUTE[0]))}
            for lang, (low, high) in ranges.items():
                if not low - tolerance <= stated <= high + tolerance:
                    problems.append(f'{lesson.name} [{lang}]: states {stated:.0f} min, its content fills '
                                    f'{low:.1f}-{high:.1f} min')
        return problems

    def _promises_refund_date(self, text, lang):
        return bool(REFUND_WORDS[lang].search(text) and TIME_PROMISE[lang].search(text))

    def _problems(self, scenario, lang):
        """What is wrong with the right answers of ``scenario`` in ``lang``."""
        scenario = scenario.with_context(lang=lang)
        texts = [scenario.model_answer] + scenario.option_ids.filtered('is_correct').mapped('name')
        trading = bool(TRADING_STAGE[lang].search(scenario.question))
        problems = []
        for text in texts:
            taboo = self.Phrase._find_taboo(text).mapped('name')
            taboo += [rule.name for rule in self.coach_taboo if rule._matches(text.lower())]
            if taboo:
                problems.append(f'{scenario.name} [{lang}]: taboo {taboo} in {text!r}')
            if self._promises_refund_date(text, lang) and not trading:
                problems.append(f'{scenario.name} [{lang}]: promises a refund date without saying the '
                                f'liquidation group is not formed yet: {text!r}')
        return problems

    def test_practice_bank_has_sixty_scenarios_with_options_and_feedback(self):
        self.assertGreaterEqual(len(self.scenarios), 60)
        choice = self.scenarios.filtered(lambda s: s.scenario_type == 'choice')
        self.assertGreaterEqual(len(choice), 50)
        for scenario in choice:
            self.assertGreaterEqual(len(scenario.option_ids), 2, scenario.name)
            self.assertTrue(scenario.option_ids.filtered('is_correct'), f'{scenario.name}: no right option')
            self.assertTrue(scenario.option_ids.filtered(lambda o: not o.is_correct),
                            f'{scenario.name}: no wrong option')
            self.assertTrue(all(scenario.option_ids.mapped('explanation')),
                            f'{scenario.name}: an option lacks feedback')
        for scenario in self.scenarios:
            self.assertTrue(scenario.model_answer, scenario.name)

    def test_practice_bank_is_in_chinese(self):
        for scenario in self.scenarios:
            zh = scenario.with_context(lang='zh_CN')
            for fname in ('name', 'question', 'model_answer'):
                self.assertNotEqual(zh[fname], scenario[fname], f'{scenario.name}: {fname} has no Chinese')
                self.assertRegex(zh[fname], r'[\u4e00-\u9fff]', f'{scenario.name}: {fname}')
            for option in scenario.option_ids:
                zh_option = option.with_context(lang='zh_CN')
                self.assertRegex(zh_option.name, r'[\u4e00-\u9fff]', f'{scenario.name}: option {option.name}')
                self.assertRegex(zh_option.explanation, r'[\u4e00-\u9fff]', f'{scenario.name}: {option.explanation}')

    def test_right_answers_hold_no_taboo_and_no_forbidden_refund_date(self):
        problems = [problem for scenario in self.scenarios for lang in ('en_US', 'zh_CN')
                    for problem in self._problems(scenario, lang)]
        self.assertFalse(problems, '\n'.join(problems))

    def test_the_checks_catch_a_forbidden_answer(self):
        """The rules are not vacuous: a right answer promising a refund date
        during the claims period, or holding a taboo phrase, is reported."""
        scenario = self.env.ref('closure_training.scenario_claims_period_refund')
        right = scenario.option_ids.filtered('is_correct')
        right.name = "I register your refund; it is paid within 15 days."
        self.assertIn('promises a refund date', ' '.join(self._problems(scenario, 'en_US')))
        right.with_context(lang='zh_CN').name = "退款15日内支付。"
        self.assertIn('promises a refund date', ' '.join(self._problems(scenario, 'zh_CN')))
        scenario.model_answer = "Sorry, the company is bankrupt."
        self.assertIn('bankrupt', ' '.join(self._problems(scenario, 'en_US')))
        # wrong options may show what not to say
        self.assertFalse(self._problems(self.env.ref('closure_training.scenario_is_bankrupt'), 'en_US'))

    def test_lessons_state_the_time_their_content_fills(self):
        """Every shipped lesson, in English and in Chinese, states the time its
        content fills: reading, one minute per quiz question, the session it
        is attended in; a certification a minute per question."""
        self.assertGreaterEqual(len(self.lessons), 30)
        shipped = self.env['ir.model.data'].search([('module', '=', 'closure_training'), ('model', '=', 'slide.slide')])
        certifications = self.env['slide.slide'].browse(shipped.mapped('res_id')).filtered(
            lambda slide: slide.slide_category == 'certification')
        problems = self._duration_problems(self.lessons | certifications)
        self.assertFalse(problems, '\n'.join(problems))

    def test_micro_lessons_fill_fifteen_minutes_in_both_languages(self):
        """The micro-lesson layer offers 15-minute lessons, and each really
        fills 15 minutes, in English and in Chinese."""
        course = self.env.ref('closure_training.course_micro')
        micro = course.slide_ids.filtered(
            lambda s: s.is_published and s.slide_category == 'article' and not s.closure_session_type)
        self.assertGreaterEqual(len(micro), 2)
        track = self.env.ref('closure_training.track_layer_micro')
        self.assertIn(course, track.course_ids)
        for lesson in micro:
            self.assertAlmostEqual(lesson.completion_time * 60, MICRO_LESSON_MINUTES, delta=0.1, msg=lesson.name)
            en = self._supported_minutes(lesson, 'en_US')
            zh_fast = self._supported_minutes(lesson, 'zh_CN', ZH_CHARS_PER_MINUTE[1])
            zh_slow = self._supported_minutes(lesson, 'zh_CN', ZH_CHARS_PER_MINUTE[0])
            self.assertLessEqual(abs(en - MICRO_LESSON_MINUTES), 1.5, f'{lesson.name}: {en:.1f} min in English')
            self.assertTrue(zh_fast - 1.5 <= MICRO_LESSON_MINUTES <= zh_slow + 1.5,
                            f'{lesson.name}: {zh_fast:.1f}-{zh_slow:.1f} min in Chinese')
            self.assertTrue(lesson.with_context(lang='zh_CN').name != lesson.name)

    def test_the_duration_check_catches_a_wrong_stated_time(self):
        """The check is not vacuous: a short lesson stating 15 minutes, a long
        one stating 1, or a Chinese body left untranslated, is reported."""
        lesson = self.env.ref('closure_training.slide_emotion_anxious')
        self.assertFalse(self._duration_problems(lesson))
        lesson.completion_time = 0.25
        self.assertEqual(len(self._duration_problems(lesson)), 2)
        long_lesson = self.env.ref('closure_training.slide_micro_money_data')
        self.assertFalse(self._duration_problems(long_lesson))
        long_lesson.completion_time = 1 / 60
        self.assertEqual(len(self._duration_problems(long_lesson)), 2)
        long_lesson.completion_time = 0.25
        long_lesson.with_context(lang='zh_CN').html_content = long_lesson.html_content
        self.assertEqual(len(self._duration_problems(long_lesson)), 1, "untranslated: Chinese fills nothing")
        # a session lesson is credited with its session's time
        roleplay = self.env.ref('closure_training.slide_workshop_roleplay')
        self.assertGreaterEqual(self._supported_minutes(roleplay, 'en_US'), 90)
        self.assertFalse(self._duration_problems(roleplay))
