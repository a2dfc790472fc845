from odoo.tests import tagged

from .notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestNewsOptIn(NoticeCommon):
    """The customers who want news after the closure."""

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
