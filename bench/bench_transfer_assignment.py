#!/usr/bin/env python3
"""Benchmark: capacity-aware bulk assignment of closure cases to receivers.

    python3 bench/bench_transfer_assignment.py --db dev_transfer_bench [--cases 100000 --receivers 500 --seed 7]

Creates the database with closure_crm (without demo data) when it does not
exist or lacks the module, then builds (once; reused on the next run with the
same figures) a plan with ``--cases`` customers and their cases (loaded with
PostgreSQL COPY by data/bench_data.py), each with recorded needs: industry
(the customer's), region (a Chinese province, or the customer's country),
1-3 services out of 10, size for companies. ``--receivers`` receiving partners
get random industries, regions, services, segment and size limits; 3% have
no data-protection commitment signed. Their capacities add up to
``--capacity-ratio`` times the number of cases (default 1.0: the tightest
case, every slot contested).

Then, from a plan without transfers (the previous run's are deleted, tables
vacuumed), it times ``closure.transfer.matcher._assign(plan)``, the method the
"Assign Receivers" button runs, end to end (load, score, solve, INSERT of the
proposals, flags), and prints:

- seconds, with the part spent in the solver;
- the total match score and the LP upper bound of the optimum the solver
  certifies (score / bound: the assignment is at least that close to optimal);
- checks: no receiver over capacity, no case with two live transfers.

Then, on instances small enough for an exact solver (``--exact``, default
300x10, 2000x40, 5000x100 cases x receivers, sampled from the same data with
capacities scaled to the same ratio), the same solver's total score as a
percentage of the exact optimum (scipy HiGHS LP; the transportation polytope
is integral), and a plain greedy for reference.

Targets: < 30 s for 100k cases / 500 receivers, >= 97% of the exact optimum.
"""
import argparse
import random
import sys
import time

from _common import ensure_database, loaded_plan, odoo_addons_path, odoo_env, print_loaded, timed, vacuum

import bench_data  # noqa: E402  (data/, put on sys.path by _common)

# VACUUMed before each run
ASSIGN_TABLES = ('closure_transfer', 'crm_lead', 'closure_receiver_capacity')

TARGET_SECONDS = 30.0
TARGET_SHARE = 97.0
SERVICES = ['it_support', 'cloud_hosting', 'software_licences', 'maintenance', 'logistics',
            'accounting', 'training', 'consulting', 'membership', 'repairs']
SIZES = ['micro', 'small', 'medium', 'large']


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def bench_plan(env, args):
    name = (f"Benchmark transfers: seed {args.seed}, {args.cases} cases, {args.receivers} receivers, "
            f"capacity x{args.capacity_ratio:g}")
    plan = loaded_plan(env, name, [('crm.lead', 'closure_plan_id', args.cases, 'cases'),
                                   ('closure.receiver.capacity', 'plan_id', args.receivers, 'receivers')])
    if plan:
        return plan
    print(f"data: loading {args.cases} customers and cases, {args.receivers} receivers (seed {args.seed})...",
          flush=True)
    t0 = time.perf_counter()
    plan = env['closure.plan'].create({'name': name, 'decision_date': '2026-11-01', 'revenue_source': 'import'})
    plan.action_start()
    partner_ids = timed('customers', bench_data.load_customers, env, args.cases, args.seed)
    case_ids = timed('cases', bench_data.load_cases, env, plan, partner_ids)
    timed('needs', load_needs, env, case_ids, args.seed)
    timed('receivers', load_receivers, env, plan, args)
    timed('analyze', bench_data.analyze, env)
    env.cr.commit()
    print_loaded(t0)
    return plan


def _refs(env, xmlids):
    return {xmlid: env.ref(xmlid).id for xmlid in xmlids}


