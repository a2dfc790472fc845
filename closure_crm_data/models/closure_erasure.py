import logging

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

# cases erased per transaction: the scheduled job commits between batches
ERASURE_BATCH = 1000

# the cases held back that the preview lists one by one (the others are counted)
PREVIEW_HELD_LIMIT = 200

# the kinds counted (fields of the record), in the order the certificate lists them
ERASURE_COUNTS = (
    'case_count', 'partner_count', 'identity_kept_count', 'message_count', 'mail_count', 'attachment_count',
    'evidence_count', 'package_count', 'consent_count', 'token_count', 'triage_count', 'recipient_count',
    'activity_count', 'kept_move_count', 'user_count', 'bank_count', 'event_count', 'visitor_count',
    'blacklist_kept_count',
)

# attachments counted apart: consent evidence files, transfers' data packages
ATTACHMENT_KINDS = {'closure.consent': 'evidence_count', 'closure.transfer': 'package_count'}
# personal data on a case (and on the customer's other leads)
LEAD_PERSONAL_COLUMNS = (
    'email_from', 'email_normalized', 'email_cc', 'email_domain_criterion', 'phone', 'mobile', 'phone_sanitized',
    'contact_name', 'partner_name', 'function', 'website', 'street', 'street2', 'zip', 'city', 'state_id',
    'description', 'referred', 'title',
)
# personal data on the customer's contact; the name is replaced
PARTNER_CONTACT_COLUMNS = (
    'email', 'email_normalized', 'phone', 'mobile', 'phone_sanitized', 'website', 'street', 'street2', 'zip',
    'city', 'state_id', 'comment', 'function', 'title', 'barcode', 'additional_info',
)
# what a posted invoice, credit note or payment needs of its customer
PARTNER_IDENTITY_COLUMNS = ('vat', 'company_registry', 'company_name', 'country_id')
# an obligation in these states owes the customer nothing more; in any other
# (open, or a review state a later version adds) a refundable amount or a
# declared claim is still owed and keeps the case from the erasure
OBLIGATION_DONE_STATES = ('settled', 'transferred', 'waived')
# personal data on a customer's portal user (its partner is erased as a contact;
# the password hash is emptied too: the user can no longer sign in)
USER_PERSONAL_COLUMNS = ('signature',)
# the consent's evidence of how the answer came in (address, browser, call note);
# closure.consent may list more fields in _closure_erasure_columns()
CONSENT_EVIDENCE_COLUMNS = ('note', 'evidence_filename')


