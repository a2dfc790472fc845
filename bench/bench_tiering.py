#!/usr/bin/env python3
"""Benchmark: A/B/C tiering of a closure plan, set-based SQL vs a per-record ORM loop.

    python3 bench/bench_tiering.py --db dev_bench_tier [--customers 100000 --lines 1000000 --seed 7]

Creates the database with closure_crm (without demo data) when it does not exist
or lacks the module, builds a plan with revenue_source 'import', loads the
customers, one case each and the revenue lines with PostgreSQL COPY
(data/bench_data.py; reused on the next run with the same figures), then times
on the same data, each from untiered cases:

  set-based   closure.plan._compute_tiers(): one SQL statement + the
              res.partner closure_tier recompute it triggers;
  ORM loop    the naive way: per case, search its revenue lines and sum them
              with the ORM, then sort in Python and write each case's tier and
              revenue with one write() per case (tracking disabled, as the
              set-based code does not track either).

Both must give the same tier and revenue for every case (and the same contact
tier). When the ORM loop would take longer than --loop-budget seconds, it runs
on a deterministic sample (every k-th case by id) and its time is extrapolated
linearly; the output says so. The tables are VACUUMed before each run, and the
set-based result is left in the database.

--storage tuned|default first applies closure_crm's storage option for large
databases (closure.plan._closure_tune_tiering_storage: fillfactor 50 on crm_lead
and res_partner) or PostgreSQL's default, then rewrites both tables (VACUUM
FULL) so that every page has the room, or not; without it the tables stay as
they are.

The set-based tiering runs --repeat times (default 3) and its median counts:
on a shared machine a single run is noisy. Targets: set-based under 5 s for
100k customers / 1M lines, at least 20x faster than the loop.
"""
import argparse
import sys
import time
from datetime import date

from _common import ensure_database, loaded_plan, odoo_addons_path, odoo_env, print_loaded, timed, vacuum, verdict

import bench_data  # noqa: E402  (data/, put on sys.path by _common)

# VACUUMed before each run
TIERING_TABLES = ('crm_lead', 'res_partner', 'closure_revenue_line')

TARGET_SECONDS = 5.0
TARGET_RATIO = 20.0


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def bench_plan(env, args):
    """The plan holding this benchmark's data, loaded now if needed."""
    name = f"Benchmark tiering: seed {args.seed}, {args.customers} customers, {args.lines} lines"
    plan = loaded_plan(env, name, [('crm.lead', 'closure_plan_id', args.customers, 'cases'),
                                   ('closure.revenue.line', 'plan_id', args.lines, 'revenue lines')])
    if plan:
        return plan
    print(f"data: loading {args.customers} customers, their cases and {args.lines} revenue lines "
          f"(seed {args.seed})...", flush=True)
    t0 = time.perf_counter()
    plan = env['closure.plan'].create({
        'name': name,
        'decision_date': date(2026, 11, 1),
        'lookback_months': 24,
        'revenue_source': 'import',
    })
    partner_ids = timed('customers', bench_data.load_customers, env, args.customers, args.seed)
    timed('cases', bench_data.load_cases, env, plan, partner_ids)
    timed('revenue lines', bench_data.load_revenue_lines, env, plan.id, args.lines, args.seed)
    timed('analyze', bench_data.analyze, env)
    env.cr.commit()
    print_loaded(t0)
    return plan


def reset_tiers(plan):
    """Untier the plan's cases and their contacts, so each run does the full work."""
    cr = plan.env.cr
    plan.env.flush_all()
    cr.execute("""UPDATE res_partner SET closure_tier = NULL
                   WHERE id IN (SELECT partner_id FROM crm_lead WHERE closure_plan_id = %s)
                     AND closure_tier IS NOT NULL""", [plan.id])
    cr.execute("""UPDATE crm_lead SET closure_tier = NULL, closure_revenue = NULL
                   WHERE closure_plan_id = %s""", [plan.id])
    plan.env.invalidate_all()


