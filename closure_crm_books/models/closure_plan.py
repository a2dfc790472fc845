import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import SQL, format_amount

from odoo.addons.closure_crm.models.crm_lead import REFUND_TYPES

_logger = logging.getLogger(__name__)

# the sources read from the company's books, each only when its app is
# installed (no dependency): source -> the model that tells it is installed
BOOKS_SOURCES = {
    'account': 'account.move',
    'sale': 'sale.order',
    'loyalty': 'loyalty.card',
}


class ClosurePlan(models.Model):
    """Load What We Owe: the plan's obligations read from the company's own
    books (Invoicing, Sales, eWallet and gift cards), one per source document,
    and their reconciliation with the books.

    Each source is one SQL query yielding one row per document that holds a
    balance owed to a customer, in company currency (``_closure_books_sql``).
    The load runs, per source, one INSERT of the documents that have no
    obligation yet, one UPDATE of the open obligations whose balance changed
    and one UPDATE of the books' figure on the obligations it may no longer
    change (declared, reviewed, paid, taken over or waived): no query per
    customer. Running it again changes nothing."""
    _inherit = 'closure.plan'

    obligations_loaded_date = fields.Datetime(
        'Obligations Loaded On', readonly=True, copy=False,
        help="The last time Load What We Owe read the books (the button or the daily job).")
    books_total_ids = fields.One2many('closure.books.total', 'plan_id', 'Books and Obligations', readonly=True)
    books_difference_ids = fields.One2many('closure.books.difference', 'plan_id', 'Differences', readonly=True)
    books_difference_count = fields.Integer('Differences to Reconcile', compute='_compute_books_difference_count')

    def _compute_books_difference_count(self):
        counts = dict(self.env['closure.books.difference']._read_group(
            [('plan_id', 'in', self.ids)], ['plan_id'], ['__count']))
        for plan in self:
            plan.books_difference_count = counts.get(plan, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute_obligations(self):
        """Load What We Owe: read the books into the plans' obligations, then
        reconcile them. For closure managers."""
        self._closure_check_manager(_("load what the company owes its customers"))
        summaries = []
        for plan in self:
            stats = plan._closure_load_obligations()
            plan._closure_reconcile_books()
            summaries.append(plan._closure_post_load_summary(stats))
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {'message': ' '.join(summaries), 'type': 'success', 'sticky': False,
                       'next': {'type': 'ir.actions.act_window_close'}},
        }

    def action_reconcile_books(self):
        """Compare the books with the obligations again, without loading."""
        self._closure_check_manager(_("reconcile the obligations with the books"))
        for plan in self:
            plan._closure_reconcile_books()
        return True

    def action_view_books_differences(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm_books.action_closure_books_difference')
        action['domain'] = [('plan_id', '=', self.id)]
        return action

    def action_export_reconciliation(self):
        """The reconciliation as XLSX for the liquidation group, kept on the
        plan as an attachment (what was handed over, and when)."""
        self.ensure_one()
        self._closure_check_manager(_("export the reconciliation with the books"))
        filename, content = self.env['closure.books.reconciliation']._export_xlsx(self)
        attachment = self.env['ir.attachment'].create({
            'name': filename, 'raw': content, 'res_model': self._name, 'res_id': self.id,
            'mimetype': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        })
        self.message_post(body=_("Reconciliation with the books exported by %(user)s.", user=self.env.user.name),
                          attachment_ids=attachment.ids)
        return {'type': 'ir.actions.act_url', 'url': f'/web/content/{attachment.id}?download=true',
                'target': 'download'}

    # ------------------------------------------------------------------
    # The books
    # ------------------------------------------------------------------
    def _closure_books_sources(self):
        """The sources whose app is installed, in a fixed order."""
        return [source for source, model in BOOKS_SOURCES.items() if model in self.env]

    def _closure_books_sql(self, source):
        """SQL of one row per document of ``source`` that holds a balance owed
        to a customer of the plan's company, in company currency:
        (partner_id: the commercial partner, document: 'model,id', kind,
        ref, amount, obligation_type)."""
        self.ensure_one()
        return getattr(self, f'_closure_books_sql_{source}')()

    def _closure_books_sql_account(self):
        """Invoicing: unreconciled credit on receivable accounts, per journal
        entry: an unapplied credit note, a payment not matched to an invoice
        (advance payment) or matched only in part (overpayment), any other
        credit (a manual entry)."""
        decimals = self.company_id.currency_id.decimal_places
        return SQL(
            """SELECT p.commercial_partner_id AS partner_id, 'account.move,' || m.id AS document,
                      CASE WHEN m.move_type = 'out_refund' THEN 'credit_note'
                           WHEN m.origin_payment_id IS NOT NULL AND bool_and(aml.amount_residual = aml.balance)
                                THEN 'advance_payment'
                           WHEN m.origin_payment_id IS NOT NULL THEN 'overpayment'
                           ELSE 'customer_credit' END AS kind,
                      m.name AS ref, ROUND(-SUM(aml.amount_residual), %(decimals)s) AS amount,
                      'prepaid' AS obligation_type
                 FROM account_move_line aml
                 JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                 JOIN account_move m ON m.id = aml.move_id
                 JOIN res_partner p ON p.id = aml.partner_id
                WHERE aml.parent_state = 'posted' AND aml.company_id = %(company)s
                  AND NOT aml.reconciled AND aml.amount_residual < 0
             GROUP BY p.commercial_partner_id, m.id
               HAVING ROUND(-SUM(aml.amount_residual), %(decimals)s) > 0""",
            company=self.company_id.id, decimals=decimals)

    def _closure_books_sql_sale(self):
        """Sales: confirmed orders not fully delivered whose paid invoices
        (down payments, prepaid lines) exceed the value delivered: the
        difference is paid, not delivered. An invoice counts for what is paid
        of it; the value delivered is each line's price for the quantity
        delivered (both taxes included, in company currency)."""
        decimals = self.company_id.currency_id.decimal_places
        return SQL(
            """WITH paid AS (
                   SELECT sol.order_id,
                          SUM(aml.price_total * (m.amount_total_signed - m.amount_residual_signed) / m.amount_total)
                              AS amount
                     FROM sale_order_line sol
                     JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     JOIN account_move m ON m.id = aml.move_id AND m.state = 'posted'
                      AND m.move_type IN ('out_invoice', 'out_refund') AND m.amount_total <> 0
                    WHERE sol.company_id = %(company)s
                 GROUP BY sol.order_id
               ), delivered AS (
                   SELECT sol.order_id,
                          SUM(sol.price_total * LEAST(sol.qty_delivered, sol.product_uom_qty) / sol.product_uom_qty)
                              AS amount,
                          bool_or(sol.qty_delivered < sol.product_uom_qty) AS undelivered
                     FROM sale_order_line sol
                    WHERE sol.company_id = %(company)s AND sol.display_type IS NULL
                      AND NOT COALESCE(sol.is_downpayment, FALSE) AND sol.product_uom_qty > 0
                 GROUP BY sol.order_id
               )
               SELECT p.commercial_partner_id AS partner_id, 'sale.order,' || so.id AS document,
                      'paid_not_delivered' AS kind, so.name AS ref,
                      ROUND((paid.amount - COALESCE(delivered.amount, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            ::numeric, %(decimals)s) AS amount,
                      'contract' AS obligation_type
                 FROM sale_order so
                 JOIN paid ON paid.order_id = so.id
                 JOIN delivered ON delivered.order_id = so.id AND delivered.undelivered
                 JOIN res_partner p ON p.id = so.partner_id
                WHERE so.company_id = %(company)s AND so.state = 'sale'
                  AND ROUND((paid.amount - COALESCE(delivered.amount, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            ::numeric, %(decimals)s) > 0""",
            company=self.company_id.id, decimals=decimals)

    def _closure_books_sql_loyalty(self):
        """eWallet and gift cards: each card of a customer with points left,
        not expired, valued as its program values a point (its 'per point'
        reward), converted to company currency."""
        company = self.company_id
        programs = self.env['loyalty.program'].sudo().with_context(active_test=False).search(
            [('program_type', 'in', ('ewallet', 'gift_card')), ('company_id', 'in', (company.id, False))])
        # one rate per program currency: a handful of programs, not a query per card
        today = fields.Date.context_today(self)
        rates = {currency.id: currency._get_conversion_rate(currency, company.currency_id, company, today)
                 for currency in programs.currency_id}
        rates_sql = SQL(', ').join(SQL('(%s, %s::numeric)', currency, rate) for currency, rate in rates.items()) \
            if rates else SQL('(0, 1::numeric)')
        return SQL(
            """SELECT p.commercial_partner_id AS partner_id, 'loyalty.card,' || c.id AS document,
                      prog.program_type AS kind,
                      CASE WHEN prog.program_type = 'gift_card' THEN c.code
                           ELSE COALESCE(prog.name->>%(lang)s, prog.name->>'en_US') END AS ref,
                      ROUND((c.points * COALESCE(reward.value, 1))::numeric * COALESCE(fx.rate, 1), %(decimals)s)
                          AS amount,
                      'prepaid' AS obligation_type
                 FROM loyalty_card c
                 JOIN loyalty_program prog ON prog.id = c.program_id AND prog.program_type IN ('ewallet', 'gift_card')
                 JOIN res_partner p ON p.id = c.partner_id
            LEFT JOIN (VALUES %(rates)s) AS fx(currency_id, rate) ON fx.currency_id = prog.currency_id
            LEFT JOIN LATERAL (SELECT MAX(r.discount) AS value FROM loyalty_reward r
                                WHERE r.program_id = prog.id AND r.discount_mode = 'per_point') reward ON TRUE
                WHERE c.active AND c.points > 0 AND (prog.company_id = %(company)s OR prog.company_id IS NULL)
                  AND (c.expiration_date IS NULL OR c.expiration_date >= %(today)s)
                  AND ROUND((c.points * COALESCE(reward.value, 1))::numeric * COALESCE(fx.rate, 1),
                            %(decimals)s) > 0""",
            lang=self.env.lang or 'en_US', rates=rates_sql, company=company.id, today=today,
            decimals=company.currency_id.decimal_places)

    def _closure_books_flush(self):
        """What this transaction changed in the books is in the tables."""
        self.env.flush_all()

    # ------------------------------------------------------------------
    # The load
    # ------------------------------------------------------------------
    def _closure_cases_sql(self):
        """One case per commercial partner of the plan: (lead_id, partner_id)."""
        self.ensure_one()
        return SQL(
            """SELECT DISTINCT ON (p.commercial_partner_id) l.id AS lead_id, p.commercial_partner_id AS partner_id,
                      COALESCE(l.company_id, %(company)s) AS company_id
                 FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                WHERE l.closure_plan_id = %(plan)s AND l.active
             ORDER BY p.commercial_partner_id, l.id""",
            plan=self.id, company=self.company_id.id)

    def _closure_books_table(self, source):
        """Fill the temporary table closure_books_rows with the documents of
        ``source`` and the case of each one's customer (lead_id, company_id;
        NULL without a case), with fresh statistics: every statement of the
        load and the reconciliation joins it by hash, whatever its size."""
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS closure_books_rows")
        cr.execute(SQL(
            """CREATE TEMPORARY TABLE closure_books_rows ON COMMIT DROP AS
               SELECT b.partner_id, b.document, b.kind, b.ref, b.amount, b.obligation_type, c.lead_id, c.company_id
                 FROM (%(books)s) b LEFT JOIN (%(cases)s) c ON c.partner_id = b.partner_id""",
            books=self._closure_books_sql(source), cases=self._closure_cases_sql()))
        cr.execute("ANALYZE closure_books_rows")

    def _closure_load_obligations(self):
        """Load the books of every installed source into this plan's
        obligations. Returns {source: {'created': n, 'updated': n, 'frozen': n}}
        ('frozen': obligations it may not change whose books now differ)."""
        self.ensure_one()
        self._closure_books_flush()
        labels = dict(self.env['closure.obligation']._fields['source_kind']._description_selection(self.env))
        labels_sql = SQL(', ').join(SQL('(%s, %s)', kind, label) for kind, label in labels.items())
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        stats = {}
        changed_rows = []
        frozen_rows = []
        touched_ids = []
        for source in self._closure_books_sources():
            self._closure_books_table(source)
            common = {'plan': self.id, 'source': source,
                      'today': today, 'now': now, 'uid': self.env.uid, 'labels': labels_sql}
            # 1. the documents without an obligation in the case yet
            self.env.cr.execute(SQL(
                """INSERT INTO closure_obligation (
                          lead_id, plan_id, company_id, obligation_type, name, amount, is_paid, refundable_amount,
                          state, source, source_kind, source_document, source_ref, source_date, books_amount,
                          books_differs, refund_converted, create_uid, create_date, write_uid, write_date)
                   SELECT b.lead_id, %(plan)s, b.company_id, b.obligation_type,
                          label.name || CASE WHEN b.kind = 'ewallet' THEN COALESCE(' (' || b.ref || ')', '')
                                             ELSE COALESCE(' ' || b.ref, '') END,
                          b.amount,
                          b.obligation_type <> 'prepaid', b.amount, 'open', %(source)s, b.kind, b.document, b.ref,
                          %(today)s, b.amount, FALSE, FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM closure_books_rows b
                     JOIN (VALUES %(labels)s) AS label(kind, name) ON label.kind = b.kind
                    WHERE b.lead_id IS NOT NULL
                   ON CONFLICT (lead_id, source_document) DO NOTHING
                   RETURNING id""", **common))
            created_ids = [row[0] for row in self.env.cr.fetchall()]
            touched_ids += created_ids
            # 2. open obligations the load may change: the balance of today, said in the case's history
            self.env.cr.execute(SQL(
                """WITH current AS (
                       SELECT o.id, o.amount AS old_amount, COALESCE(b.amount, 0) AS new_amount
                         FROM closure_obligation o
                    LEFT JOIN closure_books_rows b ON b.document = o.source_document AND b.lead_id = o.lead_id
                        WHERE o.plan_id = %(plan)s AND o.source = %(source)s AND o.state = 'open'
                          AND o.claim_declared_date IS NULL AND o.refund_paid_date IS NULL
                          AND o.transfer_id IS NULL
                          AND (o.amount IS DISTINCT FROM COALESCE(b.amount, 0)
                               OR o.books_amount IS DISTINCT FROM COALESCE(b.amount, 0))
                   )
                   UPDATE closure_obligation o
                      SET amount = current.new_amount, refundable_amount = current.new_amount,
                          books_amount = current.new_amount, books_differs = FALSE, source_date = %(today)s,
                          write_uid = %(uid)s, write_date = %(now)s
                     FROM current
                    WHERE o.id = current.id
                RETURNING o.id, o.lead_id, o.name, current.old_amount, current.new_amount""", **common))
            rows = self.env.cr.fetchall()
            touched_ids += [row[0] for row in rows]
            changed_rows += [row for row in rows if row[3] != row[4]]
            # 3. the obligations the load never changes: only the books' figure, a difference for the manager
            self.env.cr.execute(SQL(
                """WITH current AS (
                       SELECT o.id, COALESCE(b.amount, 0) AS new_amount
                         FROM closure_obligation o
                    LEFT JOIN closure_books_rows b ON b.document = o.source_document AND b.lead_id = o.lead_id
                        WHERE o.plan_id = %(plan)s AND o.source = %(source)s
                          AND (o.state <> 'open' OR o.claim_declared_date IS NOT NULL
                               OR o.refund_paid_date IS NOT NULL OR o.transfer_id IS NOT NULL)
                          AND o.books_amount IS DISTINCT FROM COALESCE(b.amount, 0)
                   )
                   UPDATE closure_obligation o
                      SET books_amount = current.new_amount,
                          books_differs = (CASE WHEN o.state = 'open' THEN o.amount ELSE 0 END) <> current.new_amount
                     FROM current
                    WHERE o.id = current.id
                RETURNING o.id, o.lead_id, o.name, o.amount, current.new_amount, o.books_differs""", **common))
            frozen = [row for row in self.env.cr.fetchall() if row[5]]
            frozen_rows += frozen
            stats[source] = {'created': len(created_ids), 'updated': len([row for row in rows if row[3] != row[4]]),
                             'frozen': len(frozen)}
        self.env['closure.obligation'].invalidate_model()
        self.env['crm.lead'].invalidate_model(['closure_obligation_ids'])
        if touched_ids:
            # fresh statistics of the rows just written (ANALYZE samples this
            # transaction's own rows): with those of a smaller table the planner
            # joined the cases' balances by nested loops (18 minutes instead of
            # seconds on a first load of 168,000 obligations)
            self.env.cr.execute("ANALYZE closure_obligation")
        self._closure_update_case_balances(touched_ids)
        self._closure_log_books_changes(changed_rows, frozen_rows)
        self.sudo().write({'obligations_loaded_date': now})  # bookkeeping of the load, for whoever ran it
        return stats

    def _closure_update_case_balances(self, obligation_ids):
        """The balances owed of the cases of ``obligation_ids``, as
        crm.lead._compute_closure_obligations computes them, in one UPDATE;
        the ORM then recomputes what follows from them (refund terms) for the
        cases whose balance changed only."""
        if not obligation_ids:
            return
        fnames = ['closure_prepaid_balance', 'closure_refund_due', 'closure_open_milestone_count', 'closure_has_data']
        self.env.cr.execute(SQL(
            """WITH touched AS (SELECT DISTINCT lead_id FROM closure_obligation WHERE id = ANY(%(ids)s)),
                    balance AS (
                        SELECT t.lead_id,
                               COALESCE(SUM(o.refundable_amount) FILTER (WHERE o.obligation_type IN %(money)s), 0)
                                   AS prepaid,
                               COALESCE(SUM(o.refundable_amount) FILTER (WHERE o.obligation_type IN %(money)s
                                                                         AND o.state = 'open'), 0) AS due,
                               COUNT(o.id) FILTER (WHERE o.obligation_type = 'milestone' AND o.state = 'open')
                                   AS milestones,
                               COALESCE(bool_or(o.obligation_type = 'data' AND o.state = 'open'), FALSE) AS has_data
                          FROM touched t LEFT JOIN closure_obligation o ON o.lead_id = t.lead_id
                      GROUP BY t.lead_id)
               UPDATE crm_lead l
                  SET closure_prepaid_balance = b.prepaid, closure_refund_due = b.due,
                      closure_open_milestone_count = b.milestones, closure_has_data = b.has_data
                 FROM balance b
                WHERE l.id = b.lead_id
                  AND (l.closure_prepaid_balance IS DISTINCT FROM b.prepaid
                       OR l.closure_refund_due IS DISTINCT FROM b.due
                       OR l.closure_open_milestone_count IS DISTINCT FROM b.milestones
                       OR l.closure_has_data IS DISTINCT FROM b.has_data)
            RETURNING l.id""", ids=list(obligation_ids), money=REFUND_TYPES))
        leads = self.env['crm.lead'].browse([row[0] for row in self.env.cr.fetchall()])
        if leads:
            leads.invalidate_recordset(fnames)
            leads.modified(fnames)
            self.env.flush_all()

    def _closure_log_books_changes(self, changed_rows, frozen_rows):
        """One note per case whose obligations the load changed (or could
        not change), in the case's history: one batch of messages."""
        if not (changed_rows or frozen_rows):
            return
        currency = self.company_id.currency_id
        lines = {}
        for _id, lead_id, name, old, new in changed_rows:
            lines.setdefault(lead_id, []).append(escape(_(
                "%(name)s: %(old)s → %(new)s (the books on %(date)s).", name=name,
                old=format_amount(self.env, old or 0.0, currency), new=format_amount(self.env, new, currency),
                date=fields.Date.context_today(self))))
        for _id, lead_id, name, amount, books, _differs in frozen_rows:
            lines.setdefault(lead_id, []).append(escape(_(
                "%(name)s: the books now show %(books)s; the obligation keeps %(amount)s (declared, reviewed, "
                "paid or taken over). Listed in the plan's reconciliation.", name=name,
                books=format_amount(self.env, books, currency), amount=format_amount(self.env, amount, currency))))
        title = escape(_("What we owe, from the books:"))
        bodies = {lead_id: Markup('%s<ul>%s</ul>') % (title, Markup('').join(Markup('<li>%s</li>') % line
                                                                          for line in items))
                  for lead_id, items in lines.items()}
        # the case's history, written by the load for whoever ran it (a rep may not see every case)
        self.env['crm.lead'].sudo().browse(list(bodies))._message_log_batch(bodies=bodies)

    def _closure_post_load_summary(self, stats):
        self.ensure_one()
        if not stats:
            summary = _("Load What We Owe: no books to read (Invoicing, Sales and Loyalty are not installed).")
        else:
            names = dict(self.env['closure.obligation']._fields['source']._description_selection(self.env))
            details = [_("%(app)s: %(created)s new, %(updated)s updated, %(frozen)s kept as declared",
                         app=names[source], **counts) for source, counts in stats.items()]
            summary = _("Load What We Owe: %(details)s. Differences to reconcile: %(count)s.",
                        details='; '.join(details), count=self.books_difference_count)
        self.message_post(body=summary)
        return summary

    # ------------------------------------------------------------------
    # Reconciliation
    # ------------------------------------------------------------------
    def _closure_reconcile_books(self):
        """Per source, the books' total against the obligations' total, and
        one row per document or obligation where they differ: a document
        without an obligation (a customer without a case too), an obligation
        whose document shows another balance, an obligation entered by hand
        (no document). Replaces the plan's previous reconciliation."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM closure_books_difference WHERE plan_id = %s", self.id))
        cr.execute(SQL("DELETE FROM closure_books_total WHERE plan_id = %s", self.id))
        now, uid = fields.Datetime.now(), self.env.uid
        owed = SQL("CASE WHEN o.state = 'open' THEN o.amount ELSE 0 END")
        for source in self._closure_books_sources():
            self._closure_books_table(source)
            common = {'plan': self.id, 'source': source, 'now': now, 'uid': uid, 'owed': owed}
            cr.execute(SQL(
                """WITH pairs AS (
                       SELECT COALESCE(o.partner_id, b.partner_id) AS partner_id,
                              COALESCE(o.lead_id, b.lead_id) AS lead_id,
                              o.id AS obligation_id, COALESCE(o.source_document, b.document) AS document,
                              COALESCE(o.source_ref, b.ref) AS ref, COALESCE(b.amount, 0) AS books_amount,
                              COALESCE(o.owed, 0) AS obligation_amount, o.frozen,
                              CASE WHEN o.id IS NULL AND b.lead_id IS NULL THEN 'no_case'
                                   WHEN o.id IS NULL THEN 'no_obligation'
                                   ELSE 'amount' END AS reason
                         FROM closure_books_rows b
                    FULL JOIN (SELECT o.*, p.commercial_partner_id AS partner_id, %(owed)s AS owed,
                                      (o.state <> 'open' OR o.claim_declared_date IS NOT NULL) AS frozen
                                 FROM closure_obligation o
                                 JOIN crm_lead l ON l.id = o.lead_id
                                 JOIN res_partner p ON p.id = l.partner_id
                                WHERE o.plan_id = %(plan)s AND o.source = %(source)s) o
                           ON o.source_document = b.document AND o.lead_id = b.lead_id
                   ), totals AS (
                       INSERT INTO closure_books_total (plan_id, source, books_total, obligation_total,
                                                        create_uid, create_date, write_uid, write_date)
                       SELECT %(plan)s, %(source)s, COALESCE(SUM(books_amount), 0), COALESCE(SUM(obligation_amount), 0),
                              %(uid)s, %(now)s, %(uid)s, %(now)s
                         FROM pairs
                   )
                   INSERT INTO closure_books_difference (
                          plan_id, source, reason, partner_id, lead_id, obligation_id, document, document_ref,
                          books_amount, obligation_amount, is_frozen, create_uid, create_date, write_uid, write_date)
                   SELECT %(plan)s, %(source)s, reason, partner_id, lead_id, obligation_id, document, ref,
                          books_amount, obligation_amount, COALESCE(frozen, FALSE), %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM pairs
                    WHERE books_amount <> obligation_amount""", **common))
        # what is owed by hand has no document in the books
        cr.execute(SQL(
            """WITH manual AS (
                   SELECT o.id, o.lead_id, p.commercial_partner_id AS partner_id, o.refundable_amount AS amount,
                          o.claim_declared_date IS NOT NULL AS frozen
                     FROM closure_obligation o
                     JOIN crm_lead l ON l.id = o.lead_id
                     JOIN res_partner p ON p.id = l.partner_id
                    WHERE o.plan_id = %(plan)s AND o.source = 'manual' AND o.state = 'open'
                      AND o.refundable_amount > 0
               ), totals AS (
                   INSERT INTO closure_books_total (plan_id, source, books_total, obligation_total,
                                                    create_uid, create_date, write_uid, write_date)
                   SELECT %(plan)s, 'manual', 0, COALESCE(SUM(amount), 0), %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM manual
               )
               INSERT INTO closure_books_difference (
                      plan_id, source, reason, partner_id, lead_id, obligation_id, books_amount, obligation_amount,
                      is_frozen, create_uid, create_date, write_uid, write_date)
               SELECT %(plan)s, 'manual', 'no_document', partner_id, lead_id, id, 0, amount, frozen,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM manual""", plan=self.id, uid=uid, now=now))
        self.env['closure.books.total'].invalidate_model()
        self.env['closure.books.difference'].invalidate_model()
        self.invalidate_recordset(['books_total_ids', 'books_difference_ids', 'books_difference_count'])

    # ------------------------------------------------------------------
    # Demo data (demo/closure_books_demo.xml)
    # ------------------------------------------------------------------
    @api.model
    def _closure_demo_books(self, plan_id):
        """Demo only: when Invoicing, Sales and Loyalty are installed (./dev.sh
        demo installs them first), give some customers of the plan credits,
        a paid down payment on an undelivered order, eWallets and gift cards
        through the apps' own models, load them, and leave one difference
        to reconcile: a declared eWallet claim the customer spent from after."""
        plan = self.browse(plan_id)
        if not all(model in self.env for model in BOOKS_SOURCES.values()) or not self.env['account.journal'].search(
                [('type', '=', 'sale'), ('company_id', '=', plan.company_id.id)], limit=1):
            return False
        partners = self.env['crm.lead'].search([('closure_plan_id', '=', plan.id)], order='id desc',
                                               limit=9).partner_id.commercial_partner_id
        if len(partners) < 9:
            return False
        Command = fields.Command
        for partner, amount in zip(partners[:2], (120.0, 86.5), strict=True):  # unapplied credit notes
            refund = self.env['account.move'].create({
                'move_type': 'out_refund', 'partner_id': partner.id,
                'invoice_line_ids': [Command.create({'name': 'Unused service days', 'quantity': 1,
                                                     'price_unit': amount, 'tax_ids': [Command.clear()]})]})
            refund.action_post()
        advance = self.env['account.payment'].create({  # an advance payment, matched to no invoice
            'payment_type': 'inbound', 'partner_type': 'customer', 'partner_id': partners[2].id, 'amount': 300})
        advance.action_post()
        product = self.env['product.product'].create({
            'name': 'Annual maintenance plan', 'type': 'service', 'list_price': 2400, 'invoice_policy': 'order',
            'taxes_id': [Command.clear()]})
        order = self.env['sale.order'].create({
            'partner_id': partners[3].id,
            'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 1, 'price_unit': 2400,
                                           'tax_id': [Command.clear()]})]})
        order.action_confirm()
        self.env['sale.advance.payment.inv'].with_context(active_model='sale.order', active_ids=order.ids).create(
            {'advance_payment_method': 'percentage', 'amount': 30}).create_invoices()
        order.invoice_ids.action_post()
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=order.invoice_ids.ids).create({})._create_payments()
        programs = {}
        for kind, name in (('ewallet', 'Member eWallet'), ('gift_card', 'Gift Cards')):
            defaults = self.env['loyalty.program']._program_type_default_values()[kind]
            programs[kind] = self.env['loyalty.program'].create({'name': name, 'program_type': kind, **defaults})
        cards = self.env['loyalty.card'].create(
            [{'program_id': programs['ewallet'].id, 'partner_id': partner.id, 'points': points}
             for partner, points in zip(partners[4:7], (245, 58.3, 1020), strict=True)]
            + [{'program_id': programs['gift_card'].id, 'partner_id': partner.id, 'points': points}
               for partner, points in zip(partners[7:9], (100, 50), strict=True)])
        plan.action_compute_obligations()
        # one difference left to reconcile: a declared eWallet claim, and the customer spent 45 after
        claim = self.env['closure.obligation'].search([('source_document', '=', f'loyalty.card,{cards[0].id}')])
        claim._closure_declare_claim('email')
        cards[0].points -= 45
        plan.action_compute_obligations()
        return True

    # ------------------------------------------------------------------
    # Scheduled job: the books are read every day until the claims are declared
    # ------------------------------------------------------------------
    def _closure_books_pending_sql(self, lock=False):
        today = fields.Date.context_today(self)
        return SQL(
            """SELECT id FROM closure_plan
                WHERE state = 'in_progress'
                  AND (claims_deadline IS NULL OR claims_deadline >= %(today)s)
                  AND (obligations_loaded_date IS NULL OR obligations_loaded_date::date < %(today)s)
                  %(lock)s""",
            today=today, lock=SQL("ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED") if lock else SQL())

    @api.model
    def _cron_compute_obligations(self):
        """Load what we owe for the plans in progress whose claims deadline has
        not passed and that were not loaded today, one plan per batch (a load
        is a few queries per source, whatever the number of customers)."""
        cron = self.env.ref('closure_crm_books.ir_cron_closure_load_obligations')
        self.flush_model(['obligations_loaded_date', 'state', 'claims_deadline'])

        def batch():
            self.env.cr.execute(self._closure_books_pending_sql(lock=True))
            row = self.env.cr.fetchone()
            if not row:
                return 0
            plan = self.browse(row[0])
            stats = plan._closure_load_obligations()
            plan._closure_reconcile_books()
            plan._closure_post_load_summary(stats)
            return 1

        def count_remaining():
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) pending", self._closure_books_pending_sql()))
            return self.env.cr.fetchone()[0]

        cron._closure_run_batch(batch, count_remaining)
