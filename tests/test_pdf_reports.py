"""Across both add-ons: the PDF documents staff hand out are real PDFs.

Odoo renders reports with wkhtmltopdf (Debian's package, installed by
./dev.sh as root). In tests Odoo returns the report's HTML unless asked for
the PDF (context ``force_report_rendering``): these tests ask for it, so a
machine without wkhtmltopdf fails here instead of the staff finding out on
their first certificate."""
import re

from odoo.tests import TransactionCase, tagged

from odoo.addons.closure_crm.tests.notice_common import NoticeCommon


def pdf_page_count(data):
    """Pages of a PDF as its page tree counts them (no PDF library needed)."""
    counts = [int(n) for n in re.findall(rb'/Type\s*/Pages\b[^>]*?/Count\s+(\d+)', data)]
    counts += [int(n) for n in re.findall(rb'/Count\s+(\d+)[^>]*?/Type\s*/Pages\b', data)]
    return max(counts, default=0)


@tagged('post_install', '-at_install')
class TestPdfReports(TransactionCase):

    def render_pdf(self, report_xmlid, records):
        report = self.env.ref(report_xmlid).with_context(force_report_rendering=True)
        data, kind = report._render_qweb_pdf(report.report_name, records.ids)
        self.assertEqual(kind, 'pdf', f"{report_xmlid} was not rendered as a PDF (is wkhtmltopdf installed?)")
        self.assertTrue(data.startswith(b'%PDF-'), f"{report_xmlid}: not a PDF file")
        self.assertGreaterEqual(pdf_page_count(data), 1, f"{report_xmlid}: a PDF without pages")
        return data

    def test_erasure_certificate_is_a_pdf(self):
        erasure = self.env['closure.erasure'].search([], limit=1)
        self.assertTrue(erasure, "the demo holds an erasure with its certificate")
        self.render_pdf('closure_crm_data.action_report_closure_erasure', erasure)

    def test_certification_certificate_is_a_pdf(self):
        """A staff member who passes a closure certification gets Odoo's
        certificate as a PDF."""
        survey = self.env['survey.survey'].search(
            [('certification', '=', True), ('question_ids', '!=', False)], limit=1)
        self.assertTrue(survey, "closure_training ships certifications")
        user_input = self.env['survey.user_input'].create({
            'survey_id': survey.id,
            'partner_id': self.env.user.partner_id.id,
            'state': 'done',
        })
        for question in survey.question_ids.filtered(lambda q: q.question_type in ('simple_choice', 'multiple_choice')):
            for answer in question.suggested_answer_ids.filtered('is_correct'):
                self.env['survey.user_input.line'].create({
                    'user_input_id': user_input.id,
                    'question_id': question.id,
                    'answer_type': 'suggestion',
                    'suggested_answer_id': answer.id,
                })
        self.assertTrue(user_input.scoring_success, "every correct answer passes the certification")
        self.render_pdf('survey.certification_report', user_input)


@tagged('post_install', '-at_install')
class TestLetterPdf(NoticeCommon):

    def test_printed_notice_letter_is_a_pdf(self):
        """A letter wave's notice prints as a PDF letter (Chinese customer)."""
        case = self._notice_cases(1, prefix='Posted', tier='c', lang='zh_CN')
        case.partner_id.write({'street': '1 Nanjing Road', 'city': 'Shanghai', 'zip': '200000'})
        wave = self._new_wave(channel='letter')
        with self.mock_mail_gateway():
            wave.action_send()
        letter = wave.recipient_ids.filtered(lambda r: r.lead_id == case)
        self.assertTrue(letter.letter_body, "the letter has its text")
        TestPdfReports.render_pdf(self, 'closure_crm.action_report_closure_notice_letter', letter)