def snapshot(plan):
    """{case id: (tier, revenue)} and {partner id: contact tier} as stored."""
    cr = plan.env.cr
    plan.env.flush_all()
    cr.execute("""SELECT id, closure_tier, closure_revenue FROM crm_lead
                   WHERE closure_plan_id = %s""", [plan.id])
    cases = {lead_id: (tier, round(float(revenue or 0), 2)) for lead_id, tier, revenue in cr.fetchall()}
    cr.execute("""SELECT p.id, p.closure_tier FROM res_partner p
                   WHERE p.id IN (SELECT partner_id FROM crm_lead WHERE closure_plan_id = %s)""", [plan.id])
    return cases, dict(cr.fetchall())


# ---------------------------------------------------------------------------
# The two implementations
# ---------------------------------------------------------------------------
def run_set_based(plan):
    """Time plan._compute_tiers(); returns (seconds, breakdown): the tiering
    statement (UPDATE crm_lead), the contacts' closure_tier refresh it runs
    (UPDATE res_partner) and the rest."""
    cr = plan.env.cr
    execute = cr.execute
    spent = {'tiering SQL': 0.0, 'partner UPDATE': 0.0}

    def timed_execute(query, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return execute(query, *args, **kwargs)
        finally:
            text = str(getattr(query, 'code', query)).lstrip()
            key = ('tiering SQL' if text.startswith('WITH revenue') else
                   'partner UPDATE' if text.startswith(('UPDATE res_partner', 'UPDATE "res_partner"')) else None)
            if key:
                spent[key] += time.perf_counter() - t0

    cr.execute = timed_execute
    try:
        t0 = time.perf_counter()
        plan._compute_tiers()
        plan.env.flush_all()
        seconds = time.perf_counter() - t0
    finally:
        del cr.execute
    spent['rest'] = seconds - sum(spent.values())
    return seconds, spent


def orm_sums(plan, cases):
    """The naive revenue: one ORM search and sum per case."""
    Line = plan.env['closure.revenue.line']
    currency = plan.company_id.currency_id
    sums = {}
    for case in cases:
        lines = Line.search([
            ('plan_id', '=', plan.id),
            ('partner_id', '=', case.partner_id.id),
            ('date', '>=', plan.lookback_start),
            ('date', '<=', plan.decision_date),
        ])
        sums[case.id] = currency.round(sum(lines.mapped('amount')))
    return sums


def orm_rank(plan, cases, sums):
    """Sort the cases by revenue and cut the cumulative share, in Python."""
    ranked = sorted(cases, key=lambda case: (-sums[case.id], case.partner_id.id, case.id))
    total = sum(max(sums[case.id], 0) for case in ranked)
    cut_a, cut_b = total * plan.tier_a_share / 100.0, total * plan.tier_b_share / 100.0
    above, tiers = 0.0, {}
    for case in ranked:
        amount = sums[case.id]
        if amount <= 0 or total <= 0:
            tiers[case.id] = 'c'
        elif above < cut_a:
            tiers[case.id] = 'a'
        elif above < cut_b:
            tiers[case.id] = 'b'
        else:
            tiers[case.id] = 'c'
        above += amount
    return tiers


def orm_write(cases, sums, tiers):
    """One write() per case; the contacts' tiers follow through the ORM."""
    for case in cases.with_context(tracking_disable=True):
        case.write({'closure_revenue': sums[case.id], 'closure_tier': tiers[case.id]})
    cases.env.flush_all()


def sql_sums(plan, case_ids):
    """Reference sums for the cases the sampled loop does not visit (untimed)."""
    cr = plan.env.cr
    cr.execute("""SELECT l.id, COALESCE(SUM(r.amount), 0)
                    FROM crm_lead l
                    LEFT JOIN closure_revenue_line r
                           ON r.partner_id = l.partner_id AND r.plan_id = l.closure_plan_id
                          AND r.date >= %s AND r.date <= %s
                   WHERE l.id = ANY(%s)
                   GROUP BY l.id""", [plan.lookback_start, plan.decision_date, list(case_ids)])
    return {lead_id: round(float(amount), 2) for lead_id, amount in cr.fetchall()}


def run_orm_loop(plan, budget, sample_size):
    """Returns (seconds, tiers, sums, written cases, note)."""
    env = plan.env
    cases = env['crm.lead'].search([('closure_plan_id', '=', plan.id)], order='id')
    n = len(cases)
    stride = max(1, n // sample_size) if sample_size else 1
    sample = cases[::stride]
    s = len(sample)

    t0 = time.perf_counter()
    sums = orm_sums(plan, sample)
    sample_sum_seconds = time.perf_counter() - t0
    projected = sample_sum_seconds * n / s
    # the writes cost about as much again: sample when the whole loop would not fit
    extrapolate = s < n and projected * 2 > budget
    if extrapolate:
        sums.update(sql_sums(plan, [cid for cid in cases.ids if cid not in sums]))
        sum_seconds = projected
        note_sums = f"searched and summed {s} cases in {sample_sum_seconds:.1f} s"
    else:
        rest = cases - sample
        t0 = time.perf_counter()
        sums.update(orm_sums(plan, rest))
        sum_seconds = sample_sum_seconds + time.perf_counter() - t0

    t0 = time.perf_counter()
    tiers = orm_rank(plan, cases, sums)
    rank_seconds = time.perf_counter() - t0

    written = sample if extrapolate else cases
    t0 = time.perf_counter()
    orm_write(written, sums, tiers)
    write_seconds = time.perf_counter() - t0
    if extrapolate:
        note = (f"EXTRAPOLATED linearly from a sample of {s} of {n} cases (every {stride}th by id): "
                f"{note_sums}, wrote {s} in {write_seconds:.1f} s")
        write_seconds *= n / s
    else:
        note = f"measured on all {n} cases"
    seconds = sum_seconds + rank_seconds + write_seconds
    detail = f"sums {sum_seconds:.1f} s, ranking {rank_seconds:.1f} s, writes {write_seconds:.1f} s"
    return seconds, tiers, sums, written, f"{note}; {detail}"


# ---------------------------------------------------------------------------
def report_set_based(args, n_cases, n_lines, counts, revenue, total_revenue, set_seconds, breakdown):
    print()
    print(f"data:        {n_cases} customers/cases, {n_lines} revenue lines (seed {args.seed}), "
          f"database {args.db}, storage {args.storage or 'as it is'}")
    print("tiers:       " + ", ".join(
        f"{tier.upper()} {counts[tier]} cases ({100.0 * counts[tier] / max(n_cases, 1):.1f}%, "
        f"{100.0 * revenue[tier] / total_revenue:.1f}% of revenue)" for tier in 'abc'))
    print(f"set-based:   {set_seconds:.2f} s  (median of {args.repeat} runs: "
          + ", ".join(f"{key} {value:.2f} s" for key, value in breakdown.items()) + ")")
    if args.no_loop:
        print(f"target:      set-based < {TARGET_SECONDS:.0f} s: "
              f"{verdict(set_seconds < TARGET_SECONDS)} (--no-loop: no ratio)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', required=True, help='database (created when missing)')
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--lines', type=int, default=1_000_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--loop-budget', type=float, default=600,
                        help='seconds the ORM loop may take before it is sampled (default 600)')
    parser.add_argument('--loop-sample', type=int, default=10_000,
                        help='cases in the ORM loop sample (default 10000)')
    parser.add_argument('--repeat', type=int, default=3,
                        help='set-based runs, the median counts (default 3)')
    parser.add_argument('--no-loop', action='store_true',
                        help='time the set-based tiering only (no ORM loop, no ratio)')
    parser.add_argument('--update', action='store_true', help='update closure_crm in the database first')
    parser.add_argument('--storage', choices=('tuned', 'default'),
                        help="crm_lead/res_partner storage: closure_crm's tuning for large databases "
                             "or PostgreSQL's default, applied with a VACUUM FULL (default: as they are)")
    parser.add_argument('--addons-path', default=None)
    args = parser.parse_args()

    addons_path = args.addons_path or odoo_addons_path()
    ensure_database(args.db, addons_path, args.update)
    with odoo_env(args.db, addons_path) as env:
        for lang in ('en_US', 'zh_CN'):  # customers keep their language when it is active
            if not env['res.lang']._activate_lang(lang):
                print(f"note: language {lang} is not loaded in {args.db}; its customers get another one")
        plan = bench_plan(env, args)
        if args.storage:
            plan._closure_tune_tiering_storage(args.storage == 'tuned')
            env.cr.commit()
            timed(f'storage {args.storage} (VACUUM FULL)',
                  lambda: vacuum(args.db, ('crm_lead', 'res_partner'), full=True))
        n_lines = env['closure.revenue.line'].search_count([('plan_id', '=', plan.id)])
        n_cases = env['crm.lead'].search_count([('closure_plan_id', '=', plan.id)])

        runs = []
        for run in range(args.repeat):
            reset_tiers(plan)
            env.cr.commit()
            vacuum(args.db, TIERING_TABLES)
            seconds, breakdown = run_set_based(plan)
            print(f"set-based: plan._compute_tiers() run {run + 1}/{args.repeat}: {seconds:.2f} s  ("
                  + ", ".join(f"{key} {value:.2f} s" for key, value in breakdown.items()) + ")", flush=True)
            runs.append((seconds, breakdown))
            cases_set, partners_set = snapshot(plan)
            env.cr.commit()
        # the median run: the machine may be shared, a single run is noisy
        set_seconds, breakdown = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        counts = {tier: 0 for tier in 'abc'}
        revenue = {tier: 0.0 for tier in 'abc'}
        for tier, amount in cases_set.values():
            counts[tier] += 1
            revenue[tier] += max(amount, 0)
        total_revenue = sum(revenue.values()) or 1
        if args.no_loop:
            report_set_based(args, n_cases, n_lines, counts, revenue, total_revenue, set_seconds, breakdown)
            return 0

        reset_tiers(plan)
        env.cr.commit()
        vacuum(args.db, TIERING_TABLES)
        print("ORM loop: search/sum per case, sort, write per case...", flush=True)
        loop_seconds, loop_tiers, loop_sums, written, note = run_orm_loop(plan, args.loop_budget, args.loop_sample)
        cases_loop, partners_loop = snapshot(plan)
        env.cr.rollback()
        # leave the set-based result in the database
        reset_tiers(plan)
        plan._compute_tiers()
        env.cr.commit()

        # -- verification --------------------------------------------------
        mismatches = [cid for cid, (tier, revenue) in cases_set.items()
                      if (loop_tiers.get(cid), loop_sums.get(cid)) != (tier, revenue)]
        written_ids = set(written.ids)
        stored_mismatches = [cid for cid in written_ids if cases_loop[cid] != cases_set[cid]]
        written_partners = {case.partner_id.id for case in written}
        partner_mismatches = [pid for pid in written_partners if partners_loop.get(pid) != partners_set.get(pid)]
        identical = not (mismatches or stored_mismatches or partner_mismatches)

    ratio = loop_seconds / set_seconds if set_seconds else float('inf')
    report_set_based(args, n_cases, n_lines, counts, revenue, total_revenue, set_seconds, breakdown)
    print(f"ORM loop:    {loop_seconds:.1f} s  ({note})")
    print(f"identical:   {'yes' if identical else 'NO'} ({len(cases_set)} case tiers and revenues compared, "
          f"{len(written_ids)} stored cases and {len(written_partners)} contacts read back)"
          + ('' if identical else f"; mismatching cases {mismatches[:5] or stored_mismatches[:5]}, "
                                  f"contacts {partner_mismatches[:5]}"))
    print(f"ratio:       {ratio:.0f}x faster")
    print(f"targets:     set-based < {TARGET_SECONDS:.0f} s: {verdict(set_seconds < TARGET_SECONDS)}; "
          f">= {TARGET_RATIO:.0f}x: {verdict(ratio >= TARGET_RATIO)}")
    return 0 if identical else 1


if __name__ == '__main__':
    sys.exit(main())
