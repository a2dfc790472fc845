from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon


@tagged('post_install', '-at_install')
class TestSatisfaction(NoticeCommon):
    """After a transfer completes and after a case is settled, the customer
    gets the plan's short survey (CSAT 1-5, NPS 0-10) once, in their
    language; the plan shows CSAT, NPS and their trend against the targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref('closure_crm_care.survey_closure_satisfaction')
        cls.csat = cls.env.ref('closure_crm_care.survey_closure_question_csat')
        cls.nps = cls.env.ref('closure_crm_care.survey_closure_question_nps')

    def _answers(self, case):
        return self.env['survey.user_input'].search([('closure_lead_id', '=', case.id)])

    def test_survey_sent_once_after_settlement_and_transfer(self):
        self.assertEqual(self.plan.satisfaction_survey_id, self.survey)
        settled, moved, no_contact = (self._notice_cases(1, prefix=prefix, tier='c', lang=lang) for prefix, lang in
                                      (('Settled', 'en_US'), ('Moved', 'zh_CN'), ('Leave Me', 'en_US')))
        no_contact.closure_no_contact = True
        with self.mock_mail_gateway():
            (settled | no_contact)._closure_set_stage('settled')
            moved.with_user(self.rep_1)._closure_set_stage('transferred')
        answer = self._answers(settled)
        self.assertRecordValues(answer, [{'closure_trigger': 'settled', 'survey_id': self.survey.id,
                                          'partner_id': settled.partner_id.id, 'state': 'new'}])
        mail = self.env['mail.mail'].sudo().search([('model', '=', 'survey.user_input'), ('res_id', '=', answer.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn(answer.access_token, mail.body_html)
        self.assertIn('how did we do?', mail.subject)
        # in the customer's language
        answer_zh = self._answers(moved)
        self.assertEqual(answer_zh.closure_trigger, 'transferred')
        mail_zh = self.env['mail.mail'].sudo().search(
            [('model', '=', 'survey.user_input'), ('res_id', '=', answer_zh.id)])
        self.assertIn('问卷', mail_zh.body_html)
        self.assertFalse(self._answers(no_contact), "never to a customer who asked not to be contacted")
        # moving again does not send it twice
        settled._closure_set_stage('answered')
        with self.mock_mail_gateway():
            settled._closure_set_stage('settled')
        self.assertEqual(len(self._answers(settled)), 1)
        # the survey's questions speak Chinese too
        self.assertIn('满意', self.csat.with_context(lang='zh_CN').title)

    def test_csat_nps_and_trend_on_constructed_answers(self):
        cases = self._notice_cases(4, prefix='Rated', tier='c')
        Line = self.env['survey.user_input.line']
        # (CSAT, NPS, days ago): two recent answers, two from 40 days ago
        for case, (csat, nps, days_ago) in zip(cases, [(5, 10, 1), (5, 9, 2), (3, 7, 40), (2, 3, 41)], strict=True):
            answer = self.survey._create_answer(partner=case.partner_id, check_attempts=False,
                                                closure_lead_id=case.id, closure_trigger='settled')
            Line.create([
                {'user_input_id': answer.id, 'question_id': self.csat.id, 'answer_type': 'scale', 'value_scale': csat},
                {'user_input_id': answer.id, 'question_id': self.nps.id, 'answer_type': 'scale', 'value_scale': nps},
            ])
            # answered (completed) that many days ago: the trend compares periods of completion
            answer.write({'state': 'done', 'end_datetime': fields.Datetime.now() - timedelta(days=days_ago)})
        self.plan.invalidate_recordset()
        self.assertRecordValues(self.plan, [{
            'sat_response_count': 4,
            'sat_csat': 3.75,         # (5 + 5 + 3 + 2) / 4
            'sat_csat_rate': 0.5,     # two of four answered 4 or 5
            'sat_nps': 25,            # promoters 2 (10, 9), detractors 1 (3), of 4
            'sat_csat_trend': 2.5,    # 5.0 in the last 30 days, 2.5 the 30 days before
            'sat_nps_trend': 150,     # 100 now, -50 before
            'target_complaint_rate': 0.18,
            'target_transferred_rate': 0.8,
        }])
