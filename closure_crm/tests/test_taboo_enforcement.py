from contextlib import contextmanager

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestTabooEnforcement(NoticeCommon):
    """The handbook's taboo phrases are refused where the closure speaks to
    customers: the plan's neutral reason, closure mail templates, SMS texts
    and, at sending time, the notices as rendered. The error names the
    phrase and the wording to use instead."""

    @contextmanager
    def _refused(self, exception, regex):
        """The write is refused with ``regex`` in the message, and rolled back
        as the request's transaction would be."""
        with self.assertRaisesRegex(exception, regex), self.env.cr.savepoint():
            yield

    def test_reason_with_a_taboo_phrase_is_refused(self):
        reason = self.plan.reason
        with self._refused(ValidationError, r'"bankrupt".*Say instead'):
            self.plan.reason = 'We are bankrupt, sorry.'
        with self._refused(ValidationError, '停业'):
            self.plan.with_context(lang='zh_CN').reason = '由于公司停业，我们将结束这项服务。'
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.reason, reason)
        # a neutral reason passes, in both languages
        self.plan.reason = 'Because of a strategic adjustment we will end this service.'
        self.plan.with_context(lang='zh_CN').reason = '因战略调整，我们将结束这项服务。'

    def test_closure_template_with_a_taboo_phrase_is_refused(self):
        template = self.env.ref('closure_crm.mail_template_guide')
        body = template.body_html
        with self._refused(ValidationError, r'"shut down"'):
            template.body_html = '<p>Our company will shut down next month.</p>'
        with self._refused(ValidationError, '倒闭'):
            template.with_context(lang='zh_CN').subject = '公司倒闭通知'
        template.invalidate_recordset()
        self.assertEqual(template.body_html, body)
        with self.assertRaises(ValidationError):
            self.env['mail.template'].create({
                'name': 'New closure notice', 'model_id': self.env['ir.model']._get_id('crm.lead'),
                'closure_kind': 'notice', 'body_html': '<p>We went under.</p>'})
        # templates outside the closure are not ours to police
        self.env['mail.template'].create({
            'name': 'Sales pitch', 'model_id': self.env['ir.model']._get_id('crm.lead'),
            'body_html': '<p>Prices collapse this week!</p>'})

    def test_sms_text_with_a_taboo_phrase_is_refused(self):
        with self.assertRaisesRegex(ValidationError, 'out of business'):
            self._new_wave(sms_body='We are out of business: {{ object.closure_answer_url }}')

    def test_wave_refuses_a_rendered_notice_with_a_taboo_phrase(self):
        cases = self._notice_cases(2, prefix='Render')
        # the template is clean; what it renders for these cases is not
        template = self.env['mail.template'].create({
            'name': 'Closure: personal notice', 'model_id': self.env['ir.model']._get_id('crm.lead'),
            'closure_kind': 'guide', 'subject': 'About your service',
            'body_html': '<p>Dear customer, <t t-out="object.description or \'\'"/></p>'})
        cases.write({'description': 'Sadly the company collapsed.'})
        wave = self._new_wave(mail_template_id=template.id, stage_ids=[(6, 0, self.stage_to_notify.ids)])
        with self.assertRaisesRegex(UserError, r'taboo phrase "collapsed"'):
            wave.action_send()
        self.assertEqual(wave.state, 'draft')
        self.assertFalse(wave.recipient_ids)
        self.assertFalse(any(self._mails_of(cases).values()), "no notice queued")
        cases.write({'description': 'We have arranged an alternative for you.'})
        wave.action_send()
        self.assertEqual(wave.state, 'done')

    def test_shipped_templates_are_clean_in_both_languages(self):
        templates = self.env['mail.template'].search([('closure_kind', '!=', False)])
        self.assertGreaterEqual(len(templates), 10)
        templates._check_closure_taboo()
        for template in templates.with_context(lang='zh_CN'):
            self.assertNotIn('停业', template.body_html)
            self.assertNotIn('倒闭', template.body_html)

    def test_admins_edit_the_list(self):
        self.env['closure.phrase'].create({'name': 'game over', 'lang': 'en', 'kind': 'taboo',
                                           'suggestion': 'the service ends on a set date'})
        with self.assertRaisesRegex(ValidationError, 'the service ends on a set date'):
            self.plan.reason = 'It is game over for this service.'

    def test_the_sources_own_chinese_wording_is_on_the_lists(self):
        """业务停止 (the source's own taboo example), 停止服务 and 账户清零 are
        refused with a neutral suggestion; 优先合作权 and 行业顾问群 are promises
        allowed only when the plan offers them."""
        Phrase = self.env['closure.phrase']
        for phrase, suggestion in (('业务停止', '安排替代方案'), ('停止服务', '约定日期结束'),
                                   ('账户清零', '按比例退还')):
            with self._refused(ValidationError, f'{phrase}.*{suggestion}'):
                self.plan.with_context(lang='zh_CN').reason = f'由于{phrase}，我们将结束这项服务。'
        self.assertEqual(Phrase._find_taboo('我们的业务停止了').mapped('name'), ['业务停止'])
        found = Phrase._find_unapproved_promises('您将享有优先合作权，并受邀加入行业顾问群。', approved=set())
        self.assertEqual(sorted(found.mapped('kind')), ['promise_advisory', 'promise_priority'])
        self.assertFalse(Phrase._find_unapproved_promises('您将享有优先合作权，并受邀加入行业顾问群。',
                                                          approved={'priority', 'advisory'}))
        # English keeps its own wording
        self.assertEqual(sorted(Phrase._find_unapproved_promises(
            'You get priority rights and a seat in the advisory circle.', approved=set()).mapped('kind')),
            ['promise_advisory', 'promise_priority'])
        # the neutral suggestions hold no taboo phrase themselves
        for phrase in Phrase.search([('kind', '=', 'taboo'), ('lang', '=', 'zh')]):
            self.assertFalse(Phrase._find_taboo(phrase.suggestion), phrase.name)

    def test_customer_chinese_reads_without_stumbling(self):
        """What a Chinese customer reads calls a letter a letter (not a
        handwritten one), their balance a balance, their matter not a case study."""
        templates = self.env['mail.template'].search([('closure_kind', '!=', False)]).with_context(lang='zh_CN')
        for template in templates:
            for text in (template.subject or '', template.body_html or ''):
                for word in ('亲笔信', '预付价值', '您的案例'):
                    self.assertNotIn(word, text, f'{template.name}: {word}')
        letter = self.env.ref('closure_crm.mail_template_notice_a_b2b').with_context(lang='zh_CN')
        self.assertIn('致您的', letter.subject)
