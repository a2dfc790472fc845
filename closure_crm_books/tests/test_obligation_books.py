import io
import unittest
from datetime import date

import openpyxl

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.closure_crm.tests.common import ClosureCommon


@tagged('post_install', '-at_install')
class TestObligationsWithoutBooks(ClosureCommon):
    """Without Invoicing, Sales and Loyalty the load runs and finds no books;
    obligations entered or imported by hand (closure_crm's
    test_obligation_import.py) are listed by the reconciliation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._create_customers(3, prefix='Importer', is_company=True)
        cls.cases = cls._create_cases(cls.customers)

    def test_load_without_books(self):
        if any(model in self.env for model in ('account.move', 'sale.order', 'loyalty.card')):
            self.skipTest("this database has books (Invoicing, Sales or Loyalty): TestObligationsFromBooks runs here")
        self.plan.with_user(self.manager).action_compute_obligations()
        self.assertFalse(self.env['closure.obligation'].search([('plan_id', '=', self.plan.id)]))
        self.assertFalse(self.plan.books_total_ids.filtered(lambda t: t.source != 'manual'))
        self.assertIn("no books to read", self.plan.message_ids[0].body)
        self.assertTrue(self.plan.obligations_loaded_date)

    def test_rep_cannot_load(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_compute_obligations()
        self.assertFalse(self.plan.obligations_loaded_date)

    def test_obligations_entered_by_hand_have_no_document(self):
        Obligation = self.env['closure.obligation'].with_user(self.manager)
        entered = Obligation.create([
            {'lead_id': case.id, 'name': name, 'obligation_type': kind, 'amount': amount}
            for case, name, kind, amount in zip(self.cases, ('Prepaid card', 'Deposit', 'Balance'),
                                                ('prepaid', 'deposit', 'prepaid'), (245, 100, 30), strict=True)])
        self.assertEqual(set(entered.mapped('source')), {'manual'})
        # an obligation entered by hand has no document: the reconciliation lists it
        self.plan.with_user(self.manager).action_reconcile_books()
        manual = self.plan.books_total_ids.filtered(lambda t: t.source == 'manual')
        self.assertEqual(manual.obligation_total, 375)
        by_hand = self.plan.books_difference_ids.filtered(lambda d: d.source == 'manual')
        self.assertEqual(set(by_hand.mapped('reason')), {'no_document'})
        self.assertEqual(by_hand.obligation_id, entered)


@tagged('post_install', '-at_install')
class TestObligationsFromBooks(ClosureCommon):
    """With Invoicing, Sales and Loyalty: each kind of balance built through
    the apps' own models is loaded once, per document, and reconciled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        missing = [model for model in ('account.move', 'sale.order', 'loyalty.card') if model not in cls.env]
        if missing:
            raise unittest.SkipTest(
                f"needs Invoicing, Sales and Loyalty installed (missing {', '.join(missing)}): "
                "run on a database with sale,loyalty (.ci/odoo-suite installs them)")
        if not cls.env['account.journal'].search([('type', '=', 'sale'), ('company_id', '=', cls.company.id)],
                                                 limit=1):
            raise unittest.SkipTest("the company has no chart of accounts (no sales journal)")
        cls.today = fields.Date.context_today(cls.env['closure.plan'])
        cls.currency = cls.company.currency_id
        (cls.credit_customer, cls.advance_customer, cls.over_customer, cls.order_customer, cls.wallet_customer,
         cls.gift_customer, cls.outsider) = cls._create_customers(7, prefix='Books', is_company=True)
        cls.cases = cls._create_cases(cls.credit_customer | cls.advance_customer | cls.over_customer
                                      | cls.order_customer | cls.wallet_customer | cls.gift_customer)
        cls.case_of = {case.partner_id: case for case in cls.cases}
        cls.product = cls.env['product.product'].create({
            'name': 'Annual service', 'type': 'service', 'list_price': 1000, 'invoice_policy': 'order',
            'taxes_id': [Command.clear()]})
        # Invoicing: an unapplied credit note, an advance payment, an overpaid invoice
        cls.credit_note = cls._post_move('out_refund', cls.credit_customer, 120)
        cls.outsider_note = cls._post_move('out_refund', cls.outsider, 40)  # no case in the plan
        cls.advance = cls._payment(cls.advance_customer, 200)
        invoice = cls._post_move('out_invoice', cls.over_customer, 100)
        cls.overpayment = cls.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=invoice.ids).create({'amount': 150})._create_payments()
        # Sales: an order of 1,000 with a paid down payment of 30%, nothing delivered
        cls.order = cls.env['sale.order'].create({
            'partner_id': cls.order_customer.id,
            'order_line': [Command.create({'product_id': cls.product.id, 'product_uom_qty': 1, 'price_unit': 1000,
                                           'tax_id': [Command.clear()]})]})
        cls.order.action_confirm()
        cls.order.order_line.qty_delivered = 0
        wizard = cls.env['sale.advance.payment.inv'].with_context(
            active_model='sale.order', active_ids=cls.order.ids).create(
            {'advance_payment_method': 'percentage', 'amount': 30})
        wizard.create_invoices()
        down_payment = cls.order.invoice_ids
        down_payment.action_post()
        cls.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=down_payment.ids).create({})._create_payments()
        # Loyalty: an eWallet of 245 points, a gift card of 50 (and an expired one, a card of nobody)
        cls.ewallet = cls._loyalty_program('ewallet', 'Wallet')
        cls.gift_cards = cls._loyalty_program('gift_card', 'Gift Cards')
        cards = cls.env['loyalty.card'].create([
            {'program_id': cls.ewallet.id, 'partner_id': cls.wallet_customer.id, 'points': 245},
            {'program_id': cls.gift_cards.id, 'partner_id': cls.gift_customer.id, 'points': 50},
            {'program_id': cls.gift_cards.id, 'partner_id': cls.gift_customer.id, 'points': 20,
             'expiration_date': date(2020, 1, 1)},
            {'program_id': cls.gift_cards.id, 'points': 70},
        ])
        cls.wallet_card, cls.gift_card = cards[0], cards[1]

    @classmethod
    def _post_move(cls, move_type, partner, amount):
        move = cls.env['account.move'].create({
            'move_type': move_type, 'partner_id': partner.id, 'invoice_date': date(2026, 5, 1),
            'invoice_line_ids': [Command.create({'name': 'Service', 'quantity': 1, 'price_unit': amount,
                                                 'tax_ids': [Command.clear()]})]})
        move.action_post()
        return move

    @classmethod
    def _payment(cls, partner, amount):
        payment = cls.env['account.payment'].create({
            'payment_type': 'inbound', 'partner_type': 'customer', 'partner_id': partner.id, 'amount': amount})
        payment.action_post()
        return payment

    @classmethod
    def _loyalty_program(cls, program_type, name):
        defaults = cls.env['loyalty.program']._program_type_default_values()[program_type]
        return cls.env['loyalty.program'].create({'name': name, 'program_type': program_type, **defaults})

    def _obligations(self):
        return self.env['closure.obligation'].search([('plan_id', '=', self.plan.id), ('source', '!=', 'manual')])

    def _load(self):
        self.plan.with_user(self.manager).action_compute_obligations()
        self.env.invalidate_all()

    def _of(self, partner):
        return self._obligations().filtered(lambda o: o.lead_id == self.case_of[partner])

    def test_load_each_kind_once(self):
        self._load()
        obligations = self._obligations()
        snapshot = obligations.read(['amount', 'source_document', 'write_date'])
        expected = {
            self.credit_customer: ('account', 'credit_note', self.credit_note, 120),
            self.advance_customer: ('account', 'advance_payment', self.advance.move_id, 200),
            self.over_customer: ('account', 'overpayment', self.overpayment.move_id, 50),
            self.order_customer: ('sale', 'paid_not_delivered', self.order, 300),
            self.wallet_customer: ('loyalty', 'ewallet', self.wallet_card, 245),
            self.gift_customer: ('loyalty', 'gift_card', self.gift_card, 50),
        }
        self.assertEqual(len(obligations), len(expected), obligations.mapped('name'))
        for partner, (source, kind, document, amount) in expected.items():
            obligation = self._of(partner)
            self.assertEqual(len(obligation), 1, partner.name)
            self.assertEqual((obligation.source, obligation.source_kind, obligation.source_document),
                             (source, kind, document), partner.name)
            self.assertAlmostEqual(obligation.amount, amount, msg=partner.name)
            self.assertAlmostEqual(obligation.refundable_amount, amount, msg=partner.name)
            self.assertEqual(obligation.source_date, self.today)
            self.assertIn(obligation.source_ref or '', obligation.name)
        # the paid down payment of an undelivered order is paid and not delivered
        self.assertTrue(self._of(self.order_customer).is_paid)
        self.assertEqual(self.case_of[self.wallet_customer].closure_refund_due, 245)
        # the second load changes nothing
        self._load()
        self.assertEqual(self._obligations().read(['amount', 'source_document', 'write_date']), snapshot)
        self.assertIn("0 new, 0 updated", self.plan.message_ids[0].body)

    def test_reconciliation(self):
        self._load()
        totals = {total.source: total for total in self.plan.books_total_ids}
        self.assertAlmostEqual(totals['account'].obligation_total, 120 + 200 + 50)
        self.assertAlmostEqual(totals['sale'].obligation_total, 300)
        self.assertAlmostEqual(totals['loyalty'].obligation_total, 295)
        # the books hold more than the plan's customers (the outsider, the demo company's own books):
        # per source, what the totals differ by is exactly what the differences list
        for source in ('account', 'sale', 'loyalty'):
            listed = self.plan.books_difference_ids.filtered(lambda d, source=source: d.source == source)
            self.assertAlmostEqual(totals[source].books_total - totals[source].obligation_total,
                                   sum(listed.mapped('difference')), msg=source)
            self.assertFalse(listed.filtered(lambda d: d.lead_id in self.cases), source)
        # the customer without a case, and a deposit entered by hand without a document
        manual = self.env['closure.obligation'].create({
            'lead_id': self.case_of[self.credit_customer].id, 'name': 'Equipment deposit',
            'obligation_type': 'deposit', 'amount': 80})
        self.plan.with_user(self.manager).action_reconcile_books()
        ours = self.cases.partner_id | self.outsider
        differences = self.plan.books_difference_ids.filtered(lambda d: d.partner_id in ours)
        self.assertEqual(
            sorted((row.source, row.reason, row.partner_id.name, row.books_amount, row.obligation_amount)
                   for row in differences),
            sorted([('account', 'no_case', self.outsider.name, 40, 0),
                    ('manual', 'no_document', self.credit_customer.name, 0, 80)]))
        outsider_row = differences.filtered(lambda d: d.reason == 'no_case')
        self.assertEqual(outsider_row.document, self.outsider_note)
        self.assertEqual(differences.filtered(lambda d: d.reason == 'no_document').obligation_id, manual)
        # the claims register carries the source document of each row
        content = self.plan.with_user(self.manager)._closure_export_register('claims')[1]
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [cell.value for cell in sheet[3]]
        rows = {row[0]: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=4, values_only=True)}
        self.assertIn(self.credit_note.name, rows[self.credit_customer.name]['Source Documents'])
        self.assertIn(self.order.name, rows[self.order_customer.name]['Source Documents'])
        # the XLSX reconciliation for the liquidation group
        action = self.plan.with_user(self.manager).action_export_reconciliation()
        attachment = self.env['ir.attachment'].browse(int(action['url'].split('/')[3].split('?')[0]))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        listed = [row for row in book.worksheets[1].iter_rows(min_row=4, values_only=True)]
        self.assertEqual(sorted(row[2] for row in listed if row[2] in ours.mapped('name')),
                         sorted([self.outsider.name, self.credit_customer.name]))
        # a rep reads neither the reconciliation nor its totals
        with self.assertRaises(AccessError):
            self.env['closure.books.difference'].with_user(self.rep_1).search([])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep_1).action_export_reconciliation()

    def test_changed_balance_updates_open_obligation_keeps_declared_claim(self):
        self._load()
        wallet = self._of(self.wallet_customer)
        order_obligation = self._of(self.order_customer)
        # the eWallet's customer declares the claim: the load never changes it again
        wallet._closure_declare_claim('email')
        self.wallet_card.points = 100
        # 10% of the order is delivered: 300 paid, 100 delivered, 200 paid and not delivered
        self.order.order_line.filtered(lambda line: not line.is_downpayment).qty_delivered = 0.1
        self._load()
        self.assertAlmostEqual(order_obligation.amount, 200)
        self.assertAlmostEqual(order_obligation.books_amount, 200)
        history = self.case_of[self.order_customer].message_ids[0].body
        self.assertIn(self.order.name, history)
        self.assertIn("200.00", history)
        # the declared claim keeps its amount; the books' figure is listed for the manager
        self.assertAlmostEqual(wallet.amount, 245)
        self.assertAlmostEqual(wallet.books_amount, 100)
        self.assertTrue(wallet.books_differs)
        listed = self.env['closure.books.difference'].with_user(self.manager).search(
            [('plan_id', '=', self.plan.id), ('obligation_id', '=', wallet.id)])
        self.assertEqual((listed.reason, listed.is_frozen, listed.books_amount, listed.obligation_amount),
                         ('amount', True, 100, 245))
        self.assertEqual(listed.document, self.wallet_card)
        self.assertIn("keeps", self.case_of[self.wallet_customer].message_ids[0].body)
        # a third load changes nothing more, and posts nothing in the cases
        messages = self.env['mail.message'].search_count([('model', '=', 'crm.lead'), ('res_id', 'in', self.cases.ids)])
        self._load()
        self.assertEqual(
            self.env['mail.message'].search_count([('model', '=', 'crm.lead'), ('res_id', 'in', self.cases.ids)]),
            messages)
        self.assertAlmostEqual(wallet.amount, 245)

    def test_customer_sees_the_source(self):
        self._load()
        case = self.case_of[self.wallet_customer]
        lines = case.closure_obligation_ids._closure_balance_lines()
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("eWallet balance on "), lines[0])
        self.assertIn("245.00", lines[0])
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        chinese = case.with_context(lang='zh_CN').closure_obligation_ids._closure_balance_lines()
        self.assertIn("245.00", chinese[0])
        self.assertIn("钱包", chinese[0])

    def test_cron_loads_until_claims_deadline(self):
        Plan = self.env['closure.plan']
        # only this plan is due: the others were loaded today
        (Plan.search([]) - self.plan).write({'obligations_loaded_date': fields.Datetime.now()})
        self.plan.write({'decision_date': self.today})
        self.plan.action_start()
        Plan._cron_compute_obligations()
        self.assertEqual(len(self._obligations()), 6)
        self.assertTrue(self.plan.obligations_loaded_date)
        # loaded today: the job leaves it until tomorrow; after the claims deadline, never again
        Plan.flush_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) pending", Plan._closure_books_pending_sql()))
        self.assertEqual(self.env.cr.fetchone()[0], 0)
