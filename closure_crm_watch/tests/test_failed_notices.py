from odoo.tests import tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestWatchFailedNotices(NoticeCommon):
    """The watch names the customers whose notice failed for good: their
    claim period has not started."""

    def test_the_watch_names_the_notices_failed_for_good(self):
        self._notice_cases(1, prefix='Reached', tier='c')
        unreachable = self._notice_cases(2, prefix='Unreachable', tier='c')
        unreachable.partner_id.write({'email': 'not an address'})
        wave = self._new_wave()
        with self.mock_mail_gateway():
            wave.action_send()
        self.assertEqual(wave.invalid_count, 2)
        warnings = self.plan._closure_watch_warnings()[self.plan.id]
        self.assertIn('notice_failed_2', warnings)
        self.assertIn('2 customers have not received their notice', warnings['notice_failed_2'])
