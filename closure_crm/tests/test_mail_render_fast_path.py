from odoo.tests import tagged

from odoo.addons.closure_crm.models import mail_render_mixin

from .notice_common import NoticeCommon

# every field a wave or Odoo's composer renders from a template
RENDER_FIELDS = (
    'attachment_ids', 'auto_delete', 'body_html', 'email_cc', 'email_from', 'email_to', 'lang',
    'mail_server_id', 'partner_to', 'reply_to', 'scheduled_date', 'subject',
)


@tagged('post_install', '-at_install')
class TestMailRenderFastPath(NoticeCommon):
    """closure_crm/models/mail_render_mixin.py renders a template on many
    records with one compilation (context closure_render_batch), a copy of
    Odoo's rendering kept for speed. Every mail template the add-ons ship
    renders exactly as Odoo's own _generate_template / _render_field render
    it, for sample records in English and in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b2b_en = cls._notice_cases(2, prefix='Fast Firm', tier='a', is_company=True)
        b2c_en = cls._notice_cases(2, prefix='Fast Person', tier='b')
        b2b_zh = cls._notice_cases(2, prefix='快速公司', tier='c', lang='zh_CN', is_company=True)
        b2c_zh = cls._notice_cases(2, prefix='快速客户', tier='b', lang='zh_CN')
        cls.cases = b2b_en | b2c_en | b2b_zh | b2c_zh
        cls.env['closure.obligation'].create([
            {'lead_id': b2c_en[0].id, 'name': 'Prepaid card', 'obligation_type': 'prepaid', 'amount': 120},
            {'lead_id': b2c_zh[0].id, 'name': '预付卡', 'obligation_type': 'prepaid', 'amount': 300},
            {'lead_id': b2b_zh[0].id, 'name': '押金', 'obligation_type': 'deposit', 'amount': 88},
        ])
        receiver = cls.env['res.partner'].create({
            'name': 'Fast Harbour Services', 'is_company': True, 'closure_is_receiver': True,
            'email': 'welcome@fast-harbour.example.com', 'phone': '+86 21 6666 0001'})
        cls.env['closure.receiver.capacity'].create({'plan_id': cls.plan.id, 'partner_id': receiver.id, 'capacity': 20})
        transfer_cases = b2b_en | b2b_zh
        cls.transfers = cls.env['closure.transfer'].create(
            [{'lead_id': case.id, 'receiver_id': receiver.id} for case in transfer_cases])
        # the satisfaction survey's invitations, one per case, as the stage change makes them
        survey = cls.plan._closure_satisfaction_survey()
        invitations = cls.env['survey.user_input']
        for case in cls.cases:
            invitations |= survey._create_answer(
                partner=case.partner_id, check_attempts=False, closure_lead_id=case.id, closure_trigger='settled')
        cls.records = {'crm.lead': cls.cases, 'closure.transfer': cls.transfers, 'survey.user_input': invitations}

    def _shipped_templates(self):
        data = self.env['ir.model.data'].search([
            ('model', '=', 'mail.template'), ('module', 'in', ('closure_crm', 'closure_training'))])
        return self.env['mail.template'].browse(data.mapped('res_id'))

    def test_every_shipped_template_renders_as_odoo_renders_it(self):
        templates = self._shipped_templates()
        self.assertGreaterEqual(len(templates), 14, "the notice, follow-up and transfer templates")
        for template in templates:
            self.assertIn(template.model, self.records, f"{template.name}: sample records of {template.model}")
            records = self.records[template.model]
            langs = set(records.mapped('partner_id.lang'))
            self.assertEqual(langs, {'en_US', 'zh_CN'}, "both languages, two records each")
            with self.subTest(template=template.name):
                odoo = template._generate_template(records.ids, RENDER_FIELDS)
                fast = template.with_context(closure_render_batch=True)._generate_template(
                    records.ids, RENDER_FIELDS)
                self.assertEqual(fast, odoo)
                # field by field too, as the composer renders them
                for field in ('subject', 'body_html', 'email_from', 'partner_to', 'lang'):
                    self.assertEqual(
                        template.with_context(closure_render_batch=True)._render_field(
                            field, records.ids, compute_lang=True),
                        template._render_field(field, records.ids, compute_lang=True),
                        f"{template.name}: {field}")
        # the Chinese cases got the Chinese text
        notice = self.env.ref('closure_crm.mail_template_notice_c_b2b')
        zh_case = self.cases.filtered(lambda case: case.partner_id.lang == 'zh_CN' and case.closure_tier == 'c')[0]
        body = notice._generate_template(zh_case.ids, ('body_html',))[zh_case.id]['body_html']
        self.assertRegex(str(body), '[\u4e00-\u9fff]')

    def test_the_fast_path_runs(self):
        """The batch context does take the shortcut (one compilation for the
        records of one language), else the comparison above proves nothing."""
        template = self.env.ref('closure_crm.mail_template_notice_b_b2c')
        mail_render_mixin._COMPILED.clear()
        template.with_context(closure_render_batch=True)._generate_template(self.cases.ids, ('body_html',))
        self.assertTrue(mail_render_mixin._COMPILED, "the compiled body is kept for the next batch")
