#!/usr/bin/env python3
"""Benchmark: the daily practice job of closure_training.

    python3 bench/bench_training_practice.py --db dev_training [--users 20000 --batch 200 --seed 3]

Runs inside one transaction on a database with closure_training (installed
when missing) and ROLLS EVERYTHING BACK at the end: nothing is left behind. It adds a plan in
progress and --users staff (res.partner / res.users rows inserted with one
INSERT ... SELECT generate_series each, deterministic names from --seed), each a
participant of the plan, then times:

  pick + insert   closure.training.practice._create_daily() for all users at
                  once: one read_group for the rotation + one INSERT ... ON
                  CONFLICT DO NOTHING (the set-based part of the job);
  ORM loop        the naive way on the same users: per user, search today's
                  row, count their past rows, create the row (rolled back to a
                  savepoint first, so both start from the same state);
  one batch       _cron_send_daily_questions(batch_size=--batch): claim, insert,
                  and one OdooBot notification per person (mail), as the
                  scheduled job runs it; reported per person.

Figures are printed; nothing is asserted (timings are noise in tests).
"""
import argparse
import random
import time

from _common import ensure_database, odoo_addons_path, odoo_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--db', required=True)
    parser.add_argument('--users', type=int, default=20000)
    parser.add_argument('--batch', type=int, default=200)
    parser.add_argument('--seed', type=int, default=3)
    parser.add_argument('--update', action='store_true', help='update closure_training in the database first')
    args = parser.parse_args()

    from odoo import fields
    from odoo.tools import SQL
    addons_path = odoo_addons_path()
    ensure_database(args.db, addons_path, args.update, modules=('closure_training',))
    random.seed(args.seed)
    with odoo_env(args.db, addons_path) as env:
        Practice = env['closure.training.practice']
        # only the benchmark's plan runs
        env['closure.plan'].search([('state', '=', 'in_progress')]).write({'state': 'closed'})
        plan = env['closure.plan'].create({'name': 'Benchmark closure'})
        plan.action_start()
        company = env.company.id
        offset = random.randint(1000, 9999)
        t0 = time.perf_counter()
        env.cr.execute(
            SQL(
                """WITH p AS (
                   INSERT INTO res_partner (name, email, active, company_id, lang, type, create_date, write_date)
                   SELECT 'Bench Staff ' || (%(offset)s + g), 'bench' || (%(offset)s + g) || '@example.com', TRUE,
                          %(company)s, CASE WHEN mod(g, 2) = 0 THEN 'en_US' ELSE 'zh_CN' END, 'contact',
                          NOW(), NOW()
                     FROM generate_series(1, %(n)s) g
                   RETURNING id, name
               ), u AS (
                   INSERT INTO res_users (login, partner_id, company_id, active, share, notification_type,
                                          create_date, write_date)
                   SELECT 'bench.' || p.id, p.id, %(company)s, TRUE, FALSE, 'inbox', NOW(), NOW() FROM p
                   RETURNING id
               )
               INSERT INTO closure_training_participant
                      (plan_id, user_id, company_id, role, layer, create_date, write_date)
               SELECT %(plan)s, u.id, %(company)s, 'frontline', 'micro', NOW(), NOW() FROM u""",
                offset=offset,
                company=company,
                n=args.users,
                plan=plan.id,
            )
        )
        env.invalidate_all()
        print(f"data: {args.users} staff in one plan built in {time.perf_counter() - t0:.2f} s")
        scenarios = env['closure.training.scenario'].search([])
        today = fields.Date.today()
        env.cr.execute(SQL("SELECT user_id, plan_id FROM closure_training_participant WHERE plan_id = %s", plan.id))
        plan_by_user = dict(env.cr.fetchall())

        env.cr.execute('SAVEPOINT bench_loop')
        t0 = time.perf_counter()
        for user_id, plan_id in plan_by_user.items():
            if Practice.search_count([('user_id', '=', user_id), ('date', '=', today)]):
                continue
            count = Practice.search_count([('user_id', '=', user_id)])
            Practice.create({'user_id': user_id, 'plan_id': plan_id, 'date': today,
                             'scenario_id': scenarios[count % len(scenarios)].id})
        env.flush_all()
        loop = time.perf_counter() - t0
        env.cr.execute('ROLLBACK TO SAVEPOINT bench_loop')
        env.invalidate_all()

        env.cr.execute('SAVEPOINT bench_set')
        t0 = time.perf_counter()
        inserted = Practice._create_daily(plan_by_user, scenarios, today)
        set_based = time.perf_counter() - t0
        env.cr.execute('ROLLBACK TO SAVEPOINT bench_set')
        env.invalidate_all()
        print(f"pick + insert, set-based: {len(inserted)} rows in {set_based:.3f} s")
        print(f"pick + insert, ORM loop:  {len(plan_by_user)} rows in {loop:.3f} s "
              f"({loop / max(set_based, 1e-9):.0f}x slower)")

        t0 = time.perf_counter()
        Practice._cron_send_daily_questions(batch_size=args.batch)
        env.flush_all()
        batch = time.perf_counter() - t0
        sent = Practice.search_count([('date', '=', today), ('plan_id', '=', plan.id)])
        print(f"one job batch: {sent} questions sent with notifications in {batch:.2f} s "
              f"({1000 * batch / max(sent, 1):.1f} ms per person; {args.users} people take "
              f"{args.users / max(args.batch, 1)} batches, ~{batch * args.users / max(sent, 1) / 60:.1f} min)")
        env.cr.rollback()
        print("rolled back: the database is unchanged")


if __name__ == '__main__':
    main()
