#!/usr/bin/env python3
"""Benchmark: Load What We Owe (closure.plan.action_compute_obligations), set-based vs an ORM loop.

    python3 bench/bench_obligation_load.py --db b1bench [--customers 100000 --items 1000000 --cards 100000
                                                         --orders 20000 --runs 3]

The database needs sale, loyalty and closure_crm installed (made when missing,
without demo data). The script builds its data once with SQL, in a company of
its own ("Bench Books"): ``--customers`` customers, each with a case in the
plan "Bench Books"; about ``--items`` journal items on receivable accounts
(two per journal entry: paid invoices, and on one entry in ten an unapplied
credit note, an advance payment or an overpayment); ``--cards`` eWallets and
gift cards; ``--orders`` confirmed orders with a paid down payment of 30%, half
of them a quarter delivered. Then, ``--runs`` times each, from no obligation:

- the set-based load (``_closure_load_obligations``: a few SQL statements per
  source, then the ORM's recompute of the touched cases' balances);
- a straightforward ORM loop over the same data: per case, search its
  receivable items, its orders, its cards and its obligations, and create
  the new obligations with the ORM's batched ``create``;

and prints the median of each, the ratio (target: at least 20x), whether both
produced the same obligations (case, document, kind, amount), and the peak of
Python memory of the set-based load (tracemalloc, in a run of its own).
"""
import argparse
import statistics
import time
import tracemalloc
from collections import defaultdict

from odoo import fields

from _common import ensure_database, odoo_addons_path, odoo_env, print_checks, times, vacuum, verdict

PLAN = 'Bench Books'