class ClosureErasure(models.Model):
    """The erasure of a plan's customer data (PIPL Art. 47, GDPR Art. 17),
    one per plan, from the plan's data erasure date on. A scheduled job
    erases the cases in batches (several workers at once: cases are claimed
    with FOR UPDATE SKIP LOCKED and marked erased in the same transaction),
    keeps what accounting law requires (posted invoices, credit notes and
    payments with the customer's name and tax ID) and the anonymous figures
    of the registers, skips the cases under legal hold or in dispute, and
    counts what it did. Printed, it is the certificate for the liquidation
    file. Running it again erases only what is left.

    Trusted path: the job empties consent evidence and deletes attachments
    with ``closure.consent._closure_erasure_context()`` (a value no client
    can send, tools/trust.py); the evidence guards let it through."""

    _name = 'closure.erasure'
    _description = 'Closure Data Erasure'
    _order = 'id desc'

    name = fields.Char('Erasure', compute='_compute_name')
    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, readonly=True,
                              ondelete='restrict', index=True)
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    state = fields.Selection([('running', 'Running'), ('done', 'Done')], 'Status',
                             default='running', required=True, readonly=True)
    date_start = fields.Datetime('Started On', readonly=True)
    date_end = fields.Datetime('Finished On', readonly=True)
    user_id = fields.Many2one('res.users', 'Started By', readonly=True)
    run_count = fields.Integer('Runs', default=1, readonly=True)
    case_count = fields.Integer('Cases Anonymised', compute='_compute_counts')
    partner_count = fields.Integer('Contacts Anonymised', compute='_compute_counts')
    identity_kept_count = fields.Integer(
        'Contacts Keeping Name and Tax ID', compute='_compute_counts',
        help="Customers with posted invoices, credit notes or payments: their name, tax ID and country "
             "stay on the contact, as accounting law requires; everything else is erased.")
    message_count = fields.Integer('Messages Deleted', compute='_compute_counts')
    mail_count = fields.Integer('Mail and SMS Copies Deleted', compute='_compute_counts')
    attachment_count = fields.Integer('Attachments Deleted', compute='_compute_counts')
    evidence_count = fields.Integer('Consent Evidence Files Deleted', compute='_compute_counts')
    package_count = fields.Integer('Data Packages Deleted', compute='_compute_counts')
    consent_count = fields.Integer('Consents Emptied', compute='_compute_counts')
    token_count = fields.Integer('Answer Links Disabled', compute='_compute_counts')
    triage_count = fields.Integer('Triage Notes Emptied', compute='_compute_counts')
    recipient_count = fields.Integer('Notice Addresses Emptied', compute='_compute_counts')
    activity_count = fields.Integer('Activities Deleted', compute='_compute_counts')
    kept_move_count = fields.Integer('Posted Accounting Documents Kept', compute='_compute_counts')
    user_count = fields.Integer('Portal Users Archived and Anonymised', compute='_compute_counts')
    bank_count = fields.Integer('Bank Accounts Deleted', compute='_compute_counts')
    event_count = fields.Integer('Calendar Events Deleted', compute='_compute_counts')
    visitor_count = fields.Integer('Website Visitors Deleted', compute='_compute_counts')
    blacklist_kept_count = fields.Integer(
        'Addresses Kept on the Suppression List', compute='_compute_counts',
        help="Email addresses and phone numbers the customers blocked: kept on Odoo's blacklist so that "
             "they are never mailed again.")
    kept_note = fields.Text('Kept and Why', readonly=True)
    batch_ids = fields.One2many('closure.erasure.batch', 'erasure_id', string='Batches', readonly=True)
    skipped_case_ids = fields.Many2many(
        'crm.lead', 'closure_erasure_skipped_case_rel', 'erasure_id', 'lead_id', string='Skipped Cases',
        readonly=True, help="Cases under legal hold, with an open dispute or with a claim still owed (an open "
                            "refundable balance, a declared claim not settled): their data is kept.")
    skipped_count = fields.Integer('Cases Skipped', compute='_compute_skipped_count')

    _sql_constraints = [
        ('plan_uniq', 'UNIQUE(plan_id)', 'A plan has one erasure record; run it again to erase what is left.'),
    ]

    @api.depends('plan_id.name')
    def _compute_name(self):
        for erasure in self:
            erasure.name = _("Erasure of %(plan)s", plan=erasure.plan_id.name or '')

    @api.depends('batch_ids')
    def _compute_counts(self):
        totals = {erasure: values for erasure, *values in self.env['closure.erasure.batch']._read_group(
            [('erasure_id', 'in', self.ids)], ['erasure_id'], [f'{fname}:sum' for fname in ERASURE_COUNTS])}
        for erasure in self:
            values = totals.get(erasure._origin) or [0] * len(ERASURE_COUNTS)
            for fname, value in zip(ERASURE_COUNTS, values, strict=True):
                erasure[fname] = value or 0

    @api.depends('skipped_case_ids')
    def _compute_skipped_count(self):
        for erasure in self:
            erasure.skipped_count = len(erasure.skipped_case_ids)

    def init(self):
        res = super().init()
        # deleting an attachment makes PostgreSQL look up the attachments copied
        # from it (ir_attachment.original_id, not indexed by Odoo): without an
        # index, one scan of ir_attachment per deleted file
        self.env.cr.execute(SQL(
            """CREATE INDEX IF NOT EXISTS ir_attachment_original_id_closure_idx
                   ON ir_attachment (original_id) WHERE original_id IS NOT NULL"""))
        return res

    def action_print_certificate(self):
        self.ensure_one()
        return self.env.ref('closure_crm_data.action_report_closure_erasure').report_action(self)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _check_can_preview(self, plan):
        """Only closure managers (or the scheduled job) see or run the
        erasure of a plan's customer data."""
        if not (self.env.su or self.env.user.has_group('closure_crm.group_closure_manager')):
            raise AccessError(_("Only closure managers may erase or preview the erasure of customer data."))
        plan.check_access('read')

    @api.model
    def _check_can_erase(self, plan):
        """Only closure managers (or the scheduled job) erase, and never
        before the plan's data erasure date."""
        self._check_can_preview(plan)
        today = fields.Date.context_today(self)
        if not plan.data_erasure_date or plan.data_erasure_date > today:
            raise UserError(_(
                "Plan %(plan)s erases customer data from its Data Erasure Date (%(date)s) on, not before: "
                "customers may still export their data until then. Preview Erasure shows what it will erase.",
                plan=plan.name, date=plan.data_erasure_date or _("not set")))

    # ------------------------------------------------------------------
    # Starting, the scheduled job, finishing
    # ------------------------------------------------------------------
    @api.model
    def _ensure_for_plan(self, plan, rerun=False):
        """The plan's erasure record, created when missing (two workers at
        once: the second one finds the first one's record)."""
        erasure = self.sudo().search([('plan_id', '=', plan.id)])
        if not erasure:
            try:
                with mute_logger('odoo.sql_db'), self.env.cr.savepoint():
                    erasure = self.sudo().create({
                        'plan_id': plan.id, 'date_start': fields.Datetime.now(), 'user_id': self.env.uid,
                    })
            except errors.UniqueViolation:
                erasure = self.sudo().search([('plan_id', '=', plan.id)])
        elif rerun and erasure.state == 'done':
            erasure.write({'state': 'running', 'date_end': False, 'run_count': erasure.run_count + 1,
                           'user_id': self.env.uid})
        return erasure

    @api.model
    def _cron_erase(self):
        """Scheduled job: one batch of the first plan due for erasure, on the
        closure jobs' batch protocol (``ir.cron._closure_run_batch``). The
        cases are claimed with SKIP LOCKED, so several servers erase a plan
        together and no case twice. A record is closed by a call that finds
        none of its cases left (``_finish``), in a transaction that sees every
        server's batches: until then it counts as work remaining, so the job
        comes back at once after its last batch instead of at its next
        daily run."""
        self.env.ref('closure_crm_data.ir_cron_closure_erasure')._closure_run_batch(
            self._erase_due_batch, self._count_due_work)

    @api.model
    def _due_plans(self):
        """The plans due for erasure: from their data erasure date on, in
        progress or closed, and any plan whose erasure a manager started (or
        ran again) that is past its date, first due first."""
        today = fields.Date.context_today(self)
        plans = self.env['closure.plan'].search([
            ('data_erasure_date', '<=', today), ('state', 'in', ('in_progress', 'closed')),
        ], order='data_erasure_date, id')
        started = self.search([('state', '=', 'running'), ('plan_id.data_erasure_date', '<=', today)]).plan_id
        return plans, started

    @api.model
    def _erase_due_batch(self):
        """Erase one batch of the first due plan with cases left (its record
        made, or run again when cases became erasable: a claim paid, a hold
        lifted); the plans found with none left get their record closed on
        the way. Returns the cases erased."""
        plans, started = self._due_plans()
        done = self.search([('plan_id', 'in', plans.ids), ('state', '=', 'done')])
        for erasure in done._with_erasable_cases():
            self._ensure_for_plan(erasure.plan_id, rerun=True)
        done_plans = done.filtered(lambda erasure: erasure.state == 'done').plan_id
        for plan in (plans - done_plans) | started:
            erasure = self._ensure_for_plan(plan)
            erased = erasure._erase_batch()
            if erased:
                return erased
            erasure._finish()
        return 0

    @api.model
    def _count_due_work(self):
        """What the job has left: the cases of the due plans still to erase,
        and their erasure records still to close."""
        plans, started = self._due_plans()
        plans |= started
        if not plans:
            return 0
        self.env['crm.lead'].flush_model()
        self.env['closure.obligation'].flush_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM crm_lead l WHERE l.closure_plan_id IN %s AND %s",
                                tuple(plans.ids), self._erasable_sql()))
        cases = self.env.cr.fetchone()[0]
        return cases + self.search_count([('plan_id', 'in', plans.ids), ('state', '=', 'running')])

    def _run_until_done(self, limit=None):
        """Erase every case left in this transaction (small plans, demo,
        tests); the scheduled job does the same in committed batches."""
        self.ensure_one()
        while self._erase_batch(limit=limit):
            pass
        return self._finish()

    def _count_remaining(self):
        self.ensure_one()
        self.env['crm.lead'].flush_model()
        self.env['closure.obligation'].flush_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM crm_lead l WHERE %s", self._eligible_sql()))
        return self.env.cr.fetchone()[0]

    def _eligible_sql(self, plan=None):
        """Cases of the plan still to erase: not erased, not held, owing
        nothing to the customer (see _owed_sql)."""
        return SQL("l.closure_plan_id = %s AND %s", (plan or self.plan_id).id, self._erasable_sql())

    @api.model
    def _erasable_sql(self):
        """SQL true for a case (l) the erasure may erase now, whatever its plan."""
        return SQL("""l.closure_erased_date IS NULL
                      AND NOT COALESCE(l.closure_legal_hold, FALSE) AND NOT COALESCE(l.closure_dispute_open, FALSE)
                      AND NOT %s""", self._owed_sql())

    def _with_erasable_cases(self):
        """The erasures among these whose plan has cases to erase now, in one query."""
        if not self:
            return self
        self.env['crm.lead'].flush_model()
        self.env['closure.obligation'].flush_model()
        self.env.cr.execute(SQL(
            """SELECT e.id FROM closure_erasure e
                WHERE e.id IN %s
                  AND EXISTS (SELECT 1 FROM crm_lead l WHERE l.closure_plan_id = e.plan_id AND %s)""",
            tuple(self.ids), self._erasable_sql()))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _owed_sql(self, alias='l'):
        """SQL true for a case (``alias``) that still owes its customer: an
        obligation with a refundable amount, or a declared claim (under review,
        disputed, confirmed or unpaid), that is not settled, taken over by a
        receiver or waived. Erasing it would erase a creditor the liquidation
        still owes (Company Law 2023 Arts. 234-236): the erasure skips it."""
        return SQL(
            """EXISTS (SELECT 1 FROM closure_obligation o
                        WHERE o.lead_id = %s.id AND o.state NOT IN %s
                          AND (COALESCE(o.refundable_amount, 0) > 0 OR o.claim_declared_date IS NOT NULL))""",
            SQL.identifier(alias), OBLIGATION_DONE_STATES)

    @api.model
    def _owed_lead_ids(self, lead_ids):
        """The cases among ``lead_ids`` that still owe their customer, in one query."""
        if not lead_ids:
            return set()
        self.env['closure.obligation'].flush_model(['lead_id', 'state', 'refundable_amount', 'claim_declared_date'])
        self.env.cr.execute(SQL("SELECT l.id FROM crm_lead l WHERE l.id IN %s AND %s",
                                tuple(lead_ids), self._owed_sql()))
        return {row[0] for row in self.env.cr.fetchall()}

    def _finish(self):
        """Once no case is left, list the skipped cases and what was kept,
        and close the record. Two workers finishing at once: the second
        waits for the first and finds it done (or, when its transaction
        began before the first one closed it, leaves it to the first)."""
        self.ensure_one()
        try:
            with mute_logger('odoo.sql_db'), self.env.cr.savepoint():
                self.env.cr.execute(SQL("SELECT state FROM closure_erasure WHERE id = %s FOR NO KEY UPDATE",
                                        self.id))
        except errors.SerializationFailure:
            # another worker closed the record after this transaction's snapshot
            return False
        self.invalidate_recordset()
        if self.state == 'done' or self._count_remaining():
            return False
        plan = self.plan_id
        skipped = self.env['crm.lead'].with_context(active_test=False).search([
            ('closure_plan_id', '=', plan.id), ('closure_erased_date', '=', False)])
        obligation_count = self.env['closure.obligation'].sudo().search_count([('plan_id', '=', plan.id)])
        kept = [
            _("Cases: %(count)s kept without personal data, with their tier, segment, stage, amounts and dates, "
              "for the claims, consent and case registers.", count=self.case_count),
            _("Obligations: %(count)s kept with their type, amount, due date and state (claims register).",
              count=obligation_count),
            _("Consents: kept with their decision, date, channel and receiver, as evidence that every "
              "hand-over was agreed (PIPL Art. 22); address, browser, notes and files erased."),
        ]
        if 'account.move' in self.env:
            kept.append(_(
                "Accounting: %(moves)s posted invoices, credit notes and payments kept unchanged; %(partners)s "
                "customers keep their name, tax ID and country on their contact for them (accounting vouchers "
                "and books: 30 years in China, 6-10 years in EU states).",
                moves=self.kept_move_count, partners=self.identity_kept_count))
        kept.append(_(
            "Suppression list: %(count)s email addresses and phone numbers the customers blocked stay on Odoo's "
            "blacklist, unchanged, so that they are never mailed or texted again (PIPL Art. 44, GDPR Art. 21: "
            "the objection is honoured). Odoo compares plain addresses when it sends, so they cannot be kept "
            "as hashes; nothing else about the customer is kept with them.", count=self.blacklist_kept_count))
        kept.append(_(
            "Removed with the customers: portal users archived with their login and signature erased; bank "
            "accounts (except those named on accounting documents, kept with them); meetings, activities, "
            "messages and files on the cases, their transfers, consents, complaints, privileges, obligations "
            "and notice rows, and the messages on the plan that named them; website visits."))
        if skipped:
            kept.append(_("Skipped: %(count)s cases under legal hold, with an open dispute or with a claim still "
                          "owed keep their data until it is settled (listed with their reason).",
                          count=len(skipped)))
        self.sudo().write({
            'state': 'done',
            'date_end': fields.Datetime.now(),
            'skipped_case_ids': [fields.Command.set(skipped.ids)],
            'kept_note': '\n'.join(kept),
        })
        plan.message_post(body=_(
            "Customer data erased: %(cases)s cases, %(messages)s messages, %(attachments)s attachments; "
            "%(skipped)s cases skipped. The erasure certificate is on the plan.",
            cases=self.case_count, messages=self.message_count,
            attachments=self.attachment_count + self.evidence_count + self.package_count,
            skipped=len(skipped)))
        return True

    # ------------------------------------------------------------------
    # One batch
    # ------------------------------------------------------------------
    def _claim_batch(self, limit=None):
        """Lock up to ``limit`` cases to erase; cases another worker holds
        are skipped, so no case is erased twice."""
        self.ensure_one()
        self.env['crm.lead'].flush_model()
        self.env.cr.execute(SQL(
            """SELECT l.id FROM crm_lead l WHERE %s ORDER BY l.id LIMIT %s FOR UPDATE SKIP LOCKED""",
            self._eligible_sql(), limit or ERASURE_BATCH))
        return [row[0] for row in self.env.cr.fetchall()]

    def _erase_batch(self, limit=None):
        """Erase one batch of cases; return how many. Everything is written
        in the caller's transaction, the counts with it. Raises
        SerializationFailure when another worker committed a case this
        transaction's snapshot still saw as to do (Odoo's transactions are
        REPEATABLE READ): roll back and call again in a new transaction."""
        self.ensure_one()
        self.env.flush_all()
        lead_ids = self._claim_batch(limit)
        if not lead_ids:
            return 0
        counts = self._erase_cases(lead_ids)
        # one row per batch, inserted: workers never wait on each other's counts
        self.env.cr.execute(SQL(
            """INSERT INTO closure_erasure_batch (erasure_id, %s, create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC')""",
            SQL(', ').join(SQL.identifier(fname) for fname in counts), self.id,
            SQL(', ').join(SQL('%s', value) for value in counts.values()), self.env.uid, self.env.uid))
        self.env.invalidate_all()
        _logger.info("Closure erasure %s: %s cases erased", self.id, len(lead_ids))
        return len(lead_ids)

    @api.model
    def _closure_case_record_tables(self):
        """[(model, table)] of the records kept on a case whose messages,
        activities and files the erasure removes with the case's: closure_crm's
        hook ``crm.lead._closure_case_record_tables()``, which add-ons extend."""
        return self.env['crm.lead']._closure_case_record_tables()

    def _scope(self, lead_ids, plan=None):
        """{kind: ids} of what the cases ``lead_ids`` hold or touch; 'records'
        is {model: ids} of every record whose messages, activities and files
        go with the cases."""
        cr = self.env.cr
        leads = tuple(lead_ids)

        def ids(query):
            cr.execute(query)
            return tuple(row[0] for row in cr.fetchall()) or (0,)

        # the customers and their contact persons, portal users' contacts
        # included; never an employee's or a company's own contact, nor one
        # another case not erased yet still needs
        partners = ids(SQL(
            """SELECT p.id FROM res_partner p
                WHERE (p.id IN (SELECT partner_id FROM crm_lead WHERE id IN %(leads)s)
                       OR p.parent_id IN (SELECT partner_id FROM crm_lead WHERE id IN %(leads)s))
                  AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id AND NOT u.share)
                  AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM crm_lead o
                                   WHERE o.partner_id = p.id AND o.closure_plan_id IS NOT NULL
                                     AND o.closure_erased_date IS NULL AND o.id NOT IN %(leads)s)""",
            leads=leads))
        all_leads = ids(SQL(
            """SELECT id FROM crm_lead WHERE id IN %s
               UNION SELECT id FROM crm_lead WHERE closure_plan_id IS NULL AND partner_id IN %s""",
            leads, partners))
        transfers = ids(SQL("SELECT id FROM closure_transfer WHERE lead_id IN %s", leads))
        records = {'crm.lead': all_leads, 'res.partner': partners, 'closure.transfer': transfers}
        for model, table in self._closure_case_record_tables():
            if model in self.env:
                records[model] = ids(SQL("SELECT id FROM %s WHERE lead_id IN %s", SQL.identifier(table), leads))
        users = ids(SQL("SELECT id FROM res_users WHERE partner_id IN %s AND share", partners))
        # meetings about the cases or with the customers (crm links them to the lead)
        events = (0,)
        if 'calendar.event' in self.env:
            events = ids(SQL(
                """SELECT id FROM calendar_event WHERE opportunity_id IN %(all_leads)s
                    UNION SELECT id FROM calendar_event WHERE res_model = 'crm.lead' AND res_id IN %(all_leads)s
                    UNION SELECT event_id FROM calendar_attendee WHERE partner_id IN %(partners)s
                    UNION SELECT calendar_event_id FROM calendar_event_res_partner_rel
                           WHERE res_partner_id IN %(partners)s""",
                all_leads=all_leads, partners=partners))
            records['calendar.event'] = events
        messages = ids(SQL(
            """SELECT id FROM mail_message WHERE %s
               UNION %s""",
            self._records_sql(records, 'model', 'res_id'),
            self._plan_messages_sql(plan or self.plan_id, partners, leads)))
        return {'leads': leads, 'partners': partners, 'all_leads': all_leads, 'transfers': transfers,
                'consents': records.get('closure.consent', (0,)), 'messages': messages, 'records': records,
                'users': users, 'events': events}

    def _records_sql(self, records, model_column, id_column):
        """SQL true for a row whose (``model_column``, ``id_column``) is one of ``records``."""
        return SQL(' OR ').join(
            SQL("(%s = %s AND %s IN %s)", SQL.identifier(model_column), model, SQL.identifier(id_column), ids)
            for model, ids in records.items())

    def _markers_sql(self, partners, leads, contact=True):
        """SQL selecting (marker), lowercase, what names the customers
        ``partners`` of the cases ``leads`` in a text: name and email, with
        ``contact`` also phone and street (4 characters at least: shorter
        ones would match unrelated text)."""
        contact_markers = SQL(
            """UNION SELECT p.phone FROM res_partner p WHERE p.id IN %(partners)s
               UNION SELECT p.street FROM res_partner p WHERE p.id IN %(partners)s""",
            partners=partners) if contact else SQL('')
        return SQL(
            """SELECT DISTINCT LOWER(marker) AS marker FROM (
                   SELECT p.name AS marker FROM res_partner p WHERE p.id IN %(partners)s
                   UNION SELECT p.email FROM res_partner p WHERE p.id IN %(partners)s
                   UNION SELECT l.contact_name FROM crm_lead l WHERE l.id IN %(leads)s
                   UNION SELECT l.email_from FROM crm_lead l WHERE l.id IN %(leads)s
                   %(contact)s
               ) markers WHERE LENGTH(marker) >= 4""",
            partners=partners, leads=leads, contact=contact_markers)

    def _plan_messages_sql(self, plan, partners, leads):
        """SQL selecting the messages on the plan and its notice waves that
        name one of the customers ``partners`` of the cases ``leads`` (by
        name or email, see _markers_sql), are theirs or were sent to them.
        Each text is compared with every marker: the texts are lowered once."""
        return SQL(
            """SELECT m.id FROM (
                   SELECT id, author_id, LOWER(CONCAT_WS(' ', body, subject)) AS text FROM mail_message
                    WHERE (model = 'closure.plan' AND res_id = %(plan)s)
                       OR (model = 'closure.notice.wave'
                           AND res_id IN (SELECT id FROM closure_notice_wave WHERE plan_id = %(plan)s))
               ) m
                WHERE m.author_id IN %(partners)s
                   OR EXISTS (SELECT 1 FROM mail_message_res_partner_rel r
                               WHERE r.mail_message_id = m.id AND r.res_partner_id IN %(partners)s)
                   OR EXISTS (SELECT 1 FROM (%(markers)s) markers WHERE POSITION(markers.marker IN m.text) > 0)""",
            plan=plan.id, partners=partners, markers=self._markers_sql(partners, leads, contact=False))

    def _attachments_sql(self, scope, select):
        """SELECT ``select`` from the attachments of the records of ``scope``
        (cases, customers, transfers, consents and the other closure records,
        meetings: the consent evidence files and the data packages among
        them) and the files of the messages."""
        return SQL(
            """SELECT %(select)s FROM ir_attachment
                WHERE %(records)s
                   OR id IN (SELECT attachment_id FROM message_attachment_rel WHERE message_id IN %(messages)s)""",
            select=select, records=self._records_sql(scope['records'], 'res_model', 'res_id'),
            messages=scope['messages'])

    def _accounting_partners(self, partners):
        """(partners with posted accounting documents, count of those documents);
        read only when Invoicing is installed, without depending on it."""
        if 'account.move' not in self.env:
            return (0,), 0
        self.env['account.move'].flush_model(['state', 'partner_id', 'commercial_partner_id'])
        self.env.cr.execute(SQL(
            """SELECT p.id, COUNT(DISTINCT m.id) FROM res_partner p
                 JOIN account_move m ON m.state = 'posted'
                                    AND (m.partner_id = p.id OR m.commercial_partner_id = p.id)
                WHERE p.id IN %s GROUP BY p.id""", partners))
        rows = self.env.cr.fetchall()
        return tuple(row[0] for row in rows) or (0,), sum(row[1] for row in rows)

    def _erase_cases(self, lead_ids):
        """Erase the personal data of the cases ``lead_ids`` (locked by the
        caller) and of their customers; return the counts per kind."""
        cr = self.env.cr
        scope = self._scope(lead_ids)
        counts = dict.fromkeys(ERASURE_COUNTS, 0)

        # attachments (see _attachments_sql)
        cr.execute(self._attachments_sql(scope, SQL("id, res_model")))
        attachments = cr.fetchall()
        for _id, res_model in attachments:
            kind = ATTACHMENT_KINDS.get(res_model, 'attachment_count')
            counts[kind] += 1
        if attachments:
            # trusted path: evidence guards let the erasure through (see the class doc)
            erasure = self.env['closure.consent']._closure_erasure_context()
            self.env['ir.attachment'].sudo().with_context(closure_erasure=True, **erasure).browse(
                [row[0] for row in attachments]).unlink()

        # the real-time notifications sent with these messages (Odoo's bus keeps them a
        # day) carry their bodies: those of the same transactions that name the customers
        cr.execute(SQL(
            """DELETE FROM bus_bus b
                USING (SELECT id, LOWER(message) AS text FROM bus_bus
                        WHERE create_date IN (SELECT create_date FROM mail_message WHERE id IN %s)) sent
                WHERE b.id = sent.id
                  AND EXISTS (SELECT 1 FROM (%s) markers WHERE POSITION(markers.marker IN sent.text) > 0)""",
            scope['messages'], self._markers_sql(scope['partners'], scope['leads'])))
        # messages and their mail and SMS copies (notifications, tracking values cascade)
        cr.execute(SQL("DELETE FROM mail_mail WHERE mail_message_id IN %s", scope['messages']))
        counts['mail_count'] += cr.rowcount
        if 'sms.sms' in self.env:
            cr.execute(SQL("DELETE FROM sms_sms WHERE mail_message_id IN %s", scope['messages']))
            counts['mail_count'] += cr.rowcount
        cr.execute(SQL("DELETE FROM mail_message WHERE id IN %s", scope['messages']))
        counts['message_count'] += cr.rowcount
        cr.execute(SQL("DELETE FROM mail_activity WHERE %s",
                       self._records_sql(scope['records'], 'res_model', 'res_id')))
        counts['activity_count'] += cr.rowcount
        self._erase_around(scope, counts)

        # consents keep the decision, date, channel and receiver; not how the answer came in
        consent_columns = self.env['closure.consent']._closure_erasure_columns()
        cr.execute(SQL(
            "UPDATE closure_consent SET %s WHERE id IN %s AND (%s)",
            SQL(', ').join(SQL("%s = NULL", SQL.identifier(column)) for column in consent_columns),
            scope['consents'],
            SQL(' OR ').join(SQL("%s IS NOT NULL", SQL.identifier(column)) for column in consent_columns)))
        counts['consent_count'] += cr.rowcount
        cr.execute(SQL(
            """UPDATE closure_transfer SET decline_reason = NULL, package_attachment_id = NULL
                WHERE id IN %s AND (decline_reason IS NOT NULL OR package_attachment_id IS NOT NULL)""",
            scope['transfers']))
        cr.execute(SQL(
            """UPDATE closure_notice_recipient SET address = NULL, letter_body = NULL, failure_detail = NULL
                WHERE lead_id IN %s
                  AND (address IS NOT NULL OR letter_body IS NOT NULL OR failure_detail IS NOT NULL)""",
            scope['leads']))
        counts['recipient_count'] += cr.rowcount
        cr.execute(SQL("UPDATE closure_obligation SET note = NULL WHERE lead_id IN %s AND note IS NOT NULL",
                       scope['leads']))

        # the cases: tokens, triage notes, contact data; figures, tiers, stages and dates stay
        cr.execute(SQL(
            """SELECT COUNT(*) FILTER (WHERE closure_access_token IS NOT NULL),
                      COUNT(*) FILTER (WHERE closure_reply_terms IS NOT NULL OR closure_reply_mood IS NOT NULL)
                 FROM crm_lead WHERE id IN %s""", scope['leads']))
        counts['token_count'], counts['triage_count'] = cr.fetchone()
        lead_columns = [column for column in LEAD_PERSONAL_COLUMNS if self._stored(self.env['crm.lead'], column)]
        personal = SQL(', ').join(SQL("%s = NULL", SQL.identifier(column)) for column in lead_columns)
        # the customer's other leads (the won deals tiering read) lose their contact data too
        cr.execute(SQL(
            """UPDATE crm_lead SET name = %s || id, %s
                WHERE id IN %s AND id NOT IN %s""",
            _("Erased case #"), personal, scope['all_leads'], scope['leads']))
        # one UPDATE per case row: each row version costs an entry in crm_lead's ~30 indexes
        cr.execute(SQL(
            """UPDATE crm_lead
                  SET name = %s || id, %s,
                      closure_access_token = NULL, closure_reply_terms = NULL, closure_reply_mood = NULL,
                      closure_reply_date = NULL, closure_process_dependencies = NULL,
                      closure_replacement_needs = NULL, closure_legal_hold_reason = NULL,
                      closure_erased_date = NOW() AT TIME ZONE 'UTC', closure_erasure_id = %s,
                      write_date = NOW() AT TIME ZONE 'UTC', write_uid = %s
                WHERE id IN %s""", _("Erased case #"), personal, self.id, self.env.uid, scope['leads']))
        counts['case_count'] += cr.rowcount

        # the customers: anonymised; with posted accounting documents they keep
        # the minimum identity those need (name, tax ID, company number, country)
        if scope['partners'] != (0,):
            accounting, move_count = self._accounting_partners(scope['partners'])
            counts['identity_kept_count'] = len(accounting) if accounting != (0,) else 0
            Partner = self.env['res.partner']
            contact_columns = [column for column in PARTNER_CONTACT_COLUMNS if self._stored(Partner, column)]
            identity_columns = [column for column in PARTNER_IDENTITY_COLUMNS if self._stored(Partner, column)]
            cr.execute(SQL(
                """UPDATE res_partner SET %(contact)s,
                          name = CASE WHEN id IN %(accounting)s THEN name ELSE %(erased)s || id END,
                          %(identity)s,
                          write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s
                    WHERE id IN %(partners)s""",
                contact=SQL(', ').join(SQL("%s = NULL", SQL.identifier(column)) for column in contact_columns),
                identity=SQL(', ').join(
                    SQL("%s = CASE WHEN id IN %s THEN %s ELSE NULL END", SQL.identifier(column), accounting,
                        SQL.identifier(column)) for column in identity_columns),
                accounting=accounting, erased=_("Erased customer #"), uid=self.env.uid,
                partners=scope['partners']))
            counts['partner_count'] += cr.rowcount - counts['identity_kept_count']
            counts['kept_move_count'] = move_count
            # names shown elsewhere (company name on contacts, complete name) follow
            partners = Partner.browse(scope['partners']).exists()
            partners.invalidate_recordset()
            for fname in ('commercial_company_name', 'complete_name'):
                if self._stored(Partner, fname):
                    self.env.add_to_compute(Partner._fields[fname], partners)
            partners.flush_recordset()
        # what add-ons keep on these cases (closure_crm's hook: privileges, complaints...)
        self.env['crm.lead']._closure_erase_case_records(lead_ids)
        return counts

    def _erase_around(self, scope, counts):
        """What surrounds the customers of ``scope``: their portal users
        (archived, login and signature erased: they can no longer sign in),
        bank accounts (except those named on accounting documents, kept with
        them), meetings, website visitors; the blacklisted addresses stay as
        the suppression list, counted."""
        cr = self.env.cr
        partners = scope['partners']
        if partners == (0,):
            return
        if scope['users'] != (0,):
            User = self.env['res.users']
            columns = [column for column in USER_PERSONAL_COLUMNS if self._stored(User, column)]
            cr.execute(SQL(
                """UPDATE res_users SET active = FALSE, login = %s || id, password = NULL, %s,
                          write_date = NOW() AT TIME ZONE 'UTC', write_uid = %s
                    WHERE id IN %s""",
                'erased-user-', SQL(', ').join(SQL("%s = NULL", SQL.identifier(column)) for column in columns),
                self.env.uid, scope['users']))
            counts['user_count'] += cr.rowcount
            User.invalidate_model()
        # bank accounts: those named on accounting documents stay with them (accounting law)
        referenced = SQL('')
        if 'account.move' in self.env:
            referenced = SQL(
                """AND NOT EXISTS (SELECT 1 FROM account_move m WHERE m.partner_bank_id = b.id)
                   AND NOT EXISTS (SELECT 1 FROM account_payment y WHERE y.partner_bank_id = b.id)""")
        cr.execute(SQL("DELETE FROM res_partner_bank b WHERE b.partner_id IN %s %s", partners, referenced))
        counts['bank_count'] += cr.rowcount
        if scope['events'] != (0,):
            # a meeting with other outside guests keeps them: only the customers leave it
            internal = SQL("SELECT partner_id FROM res_users WHERE NOT share")
            cr.execute(SQL(
                """SELECT DISTINCT a.event_id FROM calendar_attendee a
                    WHERE a.event_id IN %s AND a.partner_id NOT IN %s AND a.partner_id NOT IN (%s)""",
                scope['events'], partners, internal))
            shared = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute(SQL("DELETE FROM calendar_attendee WHERE event_id IN %s AND partner_id IN %s",
                           shared, partners))
            cr.execute(SQL(
                "DELETE FROM calendar_event_res_partner_rel WHERE calendar_event_id IN %s AND res_partner_id IN %s",
                shared, partners))
            cr.execute(SQL("DELETE FROM calendar_event WHERE id IN %s AND id NOT IN %s", scope['events'], shared))
            counts['event_count'] += cr.rowcount
            self.env['calendar.event'].invalidate_model()
            self.env['calendar.attendee'].invalidate_model()
        if 'website.visitor' in self.env:
            cr.execute(SQL("DELETE FROM website_visitor WHERE partner_id IN %s", partners))
            counts['visitor_count'] += cr.rowcount
        # the suppression list: what the customers blocked stays blocked (kept, counted)
        cr.execute(SQL(
            """SELECT COUNT(*) FROM mail_blacklist
                WHERE active AND email IN (SELECT email_normalized FROM res_partner
                                            WHERE id IN %s AND email_normalized IS NOT NULL)""", partners))
        counts['blacklist_kept_count'] += cr.fetchone()[0]
        if 'phone.blacklist' in self.env:
            cr.execute(SQL(
                """SELECT COUNT(*) FROM phone_blacklist
                    WHERE active AND number IN (SELECT phone_sanitized FROM res_partner
                                                 WHERE id IN %s AND phone_sanitized IS NOT NULL)""", partners))
            counts['blacklist_kept_count'] += cr.fetchone()[0]

    def _stored(self, model, fname):
        field = model._fields.get(fname)
        return bool(field and field.store and field.column_type)

    # ------------------------------------------------------------------
    # Preview: what the erasure would do, without changing anything
    # ------------------------------------------------------------------
    @api.model
    def _preview_counts(self, plan):
        """{kind: count} the erasure of ``plan`` would erase now."""
        self._check_can_preview(plan)
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT l.id FROM crm_lead l WHERE %s", self._eligible_sql(plan)))
        lead_ids = [row[0] for row in self.env.cr.fetchall()]
        counts = {'case_count': len(lead_ids)}
        if not lead_ids:
            return counts
        scope = self._scope(lead_ids, plan)
        cr = self.env.cr

        def count(query):
            cr.execute(query)
            return cr.fetchone()[0]

        real = [partner_id for partner_id in scope['partners'] if partner_id]
        counts['partner_count'] = len(real)
        counts['message_count'] = len([message for message in scope['messages'] if message])
        counts['mail_count'] = count(SQL(
            "SELECT COUNT(*) FROM mail_mail WHERE mail_message_id IN %s", scope['messages']))
        cr.execute(
            self._attachments_sql(
                scope,
                SQL(
                    """COUNT(*) FILTER (WHERE res_model = 'closure.consent'),
               COUNT(*) FILTER (WHERE res_model = 'closure.transfer'),
               COUNT(*) FILTER (WHERE res_model NOT IN ('closure.consent', 'closure.transfer') OR res_model IS NULL)"""
                ),
            )
        )
        counts['evidence_count'], counts['package_count'], counts['attachment_count'] = cr.fetchone()
        counts['consent_count'] = len([consent for consent in scope['consents'] if consent])
        cr.execute(SQL(
            """SELECT COUNT(*) FILTER (WHERE closure_access_token IS NOT NULL),
                      COUNT(*) FILTER (WHERE closure_reply_terms IS NOT NULL OR closure_reply_mood IS NOT NULL)
                 FROM crm_lead WHERE id IN %s""", scope['leads']))
        counts['token_count'], counts['triage_count'] = cr.fetchone()
        counts['recipient_count'] = count(SQL(
            """SELECT COUNT(*) FROM closure_notice_recipient
                WHERE lead_id IN %s
                  AND (address IS NOT NULL OR letter_body IS NOT NULL OR failure_detail IS NOT NULL)""",
            scope['leads']))
        counts['activity_count'] = count(SQL(
            "SELECT COUNT(*) FROM mail_activity WHERE %s",
            self._records_sql(scope['records'], 'res_model', 'res_id')))
        counts['user_count'] = len([user for user in scope['users'] if user])
        counts['event_count'] = len([event for event in scope['events'] if event])
        accounting, moves = self._accounting_partners(scope['partners'])
        counts['kept_move_count'] = moves
        counts['identity_kept_count'] = len([partner_id for partner_id in accounting if partner_id])
        counts['partner_count'] -= counts['identity_kept_count']
        return counts

    @api.model
    def _preview(self, plan):
        """What the erasure report shows a manager, at any time: when the
        erasure may run, what it would erase as things stand now, what it
        keeps by law, and the cases it holds back with their reason."""
        self._check_can_preview(plan)
        counts = self._preview_counts(plan)
        labels = self._count_labels()
        today = fields.Date.context_today(self)
        cr = self.env.cr
        cr.execute(SQL(
            """SELECT COUNT(*) FILTER (WHERE COALESCE(l.closure_legal_hold, FALSE)),
                      COUNT(*) FILTER (WHERE COALESCE(l.closure_dispute_open, FALSE)),
                      COUNT(*) FILTER (WHERE %(owed)s),
                      COUNT(*)
                 FROM crm_lead l
                WHERE l.closure_plan_id = %(plan)s AND l.closure_erased_date IS NULL AND NOT (%(erasable)s)""",
            owed=self._owed_sql(), plan=plan.id, erasable=self._erasable_sql()))
        hold, dispute, owed, held = cr.fetchone()
        cr.execute(SQL(
            """SELECT l.id FROM crm_lead l
                WHERE l.closure_plan_id = %(plan)s AND l.closure_erased_date IS NULL AND NOT (%(erasable)s)
                ORDER BY l.id LIMIT %(limit)s""",
            plan=plan.id, erasable=self._erasable_sql(), limit=PREVIEW_HELD_LIMIT))
        held_cases = self.env['crm.lead'].with_context(active_test=False).browse([row[0] for row in cr.fetchall()])
        cr.execute(SQL("SELECT COUNT(*) FROM crm_lead WHERE closure_plan_id = %s AND closure_erased_date IS NOT NULL",
                       plan.id))
        erased = cr.fetchone()[0]
        kept = ('identity_kept_count', 'kept_move_count')
        return {
            'date': plan.data_erasure_date,
            'today': today,
            'due': bool(plan.data_erasure_date and plan.data_erasure_date <= today),
            'erase': [(labels[fname], counts[fname]) for fname in ERASURE_COUNTS
                      if fname in counts and fname not in kept],
            'kept': [(labels[fname], counts.get(fname, 0)) for fname in kept],
            'held': [(label, count) for label, count in (
                (_("Legal hold"), hold), (_("Open dispute"), dispute),
                (_("A claim still owed to the customer"), owed)) if count],
            'held_count': held,
            'held_cases': held_cases,
            'held_more': max(held - len(held_cases), 0),
            'erased_count': erased,
            'erasure': plan.erasure_id,
        }

    @api.model
    def _count_labels(self):
        """{kind: label}: the fields' own (translated) labels."""
        return {fname: self._fields[fname]._description_string(self.env) for fname in ERASURE_COUNTS}
