import io

import xlsxwriter

from odoo import _, api, models
from odoo.tools import SQL

from odoo.addons.closure_crm.report.closure_register import REGISTER_BATCH


class ClosureBooksReconciliation(models.AbstractModel):
    """The reconciliation of a plan's obligations with the company's books,
    as XLSX for the liquidation group: the totals per source, then every
    difference with the document and the obligation on each side. Written
    with xlsxwriter in constant-memory mode from keyset pages of rows, as the
    registers are (closure_crm's report/closure_register.py)."""
    _name = 'closure.books.reconciliation'
    _description = 'Closure Reconciliation with the Books (XLSX)'

    @api.model
    def _export_xlsx(self, plan):
        """(file name, XLSX bytes) of ``plan``'s last reconciliation."""
        plan.ensure_one()
        self.env.flush_all()
        sources = dict(self.env['closure.obligation']._fields['source']._description_selection(self.env))
        reasons = dict(self.env['closure.books.difference']._fields['reason']._description_selection(self.env))
        currency = plan.company_id.currency_id
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'constant_memory': True, 'remove_timezone': True})
        money_format = '#,##0.%s' % ('0' * currency.decimal_places) if currency.decimal_places else '#,##0'
        bold = workbook.add_format({'bold': True, 'font_size': 14})
        header = workbook.add_format({'bold': True, 'bg_color': '#E9ECEF', 'border': 1, 'text_wrap': True})
        money = workbook.add_format({'num_format': money_format})
        title = _("Reconciliation with the Books")

        totals = workbook.add_worksheet(_("Totals")[:31])
        totals.write_string(0, 0, _("%(title)s: %(plan)s (%(currency)s)", title=title, plan=plan.name,
                                    currency=currency.name), bold)
        for col, (label, width) in enumerate([(_("Source"), 28), (_("In the Books"), 16), (_("Obligations"), 16),
                                              (_("Difference"), 16)]):
            totals.set_column(col, col, width)
            totals.write_string(2, col, label, header)
        row_index = 3
        for total in plan.books_total_ids:
            totals.write_string(row_index, 0, sources.get(total.source, total.source))
            totals.write_number(row_index, 1, total.books_total, money)
            totals.write_number(row_index, 2, total.obligation_total, money)
            totals.write_number(row_index, 3, total.books_total - total.obligation_total, money)
            row_index += 1

        sheet = workbook.add_worksheet(_("Differences")[:31])
        columns = [(_("Source"), 20), (_("Reason"), 30), (_("Customer"), 32), (_("Tax ID"), 16), (_("Case"), 28),
                   (_("Document"), 24), (_("Obligation"), 36), (_("In the Books"), 14), (_("Obligation Amount"), 14),
                   (_("Difference"), 14), (_("Declared or Settled"), 10)]
        # constant-memory mode writes rows in order: the title first
        sheet.write_string(0, 0, _("%(title)s: %(plan)s (%(currency)s)", title=title, plan=plan.name,
                                   currency=currency.name), bold)
        for col, (label, width) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(2, col, label, header)
        row_index, last_id = 3, 0
        yes = _("Yes")
        while True:
            self.env.cr.execute(SQL(
                """SELECT d.id, d.source, d.reason, partner.name, partner.vat, lead.name, d.document_ref,
                          o.name, d.books_amount, d.obligation_amount, d.is_frozen
                     FROM closure_books_difference d
                LEFT JOIN res_partner partner ON partner.id = d.partner_id
                LEFT JOIN crm_lead lead ON lead.id = d.lead_id
                LEFT JOIN closure_obligation o ON o.id = d.obligation_id
                    WHERE d.plan_id = %s AND d.id > %s
                 ORDER BY d.id LIMIT %s""", plan.id, last_id, REGISTER_BATCH))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            last_id = rows[-1][0]
            for (_id, source, reason, customer, vat, case, document, obligation, books, owed, frozen) in rows:
                for col, value in enumerate((sources.get(source, source), reasons.get(reason, reason), customer, vat,
                                             case, document, obligation)):
                    if value:
                        sheet.write_string(row_index, col, value)
                sheet.write_number(row_index, 7, books or 0.0, money)
                sheet.write_number(row_index, 8, owed or 0.0, money)
                sheet.write_number(row_index, 9, (books or 0.0) - (owed or 0.0), money)
                if frozen:
                    sheet.write_string(row_index, 10, yes)
                row_index += 1
        if row_index > 3:
            sheet.autofilter(2, 0, row_index - 1, len(columns) - 1)
        sheet.freeze_panes(3, 0)
        workbook.close()
        return f'{title} - {plan.name}.xlsx', output.getvalue()
