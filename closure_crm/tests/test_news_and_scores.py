from odoo.exceptions import AccessError
from odoo.tests import tagged

from .notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestNewsAndScores(NoticeCommon):
    """The customers who want news, and the case score, on constructed cases."""

    # ------------------------------------------------------------------
    # Case score
    # ------------------------------------------------------------------
    def test_score_on_constructed_cases_and_senior_rep(self):
        senior = self.manager
        self.plan.score_senior_user_id = senior
        strong, busy, quiet = (self._notice_cases(1, prefix=prefix, tier='b') for prefix in ('Strong', 'Busy', 'Quiet'))
        strong.closure_need_match = 100.0
        busy.closure_need_match = 50.0
        quiet.closure_need_match = 90.0
        for days_ago in (0, 1, 2, 3, 4):
            self._customer_says(strong, "A question.", days_ago=days_ago)
        for days_ago in (1, 2):
            self._customer_says(busy, "A question.", days_ago=days_ago)
        self._customer_says(busy, "An old question.", days_ago=10)
        handed = self.env['crm.lead']._closure_update_scores(self.plan)
        # 100 x 0.6 + min(100, 5 x 20) x 0.4 = 100; 50 x 0.6 + 2 x 20 x 0.4 = 46; 90 x 0.6 = 54
        self.assertRecordValues(strong | busy | quiet, [
            {'closure_score': 100, 'closure_interactions_7d': 5, 'user_id': senior.id},
            {'closure_score': 46, 'closure_interactions_7d': 2, 'user_id': self.rep_1.id},
            {'closure_score': 54, 'closure_interactions_7d': 0, 'user_id': self.rep_1.id},
        ])
        self.assertEqual(handed, strong)
        # the work is ordered by score
        ordered = self.env['crm.lead'].search([('id', 'in', (strong | busy | quiet).ids)], order='closure_score desc')
        self.assertEqual(ordered.ids, [strong.id, quiet.id, busy.id])
        # a rep cannot run the scoring that reassigns cases
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_closure_update_scores()

    # ------------------------------------------------------------------
    # News after the closure
    # ------------------------------------------------------------------
    def test_news_opt_ins_are_exportable(self):
        """Without Email Marketing (closure_crm_mass_mailing keeps a mailing
        list instead, tested there): the plan's Want News lists the cases."""
        if 'mailing.list' in self.env:
            self.skipTest("Email Marketing is installed here: Want News opens the plan's mailing list")
        cases = self._notice_cases(3, prefix='News', tier='c')
        cases[:2].write({'closure_news_opt_in': True})
        action = self.plan.action_closure_view_news()
        self.assertEqual(action['res_model'], 'crm.lead')
        self.assertEqual(self.env['crm.lead'].search(action['domain']), cases[:2])
        self.assertEqual(self.plan.news_opt_in_count, 2)
