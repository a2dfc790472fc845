#!/usr/bin/env python3
"""Benchmark: the closure registers as XLSX for a plan of 100k customers.

    python3 bench/bench_registers.py --db dev_bench_tier [--customers 100000 --lines 1000000 --seed 7]

Uses the plan of bench_tiering.py (same database, same options; loaded there
when missing), gives it obligations once (a prepaid balance on every 3rd case,
a deposit on every 10th, a settled one on every 7th: about 43k customers
owed), then exports the claims register and the case register with
closure.register._export_xlsx, as the download route does, and prints for each:
rows, seconds, rows per second, the file size and the peak of Python memory
(tracemalloc, in a second run: tracing slows the first down). Rows are read in
keyset pages of REGISTER_BATCH and written in xlsxwriter's constant-memory
mode, so the peak should stay far below the size of the register.
"""
import argparse
import time
import tracemalloc

from _common import ensure_database, odoo_addons_path, odoo_env

from bench_tiering import bench_plan


def ensure_obligations(env, plan):
    cr = env.cr
    cr.execute("SELECT count(*) FROM closure_obligation WHERE plan_id = %s", [plan.id])
    if cr.fetchone()[0]:
        # obligations loaded before 'refundable_amount' was stored: give them theirs
        cr.execute("""UPDATE closure_obligation SET refundable_amount = amount
                       WHERE plan_id = %s AND refundable_amount IS NULL
                         AND obligation_type IN ('prepaid', 'deposit')""", [plan.id])
        env.cr.commit()
        return
    print("data: adding obligations to the plan's cases (SQL)...", flush=True)
    cr.execute("""
        INSERT INTO closure_obligation (lead_id, plan_id, company_id, obligation_type, name, amount,
                                        refundable_amount, state, create_uid, create_date, write_uid, write_date)
        SELECT lead.id, lead.closure_plan_id, lead.company_id, kind.obligation_type, kind.name,
               100 + (lead.id %% 900), 100 + (lead.id %% 900), kind.state, 1, now(), 1, now()
          FROM crm_lead lead
          JOIN (VALUES (3, 'prepaid', 'Prepaid membership', 'open'),
                       (10, 'deposit', 'Deposit', 'open'),
                       (7, 'prepaid', 'Old prepaid card', 'settled')) AS kind(every, obligation_type, name, state)
            ON lead.id %% kind.every = 0
         WHERE lead.closure_plan_id = %s""", [plan.id])
    # the stored totals on the cases, as the ORM would have computed them
    cr.execute("""
        UPDATE crm_lead lead SET closure_refund_due = owed.amount
          FROM (SELECT lead_id, SUM(amount) AS amount FROM closure_obligation
                 WHERE plan_id = %s AND state = 'open' GROUP BY lead_id) owed
         WHERE owed.lead_id = lead.id""", [plan.id])
    env.cr.commit()
    env.invalidate_all()


def export(env, plan, register):
    t0 = time.perf_counter()
    _filename, content, rows = env['closure.register']._export_xlsx(plan, register)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    env['closure.register']._export_xlsx(plan, register)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {register:8s} {rows:7d} rows  {seconds:6.2f} s  {rows / seconds:8.0f} rows/s  "
          f"file {len(content) / 1e6:5.1f} MB  peak Python memory {peak / 1e6:6.1f} MB", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', required=True)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--lines', type=int, default=1_000_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--update', action='store_true', help="update closure_crm in the database first")
    args = parser.parse_args()

    addons_path = odoo_addons_path()
    ensure_database(args.db, addons_path, args.update)
    with odoo_env(args.db, addons_path, {'lang': 'en_US'}) as env:
        plan = bench_plan(env, args)
        ensure_obligations(env, plan)
        from odoo.addons.closure_crm.report.closure_register import REGISTER_BATCH
        print(f"registers of plan {plan.id} (pages of {REGISTER_BATCH} rows):", flush=True)
        for register in ('claims', 'cases'):
            export(env, plan, register)


if __name__ == '__main__':
    main()
