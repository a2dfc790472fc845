from odoo.tests import tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestNewsList(NoticeCommon):
    """Where Email Marketing is installed, the customers who want news after
    the closure are kept in the plan's mailing list, both ways."""

    def test_news_list_kept_in_step_with_the_opt_ins(self):
        cases = self._notice_cases(3, prefix='Letters', tier='c')
        cases[:2].write({'closure_news_opt_in': True})
        news_list = self.plan.news_list_id
        self.assertTrue(news_list)
        subscriptions = news_list.subscription_ids
        self.assertEqual(sorted(subscriptions.contact_id.mapped('email')), sorted(cases[:2].partner_id.mapped('email')))
        self.assertFalse(any(subscriptions.mapped('opt_out')))
        # taking it back on the page opts them out of the list
        cases[0].closure_news_opt_in = False
        self.assertTrue(subscriptions.filtered(lambda s: s.contact_id.email == cases[0].partner_id.email).opt_out)
        # an opt-out through a mailing's unsubscribe link is honoured on the case
        other = subscriptions.filtered(lambda s: s.contact_id.email == cases[1].partner_id.email)
        other.opt_out = True
        self.plan._closure_sync_news_list()
        self.assertFalse(cases[1].closure_news_opt_in)
        # opting in again on the page lifts the list's opt-out
        cases[1].closure_news_opt_in = True
        self.assertFalse(other.opt_out)
        self.assertEqual(len(news_list.subscription_ids), 2, "one contact per customer, no duplicates")

    def test_the_plan_manager_opens_the_list(self):
        """The plan's Want News opens its mailing list for the plan's manager,
        who needs no Email Marketing rights; a deleted list is made again."""
        cases = self._notice_cases(2, prefix='Readers', tier='c')
        cases[0].closure_news_opt_in = True
        self.assertFalse(self.manager.has_group('mass_mailing.group_mass_mailing_user'))
        action = self.plan.with_user(self.manager).action_closure_view_news()
        self.assertEqual(action['res_model'], 'mailing.list')
        self.assertEqual(action['res_id'], self.plan.news_list_id.id)
        self.assertEqual(self.plan.news_list_id.subscription_ids.contact_id.email, cases[0].partner_id.email)
        self.plan.news_list_id.unlink()
        self.assertFalse(self.plan.news_list_id)
        action = self.plan.with_user(self.manager).action_closure_view_news()
        self.assertTrue(self.plan.news_list_id)
        self.assertEqual(action['res_id'], self.plan.news_list_id.id)
        self.assertEqual(self.plan.news_list_id.subscription_ids.contact_id.email, cases[0].partner_id.email)
