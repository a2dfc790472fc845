from odoo.tests import tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon

SCRIPT = '<script>alert(1)</script>'


@tagged('post_install', '-at_install')
class TestPrivilegeNoticeHtml(NoticeCommon):
    """The privileges paragraph of a tier A or B notice is rendered from a
    QWeb template: the terms the plan's manager typed are shown as text,
    never as markup, in English and in Chinese."""

    def assertEscaped(self, html, *values):
        html = str(html)
        for value in values:
            self.assertNotIn(value, html)
            self.assertIn(value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'), html)

    def test_privilege_notice_escapes_the_terms(self):
        case = self._notice_cases(1, prefix='Valued', tier='a')
        self.plan.privilege_priority_terms = f'{SCRIPT} First access to the <b>next</b> offer.'
        self.plan.with_user(self.manager)._closure_approve_offer('priority')
        self.env['closure.privilege'].with_user(self.manager).create({'lead_id': case.id, 'kind': 'priority'})
        notice = case.with_context(lang='en_US').closure_privilege_notice
        self.assertEscaped(notice, SCRIPT, '<b>next</b>')
        self.assertIn('<p><strong>What we offer you, as a valued customer</strong></p>', notice)
        self.assertIn('<li><strong>Priority Rights</strong>: ', notice)
        self.assertIn('You can say no, and change your mind later.', notice)
        notice = case.with_context(lang='zh_CN').closure_privilege_notice
        self.assertEscaped(notice, SCRIPT, '<b>next</b>')
        self.assertIn('<p><strong>作为我们珍视的客户，我们为您提供</strong></p>', notice)
        self.assertIn('<li><strong>优先权益</strong>: ', notice)
        self.assertIn('只有在您同意后才生效', notice)
        # the notice templates show it through closure_crm's hook field
        self.assertEqual(case.with_context(lang='zh_CN').closure_notice_offers, notice)
