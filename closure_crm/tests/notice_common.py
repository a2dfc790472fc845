from datetime import timedelta

from odoo import fields

from odoo.addons.mail.tests.common import MailCase

from .common import ClosureCommon

REPLY_EMAIL = """Return-Path: {return_path}
To: {to}
cc: {cc}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
Date: Fri, 20 Nov 2026 14:16:26 +0000
Message-ID: {msg_id}
{extra}

{body}
"""


class NoticeCommon(ClosureCommon, MailCase):
    """Closure fixtures plus the mail gateway mock, Chinese with this feature's
    translations, and a started plan with its notice settings filled in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls.company.write({'email': 'closing@example.com', 'name': 'Closing Trading'})
        cls.env['res.lang']._activate_lang('zh_CN')
        # the test database is installed without Chinese: load the add-on's zh_CN.po
        cls.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'])
        cls.rep_1.write({'phone': '+86 21 5555 0101'})
        cls.manager.write({'phone': '+86 21 5555 0100'})
        cls.plan.write({
            'notice_hotline': '+86 400 800 1234',
            'notice_export_url': 'https://export.example.com/closing',
            'notice_signatory_id': cls.manager.id,
            'notice_tier_a_mode': 'mail',
        })
        cls.plan.action_start()
        cls.stage_to_notify = cls.plan.team_id._closure_stage('to_notify')

    @classmethod
    def _notice_cases(cls, count, prefix='Notice', tier='c', lang='en_US', is_company=False, **case_values):
        partners = cls._create_customers(count, prefix=prefix, is_company=is_company, lang=lang)
        cases = cls._create_cases(partners, user_id=case_values.pop('user_id', cls.rep_1.id), **case_values)
        cases.write({'closure_tier': tier})
        return cases

    def _customer_says(self, case, text, days_ago=0):
        """The customer's message on the case, as the answer page posts it,
        dated ``days_ago`` days back."""
        message = case.message_post(body=text, author_id=case.partner_id.id, message_type='comment',
                                    subtype_xmlid='mail.mt_comment')
        when = fields.Datetime.now() - timedelta(days=days_ago)
        message.sudo().write({'date': when})
        case.closure_reply_date = when
        return message

    def _new_wave(self, **values):
        return self.env['closure.notice.wave'].create({
            'name': values.pop('name', 'Test wave'),
            'plan_id': self.plan.id,
            **values,
        })

    def _deliver(self):
        """Odoo's mail queue runs (the mail gateway mock accepts every mail)."""
        self.env['mail.mail'].sudo().process_email_queue()
        self.env.invalidate_all()

    def _mails_of(self, cases):
        """The mails queued to each case's customer, {case: mail.mail}."""
        mails = self.env['mail.mail'].sudo().search([('model', '=', 'crm.lead'), ('res_id', 'in', cases.ids)])
        return {case: mails.filtered(lambda m, case=case: m.res_id == case.id and case.partner_id in m.recipient_ids)
                for case in cases}
