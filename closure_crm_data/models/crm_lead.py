import io
import json
import re
import zipfile

import xlsxwriter

from odoo import _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext

from odoo.addons.closure_crm.models.crm_lead import ClosurePublicError

# what the customer gets, in the order of the JSON file and of the XLSX sheets
EXPORT_SECTIONS = ('contact', 'cases', 'obligations', 'consents', 'transfers', 'messages', 'attachments')
EXPORT_FORMAT_VERSION = 1
# copies of a case's data produced per hour, from the page and by staff (ir.config_parameter)
EXPORT_RATE_PARAM, EXPORT_RATE_DEFAULT = 'closure_crm.export_max_per_hour', 5

# the archive's README.txt, in the customer's language (data.json's keys stay as documented)
README = _lt("""Copy of your data (PIPL Art. 45, GDPR Art. 15 and 20)
=====================================================

This archive holds the personal data {company} keeps about you, as on {date}:

- data.json   the same data, machine-readable (UTF-8 JSON), to reuse or move elsewhere;
- data.xlsx   the same data, one sheet per section, to read;
- attachments/ the files you sent us, named <id>_<file name>;
- consents/    the evidence files of your recorded answers.

data.json: an object with "format" ("closure-data-export"), "version", "generated_at"
(UTC, ISO 8601), "company" and one list (or object) per section below. Dates are
ISO 8601 (YYYY-MM-DD), amounts are numbers in the currency named next to them.

contact       your contact record: id, name, is_company, email, phone, mobile, street,
              street2, zip, city, state, country, vat, website, lang.
cases         your closure cases: id, plan, company, tier (A/B/C), segment (b2b/b2c),
              stage, notified_date, claim_deadline, service_end_date,
              data_export_deadline, data_erasure_date, currency, prepaid_balance,
              refund_due, refund_requested_date, refund_due_date, news_opt_in,
              export_requested_date, services, process_dependencies, replacement_needs.
obligations   what we owe you: id, case_id, type, description, amount, currency,
              due_date, state.
consents      your answers about a transfer of your data: id, case_id, date, decision,
              receiver, data_categories, channel, evidence_text (how the answer came
              in), evidence_file (path in this archive, or null).
transfers     hand-overs of your data to a receiving partner: id, case_id, receiver,
              state, date_proposed, date_customer_answer, date_handed_over,
              data_categories.
messages      the messages exchanged with you: id, case_id, date, author, subject,
              body (plain text), type (email, comment), attachment_ids.
attachments   the files you sent us: id, message_id, name, mimetype, size (bytes), file
              (path in this archive).
""")


# the XLSX's column titles: the field each key of data.json holds, whose label
# (translated like the forms) titles the column; keys without a field of their own below
EXPORT_COLUMN_FIELDS = {
    'contact': ('res.partner', {
        'name': 'name', 'is_company': 'is_company', 'email': 'email', 'phone': 'phone', 'mobile': 'mobile',
        'street': 'street', 'street2': 'street2', 'zip': 'zip', 'city': 'city', 'state': 'state_id',
        'country': 'country_id', 'vat': 'vat', 'website': 'website', 'lang': 'lang'}),
    'cases': ('crm.lead', {
        'plan': 'closure_plan_id', 'company': 'company_id', 'tier': 'closure_tier', 'segment': 'closure_segment',
        'stage': 'stage_id', 'notified_date': 'closure_notified_date', 'claim_deadline': 'closure_claim_deadline',
        'currency': 'company_currency', 'prepaid_balance': 'closure_prepaid_balance',
        'refund_due': 'closure_refund_due',
        'refund_requested_date': 'closure_refund_requested_date', 'refund_due_date': 'closure_refund_due_date',
        'news_opt_in': 'closure_news_opt_in', 'export_requested_date': 'closure_export_requested_date',
        'services': 'closure_service_ids', 'process_dependencies': 'closure_process_dependencies',
        'replacement_needs': 'closure_replacement_needs'}),
    'obligations': ('closure.obligation', {
        'type': 'obligation_type', 'amount': 'amount', 'currency': 'currency_id', 'due_date': 'due_date',
        'state': 'state'}),
    'consents': ('closure.consent', {
        'date': 'date', 'decision': 'decision', 'receiver': 'receiver_id', 'data_categories': 'data_category_ids',
        'channel': 'channel'}),
    'transfers': ('closure.transfer', {
        'receiver': 'receiver_id', 'state': 'state', 'date_proposed': 'date_proposed',
        'date_customer_answer': 'date_customer_answer', 'date_handed_over': 'date_handed_over',
        'data_categories': 'package_category_ids'}),
    'messages': ('mail.message', {
        'date': 'date', 'author': 'author_id', 'subject': 'subject', 'type': 'message_type',
        'attachment_ids': 'attachment_ids'}),
    'attachments': ('ir.attachment', {
        'name': 'name', 'mimetype': 'mimetype', 'size': 'file_size'}),
}
EXPORT_COLUMN_LABELS = {
    'id': _lt("Record Number"),
    'case_id': _lt("Case Number"),
    'description': _lt("What It Is For"),
    'service_end_date': _lt("Service Ends On"),
    'data_export_deadline': _lt("Data Copy Available Until"),
    'data_erasure_date': _lt("Your Data Is Erased On"),
    'evidence_text': _lt("How the Answer Came In"),
    'evidence_file': _lt("Evidence File"),
    'body': _lt("Message Text"),
    'message_id': _lt("Message Number"),
    'file': _lt("File in This Archive"),
}
EXPORT_SHEET_LABELS = {
    'contact': _lt("Your Contact Details"),
    'cases': _lt("Your Cases"),
    'obligations': _lt("What We Owe You"),
    'consents': _lt("Your Answers"),
    'transfers': _lt("Data Transfers"),
    'messages': _lt("Messages Exchanged"),
    'attachments': _lt("Your Files"),
}