def load_needs(env, case_ids, seed):
    """Region, size and services of every case, set-based."""
    cr = env.cr
    rng = random.Random(f'{seed}-needs')
    states = env['res.country.state'].search([('country_id', '=', env.ref('base.cn').id)]).ids
    services = list(_refs(env, [f'closure_crm.closure_service_{s}' for s in SERVICES]).values())
    cr.execute("""SELECT l.id, p.is_company, p.country_id = %s FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                   WHERE l.id = ANY(%s) ORDER BY l.id""", [env.ref('base.cn').id, case_ids])
    rows, rels = [], []
    for lead_id, is_company, in_china in cr.fetchall():
        rows.append((lead_id, rng.choice(states) if in_china else None,
                     rng.choices(SIZES, [4, 4, 2, 1])[0] if is_company else None))
        for service in rng.sample(services, rng.randint(1, 3)):
            rels.append((lead_id, service))
    cr.execute("""UPDATE crm_lead l SET state_id = v.state_id, closure_customer_size = v.size
                    FROM unnest(%s::int[], %s::int[], %s::varchar[]) AS v(id, state_id, size)
                   WHERE l.id = v.id""",
               [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    cr.execute("DELETE FROM crm_lead_closure_service_rel WHERE lead_id = ANY(%s)", [case_ids])
    bench_data.copy_rows(cr, 'crm_lead_closure_service_rel', ['lead_id', 'service_id'], rels)
    env.invalidate_all()


def load_receivers(env, plan, args):
    """``args.receivers`` receiving partners with random profiles and their
    capacity in the plan, adding up to ``capacity_ratio`` x cases."""
    rng = random.Random(f'{args.seed}-receivers')
    china = env.ref('base.cn')
    states = env['res.country.state'].search([('country_id', '=', china.id)]).ids
    countries = _refs(env, ['base.hk', 'base.sg', 'base.uk', 'base.de', 'base.nl', 'base.us']).values()
    industries = env['res.partner.industry'].search([]).ids
    services = list(_refs(env, [f'closure_crm.closure_service_{s}' for s in SERVICES]).values())
    weights = [rng.paretovariate(1.5) for _i in range(args.receivers)]
    total = args.capacity_ratio * args.cases
    capacities = [max(1, round(total * w / sum(weights))) for w in weights]
    vals_list = []
    for index in range(args.receivers):
        region = rng.random()
        vals_list.append({
            'name': f'Bench Receiver {args.seed}-{index:04d}',
            'is_company': True,
            'email': f'receiver{index}@bench.example.com',
            'ref': f'BENCHRECV{args.seed}-{index}',
            'closure_is_receiver': True,
            'closure_receiver_segment': rng.choices(['both', 'b2b', 'b2c'], [6, 2.5, 1.5])[0],
            'closure_max_customer_size': rng.choice(SIZES) if rng.random() < 0.3 else False,
            'closure_industry_ids': [(6, 0, rng.sample(industries, rng.randint(1, 3)))],
            'closure_service_ids': [(6, 0, rng.sample(services, rng.randint(2, 5)))],
            'closure_state_ids': [(6, 0, rng.sample(states, rng.randint(1, 4)) if region < 0.7 else [])],
            'closure_country_ids': [(6, 0, [china.id] if 0.7 <= region < 0.8 else
                                     rng.sample(list(countries), 2) if 0.9 <= region else [])],
            'closure_fee_type': rng.choice(['none', 'fixed', 'percent']),
            'closure_fee_amount': 500.0,
            'closure_fee_percent': 5.0,
            'closure_dpa_date': False if rng.random() < 0.03 else '2026-05-01',
        })
    receivers = env['res.partner'].with_context(tracking_disable=True).create(vals_list)
    env['closure.receiver.capacity'].create([{
        'plan_id': plan.id, 'partner_id': receiver.id, 'capacity': capacity,
    } for receiver, capacity in zip(receivers, capacities, strict=False)])


def reset(plan):
    """No transfer, no flag: each run does the full work."""
    cr = plan.env.cr
    plan.env.flush_all()
    cr.execute("DELETE FROM closure_transfer WHERE plan_id = %s", [plan.id])
    cr.execute("UPDATE closure_receiver_capacity SET used_count = 0 WHERE plan_id = %s", [plan.id])
    cr.execute("""UPDATE crm_lead SET closure_transfer_issue = NULL
                   WHERE closure_plan_id = %s AND closure_transfer_issue IS NOT NULL""", [plan.id])
    plan.env.invalidate_all()


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------
def run_bulk(plan):
    """Time the bulk assignment, with the solver's share."""
    from odoo.addons.closure_crm.models import closure_transfer_matcher as matcher_module
    solve = matcher_module.solver.solve
    spent = {}

    def timed_solve(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            result = solve(*args, **kwargs)
            spent['passes'], spent['rounds'] = result['passes'], result['rounds']
            return result
        finally:
            spent['solver'] = time.perf_counter() - t0

    matcher_module.solver.solve = timed_solve
    try:
        t0 = time.perf_counter()
        result = plan.env['closure.transfer.matcher']._assign(plan)
        plan.env.flush_all()
        seconds = time.perf_counter() - t0
    finally:
        matcher_module.solver.solve = solve
    return seconds, spent, result


def check(plan):
    cr = plan.env.cr
    cr.execute("""SELECT COUNT(*) FILTER (WHERE live > capacity), COALESCE(SUM(live), 0)
                    FROM (SELECT c.capacity, COUNT(t.id) AS live
                            FROM closure_receiver_capacity c
                            LEFT JOIN closure_transfer t ON t.capacity_id = c.id
                                 AND t.state NOT IN ('customer_declined', 'receiver_declined', 'cancelled')
                           WHERE c.plan_id = %s GROUP BY c.id) per_receiver""", [plan.id])
    over, live = cr.fetchone()
    cr.execute("""SELECT COUNT(*) FROM (SELECT lead_id FROM closure_transfer
                   WHERE plan_id = %s AND state NOT IN ('customer_declined', 'receiver_declined', 'cancelled')
                   GROUP BY lead_id HAVING COUNT(*) > 1) twice""", [plan.id])
    return over, live, cr.fetchone()[0]


def exact_comparison(env, plan, sizes, ratio, seed):
    """The solver against the exact optimum on sub-instances of the plan."""
    import numpy as np

    from odoo.addons.closure_crm.tests import assignment_reference as reference
    from odoo.addons.closure_crm.tools import transfer_assignment as solver
    from odoo.addons.closure_crm.tools.transfer_matching import DEFAULT_MIN_SCORE, MatchScorer

    Matcher = env['closure.transfer.matcher']
    receivers_all, _unsigned = Matcher._load_receivers(plan)
    cases_all = Matcher._load_cases(plan, open_only=False)
    rng = np.random.default_rng(seed)
    rows = []
    for n_cases, n_receivers in sizes:
        case_rows = np.sort(rng.choice(len(cases_all['lead_id']), size=n_cases, replace=False))
        cols = np.sort(rng.choice(len(receivers_all['partner_id']), size=n_receivers, replace=False))
        cases = {key: (value[case_rows] if isinstance(value, np.ndarray) else [value[i] for i in case_rows])
                 for key, value in cases_all.items()}
        receivers = {key: (value[cols] if isinstance(value, np.ndarray) else
                           value if isinstance(value, dict) else [value[i] for i in cols])
                     for key, value in receivers_all.items()}
        weights = receivers['capacity'].astype(float)
        receivers['capacity'] = np.maximum(1, np.round(ratio * n_cases * weights / weights.sum())).astype(np.int64)
        receivers['used'] = np.zeros(n_receivers, dtype=np.int64)
        scorer = MatchScorer(cases, receivers, min_score=DEFAULT_MIN_SCORE)
        scores = scorer.block(0, n_cases).astype(float)
        t0 = time.perf_counter()
        result = solver.solve(scorer.blocks, n_cases, receivers['capacity'])
        t_solve = time.perf_counter() - t0
        t0 = time.perf_counter()
        _exact_assign, optimum = reference.exact_assign(scores, receivers['capacity'])
        t_exact = time.perf_counter() - t0
        assign = result['assign']
        picked = np.flatnonzero(assign >= 0)
        total = float(scores[picked, assign[picked]].sum())
        counts = np.bincount(assign[picked], minlength=n_receivers)
        assert (counts <= receivers['capacity']).all(), "receiver over capacity"
        greedy = reference.greedy_assign(*solver.top_candidates(scores, n_receivers), receivers['capacity'])
        picked = np.flatnonzero(greedy >= 0)
        greedy_total = float(scores[picked, greedy[picked]].sum())
        rows.append((n_cases, n_receivers, total, optimum, greedy_total, t_solve, t_exact))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', required=True, help='database (created when missing)')
    parser.add_argument('--cases', type=int, default=100_000)
    parser.add_argument('--receivers', type=int, default=500)
    parser.add_argument('--capacity-ratio', type=float, default=1.0,
                        help='total capacity / cases (default 1.0)')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--runs', type=int, default=1, help='timed runs of the bulk assignment (default 1)')
    parser.add_argument('--exact', default='300x10,2000x40,5000x100',
                        help="sub-instances 'CASESxRECEIVERS,...' compared with the exact optimum ('' to skip)")
    parser.add_argument('--update', action='store_true', help='update closure_crm in the database first')
    parser.add_argument('--addons-path', default=None)
    args = parser.parse_args()

    addons_path = args.addons_path or odoo_addons_path()
    ensure_database(args.db, addons_path, args.update)
    ok = True
    with odoo_env(args.db, addons_path) as env:
        for lang in ('en_US', 'zh_CN'):
            env['res.lang']._activate_lang(lang)
        plan = bench_plan(env, args)
        n_cases = env['crm.lead'].search_count([('closure_plan_id', '=', plan.id)])
        print(f"\nbulk assignment: {n_cases} cases, {args.receivers} receivers, "
              f"capacity {args.capacity_ratio:g} x cases")
        for run in range(1, args.runs + 1):
            reset(plan)
            env.cr.commit()
            vacuum(args.db, ASSIGN_TABLES)
            seconds, spent, result = run_bulk(plan)
            over, live, twice = check(plan)
            env.cr.commit()
            share = 100.0 * result['score'] / result['bound'] if result['bound'] else 100.0
            print(f"  run {run}: {seconds:.1f} s (solver {spent.get('solver', 0):.1f} s, "
                  f"{spent.get('passes', 0)} passes, {spent.get('rounds', 0)} auction rounds)")
            print(f"    assigned {result['assigned']} of {result['cases']} cases; without receiver: "
                  + ', '.join(f"{reason} {count}" for reason, count in sorted(result['flagged'].items())))
            print(f"    total score {result['score']:.0f}; LP bound {result['bound']:.0f}: "
                  f">= {share:.3f}% of the optimum (certified)")
            print(f"    receivers over capacity: {over}; cases with two live transfers: {twice}; "
                  f"live transfers {live}")
            ok &= seconds < TARGET_SECONDS and over == 0 and twice == 0 and share >= TARGET_SHARE
        if args.exact:
            sizes = [tuple(int(x) for x in size.split('x')) for size in args.exact.split(',')]
            print("\nexact optimum (scipy HiGHS LP) on sub-instances of the same data:")
            print(f"  {'cases':>6} {'recv':>5} {'auction %':>10} {'greedy %':>9} {'auction s':>10} {'exact s':>8}")
            for n, m, total, optimum, greedy, t_solve, t_exact in exact_comparison(
                    env, plan, sizes, args.capacity_ratio, args.seed):
                share = 100.0 * total / optimum if optimum else 100.0
                print(f"  {n:>6} {m:>5} {share:>10.3f} {100.0 * greedy / optimum if optimum else 100:>9.2f} "
                      f"{t_solve:>10.2f} {t_exact:>8.2f}")
                ok &= share >= TARGET_SHARE
            env.cr.rollback()
    print(f"\ntargets (< {TARGET_SECONDS:g} s, >= {TARGET_SHARE:g}% of the optimum, capacities respected): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
