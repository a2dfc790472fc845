from datetime import date, timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import fields
from odoo.tests import tagged

from odoo.addons.closure_crm.tests.common import ClosureCommon


@tagged('post_install', '-at_install')
class TestDeadlineWatch(ClosureCommon):
    """The daily check of a plan in progress: each warning gives the
    responsible manager one activity, once, and shows on the plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.action_start()
        # the liquidation group's formation is recorded on its planned day (else the watch asks for it)
        cls.env['closure.plan.fact'].create({
            'plan_id': cls.plan.id, 'fact_type': 'liquidation_formed', 'date': date(2026, 6, 16),
            'leader_name': 'Li Ming', 'creditor_contact': 'liquidation@example.com',
            'evidence_url': 'https://www.gsxt.gov.cn/formed'})
        # decided 2026-06-01: formed 06-16, creditor notices by 06-26, announcement by 08-15,
        # service end 07-26, export by 08-25, erasure 09-24
        partners = cls._create_customers(3, prefix='Watched')
        cls.creditor, cls.notified, cls.b2c = cls._create_cases(partners)
        cls.notified.closure_notified_date = date(2026, 6, 20)
        cls.env['closure.obligation'].create([
            {'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card', 'amount': 100}
            for case in (cls.creditor, cls.notified, cls.b2c)])

    def _run_cron(self, today):
        with patch.object(fields.Date, 'context_today', lambda *args, **kwargs: today):
            self.env['closure.plan']._cron_watch_deadlines()

    def _activities(self):
        return self.env['mail.activity'].search([('res_model', '=', 'closure.plan'), ('res_id', '=', self.plan.id)])

    def test_creditor_notice_warnings_fire_once(self):
        warnings = self.plan._closure_watch_warnings(today=date(2026, 6, 23))
        self.assertIn('notice_soon', warnings[self.plan.id])
        self.assertIn('Watched 0', warnings[self.plan.id]['notice_soon'])
        self.assertNotIn('Watched 1', warnings[self.plan.id]['notice_soon'], "notified already")
        self.assertNotIn('notice_soon', self.plan._closure_watch_warnings(today=date(2026, 6, 20))[self.plan.id])
        self._run_cron(date(2026, 6, 23))
        self._run_cron(date(2026, 6, 24))
        soon = self._activities()
        self.assertEqual(len(soon), 1)
        self.assertEqual(soon.user_id, self.manager)
        self.assertIn('is near', soon.note)
        # after the deadline: a new warning, listing them, once
        self._run_cron(date(2026, 6, 27))
        self._run_cron(date(2026, 6, 28))
        late = (self._activities() - soon).filtered(lambda a: 'creditor notice deadline' in a.note)
        self.assertEqual(len(late), 1)
        self.assertIn('has passed', late.note)
        self.assertIn('Watched 0', late.note)

    def test_each_warning_kind_once(self):
        today = date(2026, 8, 20)
        keys = set(self.plan._closure_watch_warnings(today=today)[self.plan.id])
        # notice deadline passed, no announcement recorded, export deadline near,
        # prepaid B2C customers told too late
        self.assertTrue({'notice_late', 'announcement', 'export', 'prepaid_notice'} <= keys, keys)
        self._run_cron(today)
        first = self._activities()
        self.assertEqual(len(first), len(keys))
        self._run_cron(today)
        self._run_cron(today + timedelta(days=1))
        self.assertEqual(self._activities(), first, "no duplicate on the next runs")
        # the banner shows them on the plan
        self.assertIn('public announcement', self.plan.with_context(lang='en_US').watch_warning_html or '')
        # recording the announcement with its evidence (a recorded fact) ends that warning
        self.env['closure.plan.fact'].with_user(self.manager).create({
            'plan_id': self.plan.id, 'fact_type': 'announcement_published', 'date': date(2026, 8, 10),
            'published_in': 'gsxt', 'evidence_url': 'https://www.gsxt.gov.cn/example'})
        self.assertEqual(self.plan.announcement_date, date(2026, 8, 10))
        self.assertNotIn('announcement', self.plan._closure_watch_warnings(today=today)[self.plan.id])

    def test_a_conflict_does_not_lose_the_day(self):
        """Another job writing the plan at the same moment (the books load)
        makes the watch's write fail: nothing of it is kept, and the watch
        runs again a minute later instead of the next day."""
        today = date(2026, 8, 20)
        cron = self.env.ref('closure_crm_watch.ir_cron_closure_watch_deadlines')
        Plan = type(self.env['closure.plan'])
        watch = Plan._closure_watch_deadlines

        def conflicting(plans):
            watch(plans)
            raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")
        before = self.env['ir.cron.trigger'].search([('cron_id', '=', cron.id)])
        with patch.object(Plan, '_closure_watch_deadlines', conflicting):
            self._run_cron(today)
        self.assertFalse(self._activities(), "nothing of the failed run is kept")
        self.assertFalse(self.plan.watch_warning_keys)
        retry = self.env['ir.cron.trigger'].search([('cron_id', '=', cron.id)]) - before
        self.assertEqual(len(retry), 1, "the watch runs again soon")
        self.assertLessEqual(retry.call_at, fields.Datetime.now() + timedelta(minutes=2))
        self._run_cron(today)
        self.assertTrue(self._activities())
        self.assertTrue(self.plan.watch_warning_keys)

    def test_unrecorded_formation_is_warned(self):
        plan = self.env['closure.plan'].create({
            'name': 'Unformed', 'decision_date': date(2026, 6, 1), 'user_id': self.manager.id})
        plan.action_start()
        self.assertNotIn('formation', plan._closure_watch_warnings(today=date(2026, 6, 15))[plan.id])
        self.assertIn('formation', plan._closure_watch_warnings(today=date(2026, 6, 16))[plan.id])

    def test_warnings_show_customer_names_as_text(self):
        """The banner is rendered from a QWeb template (closure_crm_watch.plan_watch_warnings):
        a customer's name is shown as text, in English and in Chinese."""
        self.env['res.lang']._activate_lang('zh_CN')
        case = self._create_cases(self._create_customers(1, prefix='<b>Watched</b> <script>alert(1)</script>'))
        self.env['closure.obligation'].create({'lead_id': case.id, 'obligation_type': 'prepaid', 'name': 'Card',
                                               'amount': 100})
        with patch.object(fields.Date, 'context_today', lambda *args, **kwargs: date(2026, 6, 23)):
            for lang, sentence in (('en_US', 'is near'), ('zh_CN', '位已知债权人尚未收到通知')):
                self.plan.invalidate_recordset(['watch_warning_html'])
                html = str(self.plan.with_context(lang=lang).watch_warning_html).strip()
                self.assertTrue(html.startswith('<ul class="mb-0"><li>'), html)
                self.assertIn(sentence, html)
                self.assertNotIn('<b>Watched</b>', html)
                self.assertNotIn('<script>', html)
                self.assertIn('&lt;b&gt;Watched&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; 0', html)

    def test_erasure_and_refunds_due(self):
        obligation = self.creditor.closure_obligation_ids
        obligation.write({'claim_declared_date': date(2026, 7, 1), 'claim_channel': 'phone'})
        due = obligation.refund_due_date
        warnings = self.plan._closure_watch_warnings(today=due)[self.plan.id]
        self.assertIn(f'refunds_due:{due}', warnings)
        warnings = self.plan._closure_watch_warnings(today=self.plan.data_erasure_date - timedelta(days=3))[
            self.plan.id
        ]
        self.assertIn('erasure', warnings)
        self._run_cron(due)
        self._run_cron(due)
        self.assertEqual(len(self._activities().filtered(lambda a: 'refunds come due' in a.note)), 1)

    def test_warnings_are_set_based(self):
        """The same number of queries for one plan or for three."""
        def count(plans):
            plans.invalidate_model()
            before = self.env.cr.sql_log_count
            plans._closure_watch_warnings(today=date(2026, 8, 20))
            return self.env.cr.sql_log_count - before
        others = self.env['closure.plan'].create([
            {'name': f'Other {index}', 'decision_date': date(2026, 6, 1), 'user_id': self.manager.id}
            for index in range(2)])
        others.action_start()
        for plan in others:
            self._create_cases(self._create_customers(2, prefix=plan.name), plan=plan)
        self.env.flush_all()
        self.assertEqual(count(self.plan | others), count(self.plan))

    def test_plans_not_in_progress_are_not_watched(self):
        self.plan.action_close()
        self._run_cron(date(2026, 8, 20))
        self.assertFalse(self._activities())

    def test_simplified_procedure_uses_its_own_period(self):
        plan = self.env['closure.plan'].create({
            'name': 'Simple', 'plan_type': 'simplified', 'decision_date': date(2026, 6, 1)})
        self.assertEqual(plan.announcement_days, 60, "the standard setting is left as it is")
        self.assertEqual(plan.claims_deadline, date(2026, 6, 21), "20 days, not 60")
        plan.simplified_announcement_days = 45
        self.assertEqual(plan.claims_deadline, date(2026, 7, 16))