class CrmLead(models.Model):
    """The customer's data on a case.

    A copy of the customer's own data (PIPL Art. 45, GDPR Art. 15 and 20):
    a ZIP with a JSON file (machine-readable), an XLSX of the same and the
    files they sent. The customer downloads it on their personal page until
    the plan's data export deadline (controllers/closure_data_export.py);
    staff who may work the case produce the same file from the case.

    What the erasure of a plan needs on a case: whether its data must be
    kept longer (a legal hold with its reason, an open dispute) and which
    erasure erased it (closure.erasure)."""

    _inherit = 'crm.lead'

    # the copies' rate limit: copies produced from the case in the current hour
    # (fixed window), as the answer page counts its answers
    closure_export_window_start = fields.Datetime(
        'Data Copies Hour Started', copy=False, readonly=True, groups='closure_crm.group_closure_manager')
    closure_export_window_count = fields.Integer(
        'Data Copies This Hour', copy=False, readonly=True, groups='closure_crm.group_closure_manager')
    closure_legal_hold = fields.Boolean(
        'Legal Hold', tracking=True, copy=False,
        help="The customer's data must be kept beyond the erasure date (a court order, an "
             "authority's request, a pending claim): the erasure skips this case and lists it.")
    closure_legal_hold_reason = fields.Text('Legal Hold Reason', copy=False)
    closure_dispute_open = fields.Boolean(
        'Open Dispute', tracking=True, copy=False,
        help="A dispute with the customer is open: the erasure skips this case until it is closed.")
    closure_erasure_id = fields.Many2one('closure.erasure', 'Erasure', readonly=True, copy=False,
                                         ondelete='set null')
    closure_erasure_skip_reason = fields.Char(
        'Why Kept', compute='_compute_closure_erasure_skip_reason',
        help="Why the erasure keeps this case's data: a legal hold, an open dispute, or a claim still owed "
             "to the customer (an open refundable balance, a declared claim not settled).")

    @api.depends('closure_legal_hold', 'closure_legal_hold_reason', 'closure_dispute_open',
                 'closure_obligation_ids.state', 'closure_obligation_ids.refundable_amount',
                 'closure_obligation_ids.claim_declared_date')
    def _compute_closure_erasure_skip_reason(self):
        owed = self.env['closure.erasure']._owed_lead_ids(self._origin.ids)
        for lead in self:
            reasons = []
            if lead.closure_legal_hold:
                reasons.append(_("Legal hold: %(reason)s", reason=lead.closure_legal_hold_reason or ''))
            if lead.closure_dispute_open:
                reasons.append(_("Open dispute"))
            if lead._origin.id in owed:
                reasons.append(_("A claim is still owed to the customer (open refundable balance or declared "
                                 "claim not settled): kept until it is paid, taken over or waived"))
            lead.closure_erasure_skip_reason = '; '.join(reasons)

    @api.constrains('closure_legal_hold', 'closure_legal_hold_reason')
    def _check_closure_legal_hold(self):
        for lead in self:
            if lead.closure_legal_hold and not (lead.closure_legal_hold_reason or '').strip():
                raise ValidationError(_(
                    "Case %(case)s: say why its data is kept longer (Legal Hold Reason).", case=lead.display_name))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_data_export(self):
        """Download the copy of the customer's data, as the customer gets it."""
        self.ensure_one()
        self._closure_check_data_export_staff()
        self._closure_count_export(dry_run=True)
        return {
            'type': 'ir.actions.act_url',
            'url': f'/closure/case/{self.id}/data_export',
            'target': 'download',
        }

    @api.model
    def _closure_erasure_fields(self):
        return super()._closure_erasure_fields() + ['closure_erasure_id']

    def _closure_answer_link_expired(self):
        """A customer still owed a claim keeps their page after the data
        erasure date, until it is paid, taken over or waived: the erasure
        skips the case, and the page is where they follow the claim."""
        expired = super()._closure_answer_link_expired()
        if not expired or self.closure_erased_date:
            return expired
        return self.id not in self.env['closure.erasure']._owed_lead_ids(self.ids)

    def _closure_data_export_open(self):
        """True while the customer may still download a copy of their data."""
        self.ensure_one()
        deadline = self.closure_plan_id.data_export_deadline
        return bool(deadline) and fields.Date.context_today(self) <= deadline

    def _closure_check_data_export_staff(self):
        """Staff export: closure users who may read the case (record rules:
        reps their own cases, managers all)."""
        if not self.env.user.has_group('closure_crm.group_closure_user'):
            raise AccessError(_("Only closure users may export a customer's data."))
        self.check_access('read')
        if not self.closure_plan_id:
            raise UserError(_("%(case)s is not a closure case: there is no customer data to export here.",
                              case=self.display_name))

    def _closure_data_export_staff(self):
        """(file name, ZIP bytes) for a staff member, logged on the case. Built
        with the user's own rights: the customer's cases this user may read,
        in the companies they work in, and what the record rules let them read
        on those cases (never another team's or company's case)."""
        self.ensure_one()
        self._closure_check_data_export_staff()
        self._closure_count_export()
        cases = self.with_context(active_test=False).search(
            [('partner_id', '=', self.partner_id.id), ('closure_plan_id', '!=', False)], order='id')
        return self._closure_data_export(cases, by_user=self.env.user)

    def _closure_data_export_customer(self):
        """(file name, ZIP bytes) for the customer on their page (self is read
        as superuser once the token matched), logged on the case. Refused
        after the plan's export deadline."""
        self.ensure_one()
        if not self._closure_data_export_open():
            deadline = self.closure_plan_id.data_export_deadline
            raise ClosurePublicError(_(
                "The copy of your data could be downloaded until %(date)s. Please write to us.",
                date=fields.Date.to_string(deadline) if deadline else '-'))
        self._closure_count_export()
        # the link's case only: the token opens this case, not the customer's other cases
        return self._closure_data_export(self)

    def _closure_count_export(self, dry_run=False):
        """Count a copy of the case's data in its current hour, refusing it
        past the setting: a leaked link or a script cannot build ZIPs and fill
        the case's history without end. Under the case's row lock, so that two
        requests at once both count. ``dry_run``: refuse without counting."""
        self.ensure_one()
        limit = self._closure_answer_setting(EXPORT_RATE_PARAM, EXPORT_RATE_DEFAULT)
        if not dry_run:
            self.env.cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", self.id))
        start, count = self._closure_hour_window('closure_export_window_start', 'closure_export_window_count')
        if count >= limit:
            raise ClosurePublicError(_(
                "A copy of this data was produced %(count)s times in the last hour: please wait a little "
                "before asking for another one.", count=count))
        if not dry_run:
            # the window is bookkeeping of the exports, hidden from reps
            self.sudo().write({'closure_export_window_start': start, 'closure_export_window_count': count + 1})

    # ------------------------------------------------------------------
    # The file
    # ------------------------------------------------------------------
    def _closure_data_export(self, cases, by_user=None):
        """(file name, ZIP bytes) of the customer's data on ``cases``, read
        with ``cases``' environment, logged on this case in its owner's
        language: produced by ``by_user`` from the case, else downloaded by
        the customer on their page."""
        self.ensure_one()
        data, files = self._closure_data_export_values(cases)
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            reader_lang = self.partner_id.lang or self.env.lang
            archive.writestr('README.txt', README._translate(reader_lang).format(
                company=data['company'], date=data['generated_at']))
            archive.writestr('data.json', json.dumps(data, ensure_ascii=False, indent=1, default=str))
            archive.writestr('data.xlsx', self._closure_data_export_xlsx(data))
            for path, attachment in files:
                archive.writestr(path, attachment.raw or b'')
        # a note for the staff: in the case owner's language, as their to-dos
        owner_lang = (self.user_id or self.closure_plan_id.user_id).lang
        staff_env = self.with_context(lang=owner_lang).env if owner_lang else self.env
        log = staff_env._("Copy of the customer's data produced from the case by %(user)s",
                          user=by_user.name) if by_user else \
            staff_env._("Copy of the customer's data downloaded on their personal page")
        self.message_post(body=staff_env._(
            "%(what)s: %(cases)s cases, %(messages)s messages, %(attachments)s files.",
            what=log, cases=len(data['cases']), messages=len(data['messages']),
            attachments=len(files)), subtype_xmlid='mail.mt_note')
        partner_name = re.sub(r'[^\w.-]+', '_', self.partner_id.name or 'customer')[:40]
        return f'data-{partner_name}-{fields.Date.context_today(self)}.zip', output.getvalue()

    def _closure_data_export_values(self, cases):
        """(data, [(path in the archive, attachment)]): the customer's data on
        ``cases`` read in one query per kind, with ``cases``' environment (its
        user's record rules decide what is in)."""
        self.ensure_one()
        env = cases.env  # every read below with the rights of the export's reader
        partner = self.with_env(env).partner_id
        customer_partners = env['res.partner'].with_context(active_test=False).search(
            [('commercial_partner_id', '=', partner.commercial_partner_id.id)])

        def day(value):
            return fields.Date.to_string(value) if value else None

        def moment(value):
            return fields.Datetime.to_string(value) if value else None

        def label(record, fname):
            return dict(record._fields[fname]._description_selection(env)).get(record[fname]) or None

        data = {
            'format': 'closure-data-export',
            'version': EXPORT_FORMAT_VERSION,
            'generated_at': fields.Datetime.to_string(fields.Datetime.now()),
            'company': (self.company_id or self.closure_plan_id.company_id).name,
            'contact': {
                'id': partner.id, 'name': partner.name, 'is_company': partner.is_company,
                'email': partner.email or None, 'phone': partner.phone or None, 'mobile': partner.mobile or None,
                'street': partner.street or None, 'street2': partner.street2 or None, 'zip': partner.zip or None,
                'city': partner.city or None, 'state': partner.state_id.name or None,
                'country': partner.country_id.name or None, 'vat': partner.vat or None,
                'website': partner.website or None, 'lang': partner.lang or None,
            },
        }
        data['cases'] = [{
            'id': case.id, 'plan': case.closure_plan_id.name, 'company': case.company_id.name,
            'tier': (case.closure_tier or '').upper() or None, 'segment': case.closure_segment or None,
            'stage': case.stage_id.name, 'notified_date': day(case.closure_notified_date),
            'claim_deadline': day(case.closure_claim_deadline),
            'service_end_date': day(case.closure_plan_id.service_end_date),
            'data_export_deadline': day(case.closure_plan_id.data_export_deadline),
            'data_erasure_date': day(case.closure_plan_id.data_erasure_date),
            'currency': case.company_currency.name, 'prepaid_balance': case.closure_prepaid_balance,
            'refund_due': case.closure_refund_due, 'refund_requested_date': day(case.closure_refund_requested_date),
            'refund_due_date': day(case.closure_refund_due_date), 'news_opt_in': case.closure_news_opt_in,
            'export_requested_date': day(case.closure_export_requested_date),
            'services': case.closure_service_ids.mapped('name'),
            'process_dependencies': case.closure_process_dependencies or None,
            'replacement_needs': case.closure_replacement_needs or None,
        } for case in cases]
        obligations = env['closure.obligation'].search([('lead_id', 'in', cases.ids)])
        data['obligations'] = [{
            'id': obligation.id, 'case_id': obligation.lead_id.id, 'type': obligation.obligation_type,
            'description': obligation.name, 'amount': obligation.amount, 'currency': obligation.currency_id.name,
            'due_date': day(obligation.due_date), 'state': obligation.state,
        } for obligation in obligations]
        files = []
        consents = env['closure.consent'].search([('lead_id', 'in', cases.ids)], order='date, id')
        evidences = env['ir.attachment'].search([
            ('res_model', '=', 'closure.consent'), ('res_id', 'in', consents.ids), ('res_field', '=', 'evidence')])
        evidence_of = {attachment.res_id: attachment for attachment in evidences}
        data['consents'] = []
        for consent in consents:
            evidence = evidence_of.get(consent.id)
            filename = evidence and self._closure_export_filename(consent.evidence_filename or evidence.name)
            path = evidence and f'consents/{consent.id}_{filename}'
            if evidence:
                files.append((path, evidence))
            data['consents'].append({
                'id': consent.id, 'case_id': consent.lead_id.id, 'date': moment(consent.date),
                'decision': label(consent, 'decision'), 'receiver': consent.receiver_id.name or None,
                'data_categories': consent.data_category_ids.mapped('name'), 'channel': label(consent, 'channel'),
                'evidence_text': consent.note or None, 'evidence_file': path or None,
            })
        transfers = env['closure.transfer'].search([('lead_id', 'in', cases.ids)], order='id')
        data['transfers'] = [{
            'id': transfer.id, 'case_id': transfer.lead_id.id, 'receiver': transfer.receiver_id.name,
            'state': label(transfer, 'state'), 'date_proposed': moment(transfer.date_proposed),
            'date_customer_answer': moment(transfer.date_customer_answer),
            'date_handed_over': moment(transfer.date_handed_over),
            'data_categories': transfer.package_category_ids.mapped('name'),
        } for transfer in transfers]
        # the messages exchanged with the customer: mails and comments, never internal notes
        messages = env['mail.message'].search([
            ('model', '=', 'crm.lead'), ('res_id', 'in', cases.ids),
            ('message_type', 'in', ('email', 'comment', 'email_outgoing')),
            ('is_internal', '=', False),
            '|', ('subtype_id', '=', False), ('subtype_id.internal', '=', False),
        ], order='date, id')
        data['messages'] = []
        data['attachments'] = []
        for message in messages:
            sent_by_customer = message.author_id in customer_partners
            data['messages'].append({
                'id': message.id, 'case_id': message.res_id, 'date': moment(message.date),
                'author': message.author_id.name or message.email_from or None,
                'subject': message.subject or None, 'body': html2plaintext(message.body or '').strip(),
                'type': message.message_type,
                'attachment_ids': message.attachment_ids.ids if sent_by_customer else [],
            })
            if not sent_by_customer:
                continue
            for attachment in message.attachment_ids:
                path = f'attachments/{attachment.id}_{self._closure_export_filename(attachment.name)}'
                files.append((path, attachment))
                data['attachments'].append({
                    'id': attachment.id, 'message_id': message.id, 'name': attachment.name,
                    'mimetype': attachment.mimetype, 'size': attachment.file_size, 'file': path,
                })
        return data, files

    def _closure_export_filename(self, name):
        return re.sub(r'[^\w.-]+', '_', name or 'file')[:80]

    def _closure_export_column_title(self, section, key):
        """The column title of ``key`` of ``section`` in the env's language:
        the label of the field it holds, as the forms show it."""
        model, columns = EXPORT_COLUMN_FIELDS[section]
        fname = columns.get(key)
        if fname:
            return self.env[model]._fields[fname]._description_string(self.env)
        label = EXPORT_COLUMN_LABELS.get(key)
        return label._translate(self.env.lang) if label else key

    def _closure_data_export_xlsx(self, data):
        """The JSON's sections as sheets, for reading: sheet and column titles
        in the customer's language (data.json keeps its documented keys)."""
        # the customer reads it, whoever produces it
        reader = self.with_context(lang=self.partner_id.lang or self.env.lang)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True, 'strings_to_urls': False})
        header = workbook.add_format({'bold': True, 'bg_color': '#E9ECEF'})
        for section in EXPORT_SECTIONS:
            rows = data[section] if isinstance(data[section], list) else [data[section]]
            # a sheet name: at most 31 characters, none of []:*?/\
            title = EXPORT_SHEET_LABELS[section]._translate(reader.env.lang)
            sheet = workbook.add_worksheet(re.sub(r'[\[\]:*?/\\]', ' ', title)[:31])
            if not rows:
                sheet.write_string(0, 0, reader.env._("Nothing recorded."))
                continue
            columns = list(rows[0])
            for col, name in enumerate(columns):
                sheet.write_string(0, col, reader._closure_export_column_title(section, name), header)
                sheet.set_column(col, col, 18)
            for row_index, row in enumerate(rows, start=1):
                for col, name in enumerate(columns):
                    value = row[name]
                    if isinstance(value, list):
                        value = ', '.join(str(item) for item in value)
                    if value is None or value == '':
                        continue
                    if isinstance(value, bool):
                        sheet.write_boolean(row_index, col, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(row_index, col, value)
                    else:
                        sheet.write_string(row_index, col, str(value))
        workbook.close()
        return output.getvalue()
