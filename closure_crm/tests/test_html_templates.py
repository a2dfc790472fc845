from unittest.mock import patch

from odoo.tests import tagged

from .notice_common import NoticeCommon

SCRIPT = '<script>alert(1)</script>'


@tagged('post_install', '-at_install')
class TestHtmlTemplates(NoticeCommon):
    """The HTML the add-on computes (a case's reply playbook; a plan's deadline
    warnings in test_deadline_watch; closure_crm_privilege: the privileges of
    the notice) is rendered from QWeb
    templates: names and texts people type are shown as text, never as
    markup, in English and in Chinese."""

    def assertEscaped(self, html, *values):
        html = str(html)
        for value in values:
            self.assertNotIn(value, html)
            self.assertIn(value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'), html)

    def _playbook(self, case, mood, lang):
        case.closure_reply_mood = mood
        return self.env['closure.phrase'].with_context(lang=lang)._reply_playbook(case.with_context(lang=lang))

    def test_reply_playbook_escapes_the_case_facts(self):
        case = self._notice_cases(1, prefix='Playbook', tier='b')
        self.rep_1.name = f'<b>Rep</b> {SCRIPT}'
        self.plan.notice_export_url = f'https://export.example.com/{SCRIPT}'
        playbook = self._playbook(case, 'anxious', 'en_US')
        self.assertEscaped(playbook, '<b>Rep</b>', SCRIPT)
        self.assertIn('<li><strong>What happens:</strong> The service ends on', playbook)
        self.assertIn('Anxious: build security.', case.with_context(lang='en_US').closure_playbook)
        playbook = self._playbook(case, 'anxious', 'zh_CN')
        self.assertEscaped(playbook, '<b>Rep</b>', SCRIPT)
        self.assertIn('<strong>焦虑：建立安全感。告诉客户会发生什么、何时发生、由谁提供帮助。</strong>', playbook)
        self.assertIn('<strong>会发生什么:</strong>', playbook)
        self.assertIn('<strong>客户数据:</strong>', playbook)

    def test_receivers_side_by_side_are_escaped(self):
        case = self._notice_cases(1, prefix='Rights', tier='b')
        receiver = self.env['res.partner'].create({
            'name': '<b>Receiver</b> Ltd', 'is_company': True,
            'closure_offer_price': f'{SCRIPT} 99 a month', 'closure_offer_duration': '12 months'})
        Phrase = type(self.env['closure.phrase'])
        with patch.object(Phrase, '_offered_receivers', lambda self, lead: receiver):
            for lang, heading, label in (('en_US', 'The receivers offered, side by side:', 'Price or fee'),
                                         ('zh_CN', '推荐的接收方并列对比：', '价格或费用')):
                playbook = self._playbook(case, 'rights', lang)
                self.assertEscaped(playbook, '<b>Receiver</b>', SCRIPT)
                self.assertIn(f'<strong>{heading}</strong>', playbook)
                self.assertIn(f'<th>{label}</th>', playbook)
                self.assertIn('<td>-</td>', playbook, "a term the receiver has not given")
        playbook = self._playbook(case, 'rights', 'zh_CN')
        self.assertIn('<th>方案</th>', playbook)
        self.assertNotIn('推荐的接收方', playbook, "no receiver with terms: no side-by-side table")
        self.assertIn('<p>中性：回答问题并确认下一步。</p>', self._playbook(case, 'neutral', 'zh_CN'))
        self.assertIn('<strong>Angry: solve the problem first.</strong>', self._playbook(case, 'angry', 'en_US'))
