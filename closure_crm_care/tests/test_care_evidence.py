from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.closure_crm.tests import test_security_evidence
from odoo.addons.closure_crm.tests.test_security_evidence import EvidenceCommon


class CareEvidenceCommon(EvidenceCommon):
    """closure_crm's evidence fixtures, with a complaint opened by the reply
    triage on the spare case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_complaint = cls.case_spare
        cls.complaint = cls.env['closure.complaint'].create({
            'lead_id': cls.case_complaint.id, 'reply_excerpt': 'You never answer the phone!'})
        cls.holding[cls.case_complaint] = cls.complaint


@tagged('post_install', '-at_install')
class TestComplaintOutlivesItsCase(CareEvidenceCommon):
    """A case holding a complaint is neither deleted nor merged away, by
    anyone, sudo included: it is archived; what the customer said is theirs."""

    def test_nobody_deletes_a_case_holding_a_complaint(self):
        case = self.case_complaint
        for user in (self.sales_admin, self.admin):
            for attempt in (case.with_user(user), case.with_user(user).sudo()):
                with self.subTest(user=user.login, sudo=attempt.env.su), \
                        self.assertRefused(case, UserError, regex=r'holds evidence \(complaints\).*Archive it instead'):
                    attempt.unlink()
        for user in (self.rep_1, self.manager, self.rep_team):
            with self.subTest(user=user.login), self.assertRefused(case, AccessError):
                case.with_user(user).unlink()
        with self.subTest(user='co2'), self.assertRefused(case, AccessError):
            case.with_user(self.user_co2).unlink()
        self.assertTrue(self.complaint.exists())
        # archiving is the way
        case.with_user(self.rep_1).action_archive()
        self.assertFalse(case.active)
        self.assertTrue(self.complaint.exists())

    def test_complaint_words_are_the_customers(self):
        Complaint = self.env['closure.complaint']
        message = self.case_plain.message_post(body='All is fine', message_type='comment')
        for user in (self.rep_1, self.manager, self.sales_admin):
            for vals in ({'reply_excerpt': 'I am very happy with everything.'}, {'message_id': message.id}):
                with self.subTest(user=user.login, field=next(iter(vals))), \
                        self.assertRaisesRegex(UserError, "taken from the customer's own message"):
                    Complaint.with_user(user).create({'lead_id': self.case_plain.id, **vals})
        self.assertFalse(Complaint.search([('lead_id', '=', self.case_plain.id)]))
        # recording a complaint heard on the phone stays possible
        complaint = Complaint.with_user(self.rep_1).create({'lead_id': self.case_plain.id})
        self.assertFalse(complaint.reply_excerpt)
        # and what the triage recorded stays
        with self.assertRefused(self.complaint, UserError, regex='keeps its case'):
            self.complaint.with_user(self.manager).write({'reply_excerpt': 'All good.'})


@tagged('post_install', '-at_install')
class TestComplaintFollowsTheCaseRule(CareEvidenceCommon, test_security_evidence.TestChildRecordsFollowTheCaseRule):
    """Complaints are read by exactly those who read their case, as the other
    records kept on a case (closure_crm's tests, run with the complaint)."""

    def _children(self):
        return [*super()._children(), self.complaint]

    def _edits_of_another_team(self):
        return [*super()._edits_of_another_team(), (self.complaint, {'listened': True})]

    def test_owner_reads_what_the_customer_said(self):
        self.assertEqual(self.complaint.with_user(self.rep_1).read(['reply_excerpt'])[0]['reply_excerpt'],
                         'You never answer the phone!')


@tagged('post_install', '-at_install')
class TestSatisfactionScale(EvidenceCommon):
    """An invitation holder cannot push the plan's CSAT or NPS outside the scale."""

    def test_answers_outside_the_scale_are_refused_and_ignored(self):
        survey = self.env.ref('closure_crm_care.survey_closure_satisfaction')
        csat = self.env.ref('closure_crm_care.survey_closure_question_csat')
        nps = self.env.ref('closure_crm_care.survey_closure_question_nps')
        answer = survey._create_answer(partner=self.case_plain.partner_id, check_attempts=False,
                                       closure_lead_id=self.case_plain.id, closure_trigger='settled')
        for question, value in ((csat, '1000'), (csat, '-500'), (csat, '0'), (nps, '11'), (nps, '3.5'),
                                (nps, 'ten')):
            with self.subTest(question=question.title, value=value), \
                    self.assertRaisesRegex(ValidationError, 'whole number from'):
                answer._save_lines(question, value)
        self.assertFalse(answer.user_input_line_ids)
        answer._save_lines(csat, '4')
        answer._save_lines(nps, '10')
        # a line written past the page (an old answer, a script): counts for nothing
        other = survey._create_answer(partner=self.case_claim.partner_id, check_attempts=False,
                                      closure_lead_id=self.case_claim.id, closure_trigger='settled')
        self.env['survey.user_input.line'].create([
            {'user_input_id': other.id, 'question_id': csat.id, 'answer_type': 'scale', 'value_scale': 1000},
            {'user_input_id': other.id, 'question_id': nps.id, 'answer_type': 'scale', 'value_scale': -500},
        ])
        (answer | other).write({'state': 'done', 'end_datetime': fields.Datetime.now()})
        self.plan.invalidate_recordset()
        self.assertRecordValues(self.plan, [{'sat_csat': 4.0, 'sat_nps': 100, 'sat_response_count': 1}])