def build(env, args):
    """The bench company, its customers, cases and books (SQL), once."""
    cr = env.cr
    plan = env['closure.plan'].search([('name', '=', PLAN)], limit=1)
    if plan:
        cr.execute("SELECT count(*) FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
        if cr.fetchone()[0] != args.customers:
            raise SystemExit(f"plan {PLAN!r} exists with another number of customers: use another database")
        print(f"data: reusing plan {plan.id}", flush=True)
        return plan
    t0 = time.perf_counter()
    company = env['res.company'].create({'name': 'Bench Books', 'currency_id': env.ref('base.CNY').id})
    env['account.chart.template'].try_loading('generic_coa', company, install_demo=False)
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    plan = env['closure.plan'].with_company(company).create({'name': PLAN, 'company_id': company.id})
    receivable = env['account.account'].search([('company_ids', 'in', company.id),
                                                ('account_type', '=', 'asset_receivable')], limit=1)
    income = env['account.account'].search([('company_ids', 'in', company.id),
                                            ('account_type', '=', 'income')], limit=1)
    sale_journal = env['account.journal'].search([('company_id', '=', company.id), ('type', '=', 'sale')], limit=1)
    currency = company.currency_id.id
    n = args.customers
    print(f"data: {n} customers and their cases...", flush=True)
    cr.execute("""
        INSERT INTO res_partner (name, is_company, active, type, autopost_bills, company_id, email, create_date,
                                 write_date)
        SELECT 'Bench Customer ' || i, TRUE, TRUE, 'contact', 'ask', NULL, 'bench' || i || '@example.com',
               now(), now()
          FROM generate_series(1, %s) i RETURNING id""", [n])
    partners = sorted(row[0] for row in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partners])
    cr.execute("""
        INSERT INTO crm_lead (name, type, partner_id, closure_plan_id, team_id, company_id, active, create_date,
                              write_date)
        SELECT 'Bench case ' || p, 'opportunity', p, %s, %s, %s, TRUE, now(), now()
          FROM unnest(%s::int[]) p""", [plan.id, plan.team_id.id, company.id, partners])
    # Invoicing: a paid invoice per entry; one entry in ten leaves a credit (credit note, payment, overpayment)
    entries = max(args.items // 2 - args.orders, 0)
    print(f"data: {entries} journal entries ({2 * entries} items)...", flush=True)
    cr.execute("""
        INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, partner_id,
                                  commercial_partner_id, date, auto_post, amount_total, amount_total_signed,
                                  amount_residual, amount_residual_signed, create_date, write_date)
        SELECT 'BENCH/' || i, CASE WHEN i %% 30 = 0 THEN 'out_refund' WHEN i %% 10 = 0 THEN 'entry'
                                   ELSE 'out_invoice' END,
               'posted', %(journal)s, %(company)s, %(currency)s, p.id, p.id, DATE '2026-05-01', 'no',
               100 + i %% 900, 100 + i %% 900, 0, 0, now(), now()
          FROM generate_series(1, %(entries)s) i
          JOIN LATERAL (SELECT (%(partners)s::int[])[1 + (i::bigint * 7919) %% %(n)s] AS id) p ON TRUE""",
               {'journal': sale_journal.id, 'company': company.id, 'currency': currency, 'entries': entries,
                'partners': partners, 'n': n})
    cr.execute("""
        INSERT INTO account_move_line (move_id, account_id, journal_id, company_id, company_currency_id,
                                       currency_id, partner_id, display_type, parent_state, date, name, balance,
                                       debit, credit, amount_currency, amount_residual, amount_residual_currency,
                                       reconciled, create_date, write_date)
        SELECT m.id, acc.account_id, m.journal_id, m.company_id, m.currency_id, m.currency_id, m.partner_id,
               acc.display_type, 'posted', m.date, m.name, acc.sign * m.amount_total,
               GREATEST(acc.sign * m.amount_total, 0), GREATEST(-acc.sign * m.amount_total, 0),
               acc.sign * m.amount_total,
               CASE WHEN acc.is_receivable AND m.move_type <> 'out_invoice'
                    THEN acc.sign * m.amount_total * (CASE WHEN m.id %% 20 = 0 THEN 0.5 ELSE 1 END) ELSE 0 END,
               CASE WHEN acc.is_receivable AND m.move_type <> 'out_invoice'
                    THEN acc.sign * m.amount_total * (CASE WHEN m.id %% 20 = 0 THEN 0.5 ELSE 1 END) ELSE 0 END,
               NOT (acc.is_receivable AND m.move_type <> 'out_invoice'), now(), now()
          FROM account_move m
          JOIN LATERAL (VALUES (%(receivable)s, 'payment_term', TRUE,
                                CASE WHEN m.move_type = 'out_invoice' THEN 1 ELSE -1 END),
                               (%(income)s, 'product', FALSE, CASE WHEN m.move_type = 'out_invoice' THEN -1 ELSE 1 END))
               AS acc(account_id, display_type, is_receivable, sign) ON TRUE
         WHERE m.company_id = %(company)s AND m.name LIKE 'BENCH/%%'""",
               {'receivable': receivable.id, 'income': income.id, 'company': company.id})
    # Loyalty: an eWallet and gift cards, valued 1 per point
    programs = {kind: env['loyalty.program'].with_company(company).create({
        'name': f'Bench {kind}', 'program_type': kind, 'company_id': company.id,
        **env['loyalty.program']._program_type_default_values()[kind]}) for kind in ('ewallet', 'gift_card')}
    print(f"data: {args.cards} loyalty cards...", flush=True)
    cr.execute("""
        INSERT INTO loyalty_card (program_id, company_id, partner_id, points, code, active, create_date, write_date)
        SELECT CASE WHEN i %% 2 = 0 THEN %(ewallet)s ELSE %(gift)s END, %(company)s,
               (%(partners)s::int[])[1 + (i::bigint * 104729) %% %(n)s], (i %% 500) + 1, 'BENCH-' || i, TRUE,
               now(), now()
          FROM generate_series(1, %(cards)s) i""",
               {'ewallet': programs['ewallet'].id, 'gift': programs['gift_card'].id, 'company': company.id,
                'partners': partners, 'n': n, 'cards': args.cards})
    # Sales: orders of 1,000 with a paid down payment of 300; half of them a quarter delivered
    print(f"data: {args.orders} orders with a paid down payment...", flush=True)
    product = env['product.product'].create({'name': 'Bench service', 'type': 'service', 'list_price': 1000})
    cr.execute("""
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, state,
                                date_order, currency_id, currency_rate, pricelist_id, create_date, write_date)
        SELECT 'BENCH-SO' || i, p, p, p, %(company)s, 'sale', now(), %(currency)s, 1, NULL, now(), now()
          FROM generate_series(1, %(orders)s) i
          JOIN LATERAL (SELECT (%(partners)s::int[])[1 + (i::bigint * 7927) %% %(n)s] AS p) x ON TRUE
        RETURNING id""", {'company': company.id, 'currency': currency, 'orders': args.orders,
                          'partners': partners, 'n': n})
    orders = [row[0] for row in cr.fetchall()]
    cr.execute("""
        INSERT INTO sale_order_line (order_id, company_id, name, product_id, product_uom, product_uom_qty,
                                     qty_delivered, price_unit, price_total, price_subtotal, is_downpayment,
                                     sequence, customer_lead, create_date, write_date)
        SELECT o, %(company)s, 'Bench service', %(product)s, %(uom)s, 4, CASE WHEN o %% 2 = 0 THEN 1 ELSE 0 END,
               250, 1000, 1000, FALSE, 10, 0, now(), now()
          FROM unnest(%(orders)s::int[]) o
        UNION ALL
        SELECT o, %(company)s, 'Down payment', NULL, NULL, 0, 0, 300, 0, 0, TRUE, 20, 0, now(), now()
          FROM unnest(%(orders)s::int[]) o""", {'company': company.id, 'product': product.id, 'uom': product.uom_id.id,
                                                   'orders': orders})
    cr.execute("""
        WITH inv AS (
            INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, partner_id,
                                      commercial_partner_id, date, auto_post, amount_total, amount_total_signed,
                                      amount_residual, amount_residual_signed, invoice_origin, create_date,
                                      write_date)
            SELECT 'BENCH-DP/' || so.id, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
                   so.partner_id, so.partner_id, DATE '2026-05-01', 'no', 300, 300, 0, 0, so.name, now(), now()
              FROM sale_order so WHERE so.id = ANY(%(orders)s)
            RETURNING id, invoice_origin, partner_id
        ), line AS (
            INSERT INTO account_move_line (move_id, account_id, journal_id, company_id, company_currency_id,
                                           currency_id, partner_id, display_type, parent_state, date, name, balance,
                                           debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled, price_total, price_subtotal,
                                           quantity, price_unit, create_date, write_date)
            SELECT inv.id, %(income)s, %(journal)s, %(company)s, %(currency)s, %(currency)s, inv.partner_id,
                   'product', 'posted', DATE '2026-05-01', 'Down payment', -300, 0, 300, -300, 0, 0, FALSE, 300,
                   300, 1, 300, now(), now()
              FROM inv
            RETURNING id, move_id
        )
        INSERT INTO sale_order_line_invoice_rel (order_line_id, invoice_line_id)
        SELECT sol.id, line.id
          FROM line JOIN inv ON inv.id = line.move_id
          JOIN sale_order so ON so.name = inv.invoice_origin AND so.company_id = %(company)s
          JOIN sale_order_line sol ON sol.order_id = so.id AND sol.is_downpayment""",
               {'journal': sale_journal.id, 'company': company.id, 'currency': currency, 'orders': orders,
                'income': income.id})
    env.cr.commit()
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM account_move_line WHERE company_id = %s", [company.id])
    print(f"data: {cr.fetchone()[0]} journal items, built in {time.perf_counter() - t0:.1f} s", flush=True)
    return plan


def orm_load(env, plan):
    """The straightforward way: per case, read its books and its obligations
    through the ORM, and create the new obligations with the ORM's batched
    ``create`` (a thousand at a time), as an Odoo developer would write it
    (what the set-based load replaces)."""
    Obligation = env['closure.obligation']
    labels = dict(Obligation._fields['source_kind']._description_selection(env))
    today = fields.Date.context_today(plan)
    rates = {}
    to_create = []
    cases = env['crm.lead'].search([('closure_plan_id', '=', plan.id)])
    started = time.perf_counter()
    for index, case in enumerate(cases, 1):
        if not index % 20000:
            print(f"    ORM loop: {index} of {len(cases)} cases, {time.perf_counter() - started:.0f} s", flush=True)
        partner = case.partner_id.commercial_partner_id
        found = _orm_credits(env, plan, partner) + _orm_orders(env, plan, partner) \
            + _orm_cards(env, plan, partner, today, rates)
        if not found:
            continue
        existing = {obligation.source_document: obligation
                    for obligation in Obligation.search([('lead_id', '=', case.id), ('source_document', '!=', False)])}
        for source, kind, document, ref, amount, obligation_type in found:
            reference = f'{document._name},{document.id}'
            if reference in existing:
                obligation = existing[reference]
                if obligation.state == 'open' and not obligation.claim_declared_date and obligation.amount != amount:
                    obligation.write({'amount': amount, 'books_amount': amount, 'source_date': today})
                continue
            name = f'{labels[kind]} ({ref})' if kind == 'ewallet' else f'{labels[kind]} {ref}'
            to_create.append({
                'lead_id': case.id, 'obligation_type': obligation_type, 'name': name,
                'amount': amount, 'is_paid': obligation_type != 'prepaid', 'source': source, 'source_kind': kind,
                'source_document': reference, 'source_ref': ref, 'source_date': today, 'books_amount': amount})
        if len(to_create) >= 1000:
            Obligation.create(to_create)
            to_create = []
    Obligation.create(to_create)
    env.flush_all()


def _orm_credits(env, plan, partner):
    company = plan.company_id
    lines = env['account.move.line'].search([
        ('partner_id.commercial_partner_id', '=', partner.id), ('company_id', '=', company.id),
        ('account_id.account_type', '=', 'asset_receivable'), ('parent_state', '=', 'posted'),
        ('reconciled', '=', False), ('amount_residual', '<', 0)])
    by_move = defaultdict(list)
    for line in lines:
        by_move[line.move_id].append(line)
    found = []
    for move, move_lines in by_move.items():
        amount = company.currency_id.round(-sum(line.amount_residual for line in move_lines))
        if move.move_type == 'out_refund':
            kind = 'credit_note'
        elif move.origin_payment_id:
            kind = 'advance_payment' if all(line.amount_residual == line.balance for line in move_lines) \
                else 'overpayment'
        else:
            kind = 'customer_credit'
        if amount > 0:
            found.append(('account', kind, move, move.name, amount, 'prepaid'))
    return found


def _orm_orders(env, plan, partner):
    company = plan.company_id
    found = []
    for order in env['sale.order'].search([('partner_id.commercial_partner_id', '=', partner.id),
                                           ('company_id', '=', company.id), ('state', '=', 'sale')]):
        invoice_lines = order.order_line.invoice_lines
        paid = sum(line.price_total * (line.move_id.amount_total_signed - line.move_id.amount_residual_signed)
                   / line.move_id.amount_total
                   for line in invoice_lines
                   if line.move_id.state == 'posted' and line.move_id.amount_total
                   and line.move_id.move_type in ('out_invoice', 'out_refund'))
        goods = order.order_line.filtered(lambda sol: not sol.display_type and not sol.is_downpayment
                                          and sol.product_uom_qty > 0)
        if not goods or not invoice_lines or all(sol.qty_delivered >= sol.product_uom_qty for sol in goods):
            continue
        delivered = sum(sol.price_total * min(sol.qty_delivered, sol.product_uom_qty) / sol.product_uom_qty
                        for sol in goods) / (order.currency_rate or 1)
        amount = company.currency_id.round(paid - delivered)
        if amount > 0:
            found.append(('sale', 'paid_not_delivered', order, order.name, amount, 'contract'))
    return found


def _orm_cards(env, plan, partner, today, rates):
    company = plan.company_id
    found = []
    for card in env['loyalty.card'].search([
            ('partner_id.commercial_partner_id', '=', partner.id), ('points', '>', 0),
            ('program_id.program_type', 'in', ('ewallet', 'gift_card')),
            ('program_id.company_id', 'in', (company.id, False))]):
        if card.expiration_date and card.expiration_date < today:
            continue
        program = card.program_id
        if program.currency_id not in rates:
            rates[program.currency_id] = program.currency_id._get_conversion_rate(
                program.currency_id, company.currency_id, company, today)
        per_point = max(program.reward_ids.filtered(lambda r: r.discount_mode == 'per_point').mapped('discount'),
                        default=1)
        amount = company.currency_id.round(card.points * per_point * rates[program.currency_id])
        ref = card.code if program.program_type == 'gift_card' else program.name
        if amount > 0:
            found.append(('loyalty', program.program_type, card, ref, amount, 'prepaid'))
    return found


def snapshot(env, plan):
    env.flush_all()
    env.cr.execute("""SELECT lead_id, source_document, source_kind, amount, refundable_amount FROM closure_obligation
                       WHERE plan_id = %s ORDER BY lead_id, source_document""", [plan.id])
    rows = env.cr.fetchall()
    env.cr.execute("SELECT SUM(closure_refund_due) FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
    return rows, env.cr.fetchone()[0]


def reset(env, plan):
    env.cr.execute("DELETE FROM closure_obligation WHERE plan_id = %s", [plan.id])
    env.cr.execute("""UPDATE crm_lead SET closure_prepaid_balance = 0, closure_refund_due = 0
                       WHERE closure_plan_id = %s""", [plan.id])
    env.cr.commit()
    env.invalidate_all()


# what the runs read and write: fresh planner statistics and no dead rows before each run
TABLES = ('closure_obligation', 'crm_lead', 'res_partner', 'account_move', 'account_move_line', 'loyalty_card',
          'sale_order', 'sale_order_line', 'sale_order_line_invoice_rel')


def run(env, plan, label, func):
    reset(env, plan)
    vacuum(env.cr.dbname, TABLES[:2])
    t0 = time.perf_counter()
    func()
    seconds = time.perf_counter() - t0
    result = snapshot(env, plan)
    env.cr.rollback()  # each run starts from the same data
    env.invalidate_all()
    print(f"  {label}: {seconds:.2f} s, {len(result[0])} obligations", flush=True)
    return seconds, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', required=True)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--items', type=int, default=1_000_000)
    parser.add_argument('--cards', type=int, default=100_000)
    parser.add_argument('--orders', type=int, default=20_000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--update', action='store_true', help="update the add-ons in the database first")
    args = parser.parse_args()
    addons_path = odoo_addons_path()
    ensure_database(args.db, addons_path, args.update, modules=('sale', 'loyalty', 'closure_crm'))
    print(f"scale: {args.customers} customers, {args.items} journal items, {args.cards} loyalty cards, "
          f"{args.orders} orders", flush=True)
    with odoo_env(args.db, addons_path, {'lang': 'en_US'}) as env:
        plan = build(env, args)
        vacuum(args.db, TABLES)  # as a live database's statistics are: the books were just written
        env = env(context=dict(env.context, allowed_company_ids=[plan.company_id.id]))
        plan = plan.with_env(env)
        set_runs, orm_runs = [], []
        for index in range(args.runs):
            set_runs.append(run(env, plan, f"set-based load, run {index + 1}", plan._closure_load_obligations))
            orm_runs.append(run(env, plan, f"ORM loop, run {index + 1}", lambda: orm_load(env, plan)))
        # the peak of Python memory of one set-based load (tracing slows it down: not timed)
        reset(env, plan)
        tracemalloc.start()
        plan._closure_load_obligations()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # the second load changes nothing
        stats = plan._closure_load_obligations()
        env.cr.rollback()
        reset(env, plan)
        set_median = statistics.median(seconds for seconds, _r in set_runs)
        orm_median = statistics.median(seconds for seconds, _r in orm_runs)
        ratio = orm_median / set_median
        print(f"set-based load: median {set_median:.2f} s; ORM loop: median {orm_median:.2f} s; "
              f"ratio {times(ratio)} (target at least 20x: {verdict(ratio >= 20)})")
        print(f"peak Python memory of the set-based load: {peak / 1e6:.1f} MB")
        ok = print_checks({
            'both ways give the same obligations (case, document, kind, amount) and balances owed':
                all(result == orm_runs[0][1] for _s, result in set_runs + orm_runs),
            'the obligations are not empty': bool(set_runs[0][1][0]),
            'a second load changes nothing': all(not counts['created'] and not counts['updated']
                                                 for counts in stats.values()),
        })
        raise SystemExit(0 if ok else 1)


if __name__ == '__main__':
    main()
