from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import TrainingCommon

DAY = date(2026, 6, 10)


@tagged('post_install', '-at_install')
class TestDailyPractice(TrainingCommon, MailCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        cls.rep_2.lang = 'zh_CN'
        # only this test's plan is running (the database may hold demo plans)
        cls.env['closure.plan'].search([('state', '=', 'in_progress')]).action_close()
        cls.plan.action_start()
        cls._add_to_team(cls.rep_1 | cls.rep_2)
        cls.Practice = cls.env['closure.training.practice']
        cls.scenarios = cls.env['closure.training.scenario'].search([])

    def _send(self, day=DAY, **kwargs):
        with freeze_time(day), self.mock_mail_gateway():
            self.Practice._cron_send_daily_questions(**kwargs)
        return self.Practice.search([('date', '=', day)])

    def _notifications(self, user, day=DAY):
        return self.env['mail.message'].search([
            ('model', '=', 'closure.training.practice'), ('message_type', '=', 'user_notification'),
            ('partner_ids', 'in', user.partner_id.ids),
            ('res_id', 'in', self.Practice.search([('user_id', '=', user.id), ('date', '=', day)]).ids)])

    def test_one_question_per_user_per_day_in_their_language(self):
        practices = self._send()
        self.assertEqual(practices.user_id, self.manager | self.rep_1 | self.rep_2)
        # the first scenario of the bank for everyone on their first day
        self.assertEqual(practices.scenario_id, self.scenarios[0])

        english = self._notifications(self.rep_1)
        self.assertEqual(len(english), 1)
        self.assertEqual(english.author_id, self.env.ref('base.partner_root'), "sent by OdooBot")
        self.assertIn(self.scenarios[0].with_context(lang='en_US').question, str(english.body))

        chinese = self._notifications(self.rep_2)
        self.assertEqual(len(chinese), 1)
        question_zh = self.scenarios[0].with_context(lang='zh_CN').question
        self.assertNotEqual(question_zh, self.scenarios[0].with_context(lang='en_US').question)
        self.assertIn(question_zh, str(chinese.body))
        self.assertIn('今日练习', chinese.subject)
        self.assertIn('立即作答', str(chinese.body))

        # the job runs again the same day (a retry, a second worker): nothing more
        again = self._send()
        self.assertEqual(again, practices)
        self.assertEqual(len(self._notifications(self.rep_1)), 1)
        self.assertEqual(len(self._notifications(self.rep_2)), 1)

    def test_row_taken_by_another_worker_is_not_sent_twice(self):
        # another worker already inserted rep 1's row of the day (and notified them)
        self.Practice.create({'user_id': self.rep_1.id, 'date': DAY, 'scenario_id': self.scenarios[3].id})
        practices = self._send()
        self.assertEqual(len(practices.filtered(lambda p: p.user_id == self.rep_1)), 1)
        self.assertFalse(self._notifications(self.rep_1), "this run sent nothing to rep 1")
        self.assertEqual(len(self._notifications(self.rep_2)), 1)

    def test_batches_and_rotation(self):
        first = self._send(batch_size=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(len(self._send(batch_size=2)), 3, "the next batch serves the last one")
        next_day = self._send(day=DAY + timedelta(days=1))
        self.assertEqual(next_day.scenario_id, self.scenarios[1], "the next scenario of the bank, in turn")

    def test_job_reports_progress_and_comes_back_while_people_remain(self):
        """Each call of the job says how many it served and how many are left,
        and wakes the job up again at once while someone is left."""
        job = self.env.ref('closure_training.ir_cron_closure_training_daily_question')
        Trigger = self.env['ir.cron.trigger'].sudo()
        progress = []
        for expected, comes_back in (((2, 1), True), ((1, 0), False), ((0, 0), False)):
            triggers = Trigger.search_count([('cron_id', '=', job.id)])
            progress.clear()
            with patch.object(type(self.env['ir.cron']), '_notify_progress',
                              lambda cron, done, remaining, deactivate=False: progress.append((done, remaining))):
                self._send(batch_size=2)
            self.assertEqual(progress, [expected])
            self.assertEqual(Trigger.search_count([('cron_id', '=', job.id)]) > triggers, comes_back)

    def test_closed_plan_gets_no_questions(self):
        self.plan.action_close()
        self.assertFalse(self._send())

    def test_answer_streak_and_karma(self):
        practice = self._send().filtered(lambda p: p.user_id == self.rep_1)
        self.assertEqual(practice.scenario_id.scenario_type, 'choice')
        karma = self.rep_1.karma
        action = practice.with_user(self.rep_1).action_answer()
        with freeze_time(DAY):
            form = Form(self.env[action['res_model']].with_user(self.rep_1).with_context(**action['context']))
            form.option_id = practice.scenario_id.option_ids.filtered('is_correct')
            form.save().action_submit()
        self.assertEqual(practice.state, 'answered')
        self.assertTrue(practice.is_correct)
        self.assertEqual(practice.streak, 1)
        self.assertEqual(self.rep_1.karma, karma + practice.scenario_id.karma)
        with self.assertRaisesRegex(UserError, 'already answered'):
            practice.with_user(self.rep_1)._submit_answer(option=practice.option_id)

        # the next day's answer continues the streak; a wrong answer still counts for practice
        second = self._send(day=DAY + timedelta(days=1)).filtered(lambda p: p.user_id == self.rep_1)
        wrong = second.scenario_id.option_ids.filtered(lambda o: not o.is_correct)[:1]
        second.with_user(self.rep_1)._submit_answer(option=wrong)
        self.assertFalse(second.is_correct)
        self.assertEqual(second.streak, 2)
        self.assertEqual(self.rep_1.karma, karma + practice.scenario_id.karma + 1)
        with freeze_time(DAY + timedelta(days=1)):
            self.assertEqual(self._participant(self.rep_1).practice_streak, 2)

    def test_fifth_day_in_a_row_earns_a_bonus(self):
        scenario = self.scenarios.filtered(lambda s: s.scenario_type == 'choice')[0]
        for offset in range(4, 0, -1):
            self.Practice.create({'user_id': self.rep_1.id, 'date': DAY - timedelta(days=offset),
                                  'scenario_id': scenario.id, 'state': 'answered', 'streak': 5 - offset})
        practice = self._send().filtered(lambda p: p.user_id == self.rep_1)
        practice.scenario_id = scenario
        karma = self.rep_1.karma
        option = practice.scenario_id.option_ids.filtered('is_correct')
        practice.with_user(self.rep_1)._submit_answer(option=option)
        self.assertEqual(practice.streak, 5)
        self.assertEqual(self.rep_1.karma, karma + practice.scenario_id.karma + 10)

    def test_open_answer_is_coached(self):
        practice = self._send().filtered(lambda p: p.user_id == self.rep_2)
        open_scenario = self.scenarios.filtered(lambda s: s.scenario_type == 'open')[0]
        practice.scenario_id = open_scenario
        practice.with_user(self.rep_2).with_context(lang='zh_CN')._submit_answer(
            text='公司倒闭了，我们也没办法。')
        self.assertFalse(practice.is_correct)
        self.assertIn('倒闭', practice.taboo_phrases)
        self.assertFalse(practice.has_empathy)
        self.assertIn('缺少', str(practice.feedback), "the coach explains in the trainee's language")
        self.assertEqual(practice.karma_awarded, 1)

    def test_nobody_answers_for_someone_else(self):
        practice = self._send().filtered(lambda p: p.user_id == self.rep_1)
        with self.assertRaises(AccessError):
            practice.with_user(self.rep_2)._submit_answer(option=practice.scenario_id.option_ids[0])
        self.assertEqual(practice.state, 'sent')

    def test_daily_job_query_count(self):
        """Choosing and inserting the day's rows is a fixed number of queries
        for a whole batch; what grows with the batch is the one notification
        per person that mail makes."""
        users = self.manager | self.rep_1 | self.rep_2
        plan_by_user = dict.fromkeys(users.ids, self.plan.id)
        self.env.invalidate_all()
        with freeze_time(DAY), self.assertQueryCount(__system__=2):  # rotation read_group + one INSERT
            practices = self.Practice._create_daily(plan_by_user, self.scenarios, DAY)
        self.assertEqual(practices.user_id, users)
        self.Practice.search([('date', '=', DAY)]).unlink()
        self.env.invalidate_all()
        # 100 + the batch protocol's constant part: the job's lookup, the savepoint (which flushes
        # the mails' pending writes inside the block rather than at the commit)
        with freeze_time(DAY), self.mock_mail_gateway(), self.assertQueryCount(__system__=108):
            self.Practice._cron_send_daily_questions()
