import io
from collections import namedtuple

import xlsxwriter

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# rows read per query: keyset pages on the case (or consent) id, so a
# register of 100k cases never holds more than one page of rows in Python
REGISTER_BATCH = 5000

# a column of a register: its title, its cell kind (text, money, date,
# datetime), its width and, for stored values shown by their label (a
# selection, a boolean), the label of each value
Column = namedtuple('Column', 'label kind width labels', defaults=(None,))


class ClosureRegister(models.AbstractModel):
    """The closure's registers as XLSX workbooks, for the liquidation group
    and the auditors: the claims register (customers the company owes
    money), the consent register (every recorded answer, the evidence of
    each hand-over) and the case register (every customer's state).

    Rows are read with one SQL query per page of REGISTER_BATCH and written
    with xlsxwriter in constant-memory mode, so memory does not grow with
    the number of customers. The caller checks who may export (managers:
    the registers hold every customer of the plan)."""
    _name = 'closure.register'
    _description = 'Closure Registers (XLSX)'

    @api.model
    def _registers(self):
        return {
            'claims': _("Claims Register"),
            'consents': _("Consent Register"),
            'cases': _("Case Register"),
        }

    @api.model
    def _export_xlsx(self, plan, register):
        """(file name, XLSX bytes, row count) of ``register`` for ``plan``."""
        plan.ensure_one()
        titles = self._registers()
        if register not in titles:
            raise UserError(_("Unknown register '%(register)s'.", register=register))
        columns, pages = getattr(self, f'_register_{register}')(plan)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'constant_memory': True, 'remove_timezone': True})
        currency = plan.company_id.currency_id
        money = '#,##0.%s' % ('0' * currency.decimal_places) if currency.decimal_places else '#,##0'
        formats = {
            'title': workbook.add_format({'bold': True, 'font_size': 14}),
            'header': workbook.add_format({'bold': True, 'bg_color': '#E9ECEF', 'border': 1, 'text_wrap': True}),
            'text': workbook.add_format({}),
            'date': workbook.add_format({'num_format': 'yyyy-mm-dd'}),
            'datetime': workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'}),
            'money': workbook.add_format({'num_format': money}),
        }
        sheet = workbook.add_worksheet(titles[register][:31])
        sheet.write(0, 0, _("%(register)s: %(plan)s (%(currency)s)", register=titles[register],
                            plan=plan.name, currency=currency.name), formats['title'])
        for col, column in enumerate(columns):
            sheet.set_column(col, col, column.width)
        for col, column in enumerate(columns):
            sheet.write(2, col, column.label, formats['header'])
        # typed writers: xlsxwriter's generic write() guesses the type of every cell
        writers = {'text': sheet.write_string, 'money': sheet.write_number,
                   'date': sheet.write_datetime, 'datetime': sheet.write_datetime}
        cells = [(col, writers[column.kind], formats[column.kind]) for col, column in enumerate(columns)]
        row_index = 3
        for rows in pages:
            for row in rows:
                for (col, write, cell_format), value in zip(cells, row, strict=False):
                    if value is not None and value is not False and value != '':
                        write(row_index, col, value, cell_format)
                row_index += 1
        count = row_index - 3
        if count:
            sheet.autofilter(2, 0, row_index - 1, len(columns) - 1)
        sheet.freeze_panes(3, 1)
        workbook.close()
        filename = f'{titles[register]} - {plan.name}.xlsx'
        return filename, output.getvalue(), count

    # ------------------------------------------------------------------
    # Pages of rows: the plumbing every register shares
    # ------------------------------------------------------------------
    def _pages(self, key, query_for_page, columns):
        """Pages of the register's rows, read in keyset order on ``key`` (an
        SQL expression): ``query_for_page(last_id)`` selects ``key`` then one
        value per column, keeps only the rows with ``key > last_id`` and is
        run, ordered on ``key`` and limited to REGISTER_BATCH rows, until it
        returns no row. The values of the columns with ``labels`` are shown
        by their label; a list of values (array_agg) by its labels, sorted
        and joined."""
        labelled = [(index, column.labels) for index, column in enumerate(columns) if column.labels is not None]
        self.env.flush_all()  # the register reads the tables: what this transaction changed is in them
        last_id = 0
        while True:
            self.env.cr.execute(SQL("%s ORDER BY %s LIMIT %s", query_for_page(last_id), key, REGISTER_BATCH))
            rows = self.env.cr.fetchall()
            if not rows:
                return
            last_id = rows[-1][0]
            page = [list(row[1:]) for row in rows]
            for row in page:  # a register has 100k rows: no function call per cell
                for index, labels in labelled:
                    value = row[index]
                    row[index] = ', '.join(labels.get(item, item) for item in sorted(value)) \
                        if value.__class__ is list else labels.get(value)
            yield page

    def _labels(self, model, fname):
        """The label of each value of a selection field, in the user's language."""
        return dict(self.env[model]._fields[fname]._description_selection(self.env))

    # ------------------------------------------------------------------
    # The registers
    # ------------------------------------------------------------------
    def _register_claims(self, plan):
        """Every creditor among the customers, one row each: prepaid balances,
        deposits, the unused share of subscriptions, paid but undelivered
        milestones and contracts; when and through which channel the claim
        was declared, its regime and due date (declared claims are not paid
        before the declaration period ends), and the refunds already paid."""
        segments = self._labels('crm.lead', 'closure_segment')
        tiers = self._labels('crm.lead', 'closure_tier')
        kinds = self._labels('closure.obligation', 'obligation_type')
        channels = self._labels('closure.obligation', 'claim_channel')
        regimes = self._labels('closure.obligation', 'refund_regime')
        reviews = self._labels('closure.obligation', 'claim_review_state')
        columns = [
            Column(_("Customer"), 'text', 32),
            Column(_("Tax ID"), 'text', 16),
            Column(_("Email"), 'text', 28),
            Column(_("Phone"), 'text', 18),
            Column(_("Segment"), 'text', 8, segments),
            Column(_("Tier"), 'text', 6, tiers),
            Column(_("Prepaid Balance"), 'money', 14),
            Column(_("Deposits"), 'money', 14),
            Column(_("Subscriptions (Unused Share)"), 'money', 14),
            Column(_("Paid, Not Delivered"), 'money', 14),
            Column(_("Total Owed"), 'money', 14),
            Column(_("Creditor Kinds"), 'text', 30, kinds),
            Column(_("Source Documents"), 'text', 36),
            Column(_("Notified On"), 'date', 12),
            Column(_("Claim Deadline"), 'date', 12),
            Column(_("Claim Declared On"), 'date', 12),
            Column(_("Declared Through"), 'text', 16, channels),
            Column(_("Refund Regime"), 'text', 24, regimes),
            Column(_("Refund Due By"), 'date', 12),
            Column(_("Review"), 'text', 14, reviews),
            Column(_("Confirmed Amount"), 'money', 14),
            Column(_("Refund Paid"), 'money', 14),
            Column(_("Refund Paid On"), 'date', 12),
            Column(_("Payment Reference"), 'text', 18),
            Column(_("Closure Step"), 'text', 18),
            Column(_("Case Owner"), 'text', 20),
        ]

        def query(last_id):
            return SQL(
                """
                SELECT lead.id, partner.name, partner.vat, partner.email, COALESCE(partner.phone, partner.mobile),
                       lead.closure_segment, lead.closure_tier,
                       SUM(o.refundable_amount) FILTER (WHERE o.state = 'open' AND o.obligation_type = 'prepaid'),
                       SUM(o.refundable_amount) FILTER (WHERE o.state = 'open' AND o.obligation_type = 'deposit'),
                       SUM(o.refundable_amount) FILTER (WHERE o.state = 'open' AND o.obligation_type = 'subscription'),
                       SUM(o.refundable_amount) FILTER (WHERE o.state = 'open'
                                                          AND o.obligation_type IN ('milestone', 'contract', 'other')),
                       COALESCE(SUM(o.refundable_amount) FILTER (WHERE o.state = 'open'), 0),
                       array_agg(DISTINCT o.obligation_type),
                       string_agg(o.name, '; ' ORDER BY o.id) FILTER (WHERE o.source <> 'manual'),
                       lead.closure_notified_date, lead.closure_claim_deadline,
                       MIN(o.claim_declared_date),
                       array_agg(DISTINCT o.claim_channel) FILTER (WHERE o.claim_channel IS NOT NULL),
                       array_agg(DISTINCT o.refund_regime) FILTER (WHERE o.refund_regime IS NOT NULL),
                       MAX(o.refund_due_date) FILTER (WHERE o.state = 'open'),
                       array_agg(DISTINCT o.claim_review_state) FILTER (WHERE o.claim_review_state IS NOT NULL),
                       SUM(o.claim_confirmed_amount) FILTER (WHERE o.claim_review_state = 'confirmed'),
                       SUM(o.refund_paid_amount), MAX(o.refund_paid_date),
                       string_agg(o.refund_reference, ', ' ORDER BY o.id),
                       %(stage)s, owner.name
                  FROM crm_lead lead
                  JOIN closure_obligation o
                    ON o.lead_id = lead.id AND o.lead_id > %(last_id)s AND o.refundable_amount > 0
                   AND (o.state = 'open' OR o.refund_paid_date IS NOT NULL)
                  JOIN res_partner partner ON partner.id = lead.partner_id
             LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
             LEFT JOIN res_users users ON users.id = lead.user_id
             LEFT JOIN res_partner owner ON owner.id = users.partner_id
                 WHERE lead.closure_plan_id = %(plan)s AND lead.id > %(last_id)s
              GROUP BY lead.id, partner.id, stage.id, owner.id""",
                stage=self.env['crm.stage']._field_to_sql('stage', 'name'),
                plan=plan.id,
                last_id=last_id,
            )
        return columns, self._pages(SQL('lead.id'), query, columns)

    def _register_consents(self, plan):
        """Every answer recorded for a transfer: who decided what, for which
        receiver and data, how, when, recorded by whom, with what evidence."""
        decisions = self._labels('closure.consent', 'decision')
        channels = self._labels('closure.consent', 'channel')
        columns = [
            Column(_("Answered On"), 'datetime', 17),
            Column(_("Customer"), 'text', 32),
            Column(_("Decision"), 'text', 26, decisions),
            Column(_("Receiver"), 'text', 28),
            Column(_("Data They Agree to Share"), 'text', 36),
            Column(_("Channel"), 'text', 16, channels),
            Column(_("Recorded By"), 'text', 20),
            Column(_("Evidence File"), 'text', 20),
            Column(_("Note"), 'text', 48),
        ]

        def query(last_id):
            return SQL(
                """
                SELECT consent.id, consent.date, partner.name, consent.decision, receiver.name,
                       (SELECT string_agg(%(category)s, ', ' ORDER BY category.sequence, category.id)
                          FROM closure_consent_data_category_rel rel
                          JOIN closure_data_category category ON category.id = rel.category_id
                         WHERE rel.consent_id = consent.id),
                       consent.channel, recorder.name, consent.evidence_filename, consent.note
                  FROM closure_consent consent
                  JOIN res_partner partner ON partner.id = consent.partner_id
             LEFT JOIN res_partner receiver ON receiver.id = consent.receiver_id
             LEFT JOIN res_users users ON users.id = consent.user_id
             LEFT JOIN res_partner recorder ON recorder.id = users.partner_id
                 WHERE consent.plan_id = %(plan)s AND consent.id > %(last_id)s""",
                category=self.env['closure.data.category']._field_to_sql('category', 'name'),
                plan=plan.id,
                last_id=last_id,
            )
        return columns, self._pages(SQL('consent.id'), query, columns)

    def _register_cases(self, plan):
        """Every customer of the plan and where their closure stands."""
        segments = self._labels('crm.lead', 'closure_segment')
        tiers = self._labels('crm.lead', 'closure_tier')
        moods = self._labels('crm.lead', 'closure_reply_mood')
        states = self._labels('closure.transfer', 'state')
        yes_no = {True: _("Yes"), False: _("No"), None: _("No")}
        columns = [
            Column(_("Customer"), 'text', 32),
            Column(_("Segment"), 'text', 8, segments),
            Column(_("Tier"), 'text', 6, tiers),
            Column(_("Revenue in Window"), 'money', 14),
            Column(_("Closure Step"), 'text', 18),
            Column(_("Case Owner"), 'text', 20),
            Column(_("Notified On"), 'date', 12),
            Column(_("Reply Mood"), 'text', 14, moods),
            Column(_("Receiver"), 'text', 28),
            Column(_("Transfer Status"), 'text', 18, states),
            Column(_("Refund Due"), 'money', 14),
            Column(_("Holds Customer Data"), 'text', 10, yes_no),
            Column(_("Data Copy Requested On"), 'date', 12),
            Column(_("Declines Any Transfer"), 'text', 10, yes_no),
        ]

        def query(last_id):
            return SQL(
                """
                SELECT lead.id, partner.name, lead.closure_segment, lead.closure_tier, lead.closure_revenue,
                       %(stage)s, owner.name, lead.closure_notified_date, lead.closure_reply_mood,
                       receiver.name, transfer.state, lead.closure_refund_due, lead.closure_has_data,
                       lead.closure_export_requested_date, lead.closure_transfer_declined
                  FROM crm_lead lead
                  JOIN res_partner partner ON partner.id = lead.partner_id
             LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
             LEFT JOIN res_users users ON users.id = lead.user_id
             LEFT JOIN res_partner owner ON owner.id = users.partner_id
             LEFT JOIN LATERAL (
                       SELECT t.state, t.receiver_id FROM closure_transfer t
                        WHERE t.lead_id = lead.id ORDER BY t.id DESC LIMIT 1) transfer ON TRUE
             LEFT JOIN res_partner receiver ON receiver.id = transfer.receiver_id
                 WHERE lead.closure_plan_id = %(plan)s AND lead.id > %(last_id)s""",
                stage=self.env['crm.stage']._field_to_sql('stage', 'name'),
                plan=plan.id,
                last_id=last_id,
            )
        return columns, self._pages(SQL('lead.id'), query, columns)
