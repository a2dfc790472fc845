from unittest.mock import patch

from lxml import etree

from odoo.tests import tagged

from .notice_common import NoticeCommon

# every field a wave or Odoo's composer renders from a template
RENDER_FIELDS = (
    'attachment_ids', 'auto_delete', 'body_html', 'email_cc', 'email_from', 'email_to', 'lang',
    'mail_server_id', 'partner_to', 'reply_to', 'scheduled_date', 'subject',
)


@tagged('post_install', '-at_install')
class TestMailRenderBatch(NoticeCommon):
    """The notice waves and reminders render a template's body with one
    compilation per batch (context closure_render_batch, see
    mail.render.mixin._render_template_qweb). Every mail template the add-ons
    ship on cases and transfers renders exactly as Odoo's own
    _generate_template / _render_field render it, for sample records in
    English and in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b2b_en = cls._notice_cases(2, prefix='Batch Firm', tier='a', is_company=True)
        b2c_en = cls._notice_cases(2, prefix='Batch Person', tier='b')
        b2b_zh = cls._notice_cases(2, prefix='批量公司', tier='c', lang='zh_CN', is_company=True)
        b2c_zh = cls._notice_cases(2, prefix='批量客户', tier='b', lang='zh_CN')
        cls.cases = b2b_en | b2c_en | b2b_zh | b2c_zh
        cls.env['closure.obligation'].create([
            {'lead_id': b2c_en[0].id, 'name': 'Prepaid card', 'obligation_type': 'prepaid', 'amount': 120},
            {'lead_id': b2c_zh[0].id, 'name': '预付卡', 'obligation_type': 'prepaid', 'amount': 300},
            {'lead_id': b2b_zh[0].id, 'name': '押金', 'obligation_type': 'deposit', 'amount': 88},
        ])
        receiver = cls.env['res.partner'].create({
            'name': 'Batch Harbour Services', 'is_company': True, 'closure_is_receiver': True,
            'email': 'welcome@batch-harbour.example.com', 'phone': '+86 21 6666 0001'})
        cls.env['closure.receiver.capacity'].create({'plan_id': cls.plan.id, 'partner_id': receiver.id, 'capacity': 20})
        cls.transfers = cls.env['closure.transfer'].create(
            [{'lead_id': case.id, 'receiver_id': receiver.id} for case in b2b_en | b2b_zh])
        cls.records = {'crm.lead': cls.cases, 'closure.transfer': cls.transfers}

    def _shipped_templates(self):
        data = self.env['ir.model.data'].search([
            ('model', '=', 'mail.template'), ('module', '=like', 'closure\\_%')])
        return self.env['mail.template'].browse(data.mapped('res_id')).filtered(
            lambda template: template.model in self.records)

    def test_every_shipped_template_renders_as_odoo_renders_it(self):
        templates = self._shipped_templates()
        notices = templates.filtered(lambda template: template.model == 'crm.lead')
        self.assertGreaterEqual(len(notices), 14, "the notices, reminder and follow-ups the waves can send")
        self.assertGreaterEqual(len(templates - notices), 3, "the transfer mails")
        for template in templates:
            records = self.records[template.model]
            self.assertEqual(set(records.mapped('partner_id.lang')), {'en_US', 'zh_CN'})
            with self.subTest(template=template.name):
                odoo = template._generate_template(records.ids, RENDER_FIELDS)
                batch = template.with_context(closure_render_batch=True)._generate_template(
                    records.ids, RENDER_FIELDS)
                self.assertEqual(batch, odoo)
                self.assertTrue(all(odoo[record.id]['body_html'] for record in records))
        # the Chinese cases got the Chinese text
        notice = self.env.ref('closure_crm.mail_template_notice_c_b2b')
        zh_cases = self.cases.filtered(lambda case: case.partner_id.lang == 'zh_CN' and case.closure_tier == 'c')
        bodies = notice.with_context(closure_render_batch=True)._generate_template(zh_cases.ids, ('body_html',))
        self.assertRegex(str(bodies[zh_cases[0].id]['body_html']), '[\u4e00-\u9fff]')

    def test_one_compilation_per_batch(self):
        """The batch context does take the shortcut, else the comparison above
        proves nothing: Odoo compiles the body once per record, the batch
        once per language."""
        template = self.env.ref('closure_crm.mail_template_notice_b_b2c')
        cases = self.cases.filtered(lambda case: case.partner_id.lang == 'en_US')
        self.env.registry.clear_cache('templates')
        Qweb = self.env.registry['ir.qweb']
        compiled = []
        original = Qweb._compile

        def counting(qweb, template_ref):
            if isinstance(template_ref, etree._Element):  # a mail body (views are cached by Odoo)
                compiled.append(template_ref)
            return original(qweb, template_ref)

        with patch.object(Qweb, '_compile', counting):
            template._generate_template(cases.ids, ('body_html',))
            odoo_count = len(compiled)
            compiled.clear()
            template.with_context(closure_render_batch=True)._generate_template(cases.ids, ('body_html',))
            batch_count = len(compiled)
            compiled.clear()
            # the next batch of the wave compiles nothing
            template.with_context(closure_render_batch=True)._generate_template(cases.ids, ('body_html',))
        self.assertEqual(odoo_count, len(cases))
        self.assertEqual(batch_count, 1)
        self.assertEqual(compiled, [])
