#!/usr/bin/env python3
"""Sample data for the closure suite, deterministic from a seed.

    python3 data/generate.py demo            # rewrite closure_crm/demo/*.csv (200 customers)
    python3 data/generate.py bench --customers 100000 --lines 1000000 --seed 7 --out /tmp/bench
                                             # the benchmark set as CSV files (customers, revenue lines)

The same generator makes the benchmark-sized sets (see bench/): customers with a
Pareto-like revenue (a few customers make most of it), B2B companies and B2C
individuals, English and Simplified Chinese names.

Benchmark generators (pure Python, no database; data/bench_data.py loads them into
an Odoo database with PostgreSQL COPY):

    bench_customers(n, seed)                       -> yields n customer dicts, 'revenue' included
    bench_revenue_lines(revenues, n, seed, date_from, date_to)
                                                   -> yields (key, date, amount, reference) tuples

Both are deterministic: the same arguments give the same rows, on any machine.
"""
import argparse
import csv
import datetime
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(ROOT, 'closure_crm', 'demo')

EN_GIVEN = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Henry', 'Iris', 'Jack',
            'Laura', 'Mark', 'Nina', 'Oscar', 'Paula', 'Quentin', 'Rosa', 'Sam', 'Tina', 'Victor']
EN_FAMILY = ['Adams', 'Baker', 'Clark', 'Davis', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ivanova',
             'Jensen', 'Keller', 'Lopez', 'Martin', 'Nolan', 'Olsen', 'Price', 'Reed', 'Smith']
ZH_FAMILY = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭']
ZH_GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞']
EN_COMPANY = ['Harbor', 'Summit', 'Blue River', 'Northwind', 'Greenfield', 'Silverline', 'Maple',
              'Redwood', 'Lakeside', 'Brightpath', 'Ironbridge', 'Cedar', 'Golden Gate', 'Oakridge']
EN_COMPANY_KIND = ['Logistics', 'Dental Clinic', 'Trading', 'Studio', 'Foods', 'Architects',
                   'Fitness', 'Software', 'Hotels', 'Printing', 'Retail', 'Consulting']
ZH_COMPANY = ['华信', '博远', '鼎盛', '恒通', '锦程', '瑞丰', '天成', '新锐', '嘉禾', '宏图', '启明', '众诚']
ZH_COMPANY_KIND = ['物流有限公司', '科技有限公司', '贸易有限公司', '餐饮管理有限公司', '设计工作室',
                   '健身会所', '教育咨询有限公司', '印刷有限公司']
ZH_CITY = {'Shanghai': '上海', 'Beijing': '北京', 'Shenzhen': '深圳', 'Hangzhou': '杭州',
           'Chengdu': '成都', 'Hong Kong': '香港'}
CITIES = [('Shanghai', 'base.cn'), ('Beijing', 'base.cn'), ('Shenzhen', 'base.cn'), ('Hangzhou', 'base.cn'),
          ('Chengdu', 'base.cn'), ('Hong Kong', 'base.hk'), ('Singapore', 'base.sg'),
          ('Munich', 'base.de'), ('Amsterdam', 'base.nl'), ('London', 'base.uk')]
INDUSTRIES = ['base.res_partner_industry_G', 'base.res_partner_industry_H', 'base.res_partner_industry_I',
              'base.res_partner_industry_J', 'base.res_partner_industry_M', 'base.res_partner_industry_Q',
              'base.res_partner_industry_C']
# how the 200 demo cases spread over the closure steps, in case order
DEMO_STAGE_SPREAD = [('to_notify', 0.30), ('notified', 0.30), ('answered', 0.15), ('transfer_agreed', 0.08),
                     ('transferred', 0.07), ('settled', 0.06), ('closed', 0.04)]
DEMO_REPS = ['closure_crm.demo_user_rep_lin', 'closure_crm.demo_user_rep_anna', 'base.user_demo']


def pareto_revenue(rng, is_company):
    """Revenue with a heavy tail: ~20% of customers make ~80% of it."""
    base = rng.paretovariate(1.16) * (3000 if is_company else 300)
    return round(min(base, 2_000_000), 2)


def customer(rng, index):
    """One customer: (name, is_company, lang, city, country_ref, industry_ref)."""
    chinese = rng.random() < 0.55
    is_company = rng.random() < 0.4
    city, country = rng.choice(CITIES[:6] if chinese else CITIES)
    if is_company:
        name = (rng.choice(ZH_COMPANY) + rng.choice(ZH_COMPANY_KIND)) if chinese else \
            f"{rng.choice(EN_COMPANY)} {rng.choice(EN_COMPANY_KIND)}"
        if chinese:
            name = ZH_CITY[city] + name
    else:
        name = (rng.choice(ZH_FAMILY) + rng.choice(ZH_GIVEN) + rng.choice(['', *ZH_GIVEN])) if chinese else \
            f"{rng.choice(EN_GIVEN)} {rng.choice(EN_FAMILY)}"
    return {
        'name': name,
        'is_company': is_company,
        'lang': 'zh_CN' if chinese else 'en_US',
        'city': city,
        'country': country,
        'industry': rng.choice(INDUSTRIES) if is_company else '',
    }


def write_demo(seed=2026, customers=200, today=None):
    rng = random.Random(seed)
    today = today or datetime.date(2026, 11, 1)
    partners, history, cases, obligations = [], [], [], []
    for i in range(1, customers + 1):
        c = customer(rng, i)
        xmlid = f'demo_customer_{i:03d}'
        login = f"customer{i:03d}"
        partners.append({
            'id': xmlid, 'name': c['name'], 'is_company': c['is_company'],
            'email': f'{login}@example.com' if rng.random() > 0.04 else '',  # a few without email
            'phone': f'+86 21 5555 {i:04d}' if c['country'] == 'base.cn' else f'+44 20 7946 {i:04d}',
            'city': c['city'], 'country_id/id': c['country'], 'lang': c['lang'],
            'industry_id/id': c['industry'], 'user_id/id': DEMO_REPS[i % len(DEMO_REPS)],
        })
        total = pareto_revenue(rng, c['is_company'])
        n_deals = rng.randint(1, 5)
        for d in range(n_deals):
            closed = today - datetime.timedelta(days=rng.randint(10, 700))
            history.append({
                'id': f'demo_history_{i:03d}_{d}', 'name': f'Order {i:03d}-{d + 1}',
                'type': 'opportunity', 'partner_id/id': xmlid,
                'stage_id/id': 'crm.stage_lead4', 'probability': 100,
                'expected_revenue': round(total / n_deals, 2),
                'date_closed': f'{closed} 10:00:00',
                'user_id/id': DEMO_REPS[i % len(DEMO_REPS)],
                'team_id/id': 'sales_team.team_sales_department',
            })
        cases.append({
            'id': f'demo_case_{i:03d}', 'name': c['name'], 'type': 'opportunity',
            'partner_id/id': xmlid, 'closure_plan_id/id': 'closure_crm.demo_plan',
            'team_id/id': 'closure_crm.demo_team_closure',
            'user_id/id': DEMO_REPS[i % len(DEMO_REPS)],
        })
        if rng.random() < (0.35 if not c['is_company'] else 0.2):
            obligations.append({
                'id': f'demo_obligation_prepaid_{i:03d}', 'lead_id/id': f'demo_case_{i:03d}',
                'obligation_type': 'prepaid',
                'name': 'Unused membership / prepaid card' if not c['is_company'] else 'Prepaid service credit',
                'amount': round(rng.uniform(80, 900 if not c['is_company'] else 20000), 2),
            })
        if c['is_company'] and rng.random() < 0.5:
            obligations.append({
                'id': f'demo_obligation_milestone_{i:03d}', 'lead_id/id': f'demo_case_{i:03d}',
                'obligation_type': 'milestone', 'name': 'Project phase 2 delivery',
                'due_date': str(today + datetime.timedelta(days=rng.randint(20, 120))),
            })
        if rng.random() < 0.6:
            obligations.append({
                'id': f'demo_obligation_data_{i:03d}', 'lead_id/id': f'demo_case_{i:03d}',
                'obligation_type': 'data',
                'name': 'Account data, order history and uploaded files',
            })
    _write_csv('res.partner.csv', partners)
    _write_csv('crm.lead-history.csv', history)
    _write_csv('crm.lead-cases.csv', cases)
    _write_csv('closure.obligation.csv', obligations)
    _write_stage_spread(rng, [case['id'] for case in cases])


def _write_stage_spread(rng, case_ids):
    """Demo XML moving the generated cases through the closure steps."""
    ids = list(case_ids)
    rng.shuffle(ids)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<!-- Generated by data/generate.py: do not edit by hand. -->', '<odoo>']
    start = 0
    for position, (code, share) in enumerate(DEMO_STAGE_SPREAD):
        end = len(ids) if position == len(DEMO_STAGE_SPREAD) - 1 else start + round(share * len(ids))
        chunk = sorted(ids[start:end])
        start = end
        if code == 'to_notify' or not chunk:
            continue
        refs = ', '.join(f"ref('{xmlid}')" for xmlid in chunk)
        lines.append(f'    <function model="crm.lead" name="_closure_set_stage" eval="[[{refs}], \'{code}\']"/>')
        # notified on the day the demo database is made (the demo plan's decision
        # date is that day too): the claim deadlines lie ahead, whenever it is made
        lines.append(f'    <function model="crm.lead" name="write" '
                     f'eval="[[{refs}], {{\'closure_notified_date\': DateTime.today().strftime(\'%Y-%m-%d\')}}]"/>')
    lines.append('</odoo>')
    with open(os.path.join(DEMO_DIR, 'closure_case_stage_demo.xml'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def _write_csv(name, rows):
    fields = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    with open(os.path.join(DEMO_DIR, name), 'w', newline='', encoding='utf-8') as f:
        writer = csv.DictWriter(f, fields, lineterminator='\n')
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ('1' if v is True else '0' if v is False else v) for k, v in row.items()})


# ----------------------------------------------------------------------------
# Benchmark-size sets
# ----------------------------------------------------------------------------
BENCH_NO_REVENUE_SHARE = 0.05   # customers with open business only: a case, no revenue
BENCH_OUTSIDE_SHARE = 0.05      # revenue lines dated before the look-back window
BENCH_REFUND_SHARE = 0.10       # customers with 3+ lines whose history holds a refund


def bench_ref(seed, index):
    """The partner reference marking bench customer ``index`` (1-based) of ``seed``."""
    return f'BENCH{seed}-{index:07d}'


def bench_customers(n, seed=7):
    """Yield ``n`` benchmark customers, deterministic from ``seed``.

    Each is the dict of :func:`customer` (name, is_company, lang, city, country
    and industry as XML ids) plus ``index`` (1..n), ``ref`` (see :func:`bench_ref`),
    ``email``, ``phone`` and ``revenue``: the customer's total revenue in the
    look-back window, Pareto distributed (:func:`pareto_revenue`), 0 for the ~5%
    of customers that only have open business.
    """
    rng = random.Random(seed)
    revenue_rng = random.Random(f'{seed}-revenue')  # own stream: names do not move with revenue
    for index in range(1, n + 1):
        c = customer(rng, index)
        high, low = index // 10000 % 1000, index % 10000
        phone = {'base.cn': f'+86 21 5{high:03d} {low:04d}',
                 'base.hk': f'+852 25{high % 100:02d} {low:04d}'}.get(c['country'], f'+44 20 7{high:03d} {low:04d}')
        c.update(
            index=index,
            ref=bench_ref(seed, index),
            email=f'bench{seed}.{index}@example.com',
            phone=phone,
            revenue=0.0 if revenue_rng.random() < BENCH_NO_REVENUE_SHARE
            else pareto_revenue(revenue_rng, c['is_company']),
        )
        yield c


def _split_amount(rng, total, count):
    """``count`` amounts (2 decimals) adding up to ``total``; sometimes one refund."""
    if count == 1:
        return [total]
    refund = 0.0
    if count >= 3 and rng.random() < BENCH_REFUND_SHARE:
        refund = -round(total * rng.uniform(0.05, 0.2), 2)
        count -= 1
    weights = [rng.random() + 0.2 for _i in range(count)]
    scale = (total - refund) / sum(weights)
    parts = [round(w * scale, 2) for w in weights[:-1]]
    parts.append(round(total - refund - sum(parts), 2))
    if refund:
        parts.insert(rng.randrange(len(parts) + 1), refund)
    return parts


def bench_revenue_lines(revenues, n, seed=7, date_from=datetime.date(2024, 11, 1),
                        date_to=datetime.date(2026, 11, 1), outside_share=BENCH_OUTSIDE_SHARE):
    """Yield ``n`` revenue lines ``(key, date, amount, reference)`` for ``revenues``.

    ``revenues`` is a sequence of ``(key, total)``: ``key`` is whatever identifies
    the customer to the caller (a partner id, a reference), ``total`` its revenue
    in the window [date_from, date_to]. The lines dated in the window add up to
    each total exactly (to the cent); every customer with revenue gets at least
    one line (as long as ``n`` allows), the rest are spread at random, a few
    customers have a refund (a negative line) among theirs. ``outside_share`` of
    the lines are dated in the year before ``date_from``: old history the
    tiering must ignore. Lines come grouped by customer, in ``revenues`` order.
    """
    rng = random.Random(f'{seed}-lines')
    revenues = list(revenues)
    n_outside = int(n * outside_share) if revenues else 0
    n_inside = n - n_outside
    earning = [i for i, (_key, total) in enumerate(revenues) if total]
    counts = [0] * len(revenues)
    for i in earning[:n_inside]:
        counts[i] = 1
    for _line in range(max(n_inside - len(earning), 0)):
        counts[earning[rng.randrange(len(earning))]] += 1
    outside = [0] * len(revenues)
    for _line in range(n_outside):
        outside[rng.randrange(len(revenues))] += 1
    span = (date_to - date_from).days + 1
    seq = 0
    for i, (key, total) in enumerate(revenues):
        amounts = _split_amount(rng, total, counts[i]) if counts[i] else []
        old = [(date_from - datetime.timedelta(days=rng.randint(1, 365)),
                round(rng.uniform(50, 5000), 2)) for _line in range(outside[i])]
        for day, amount in old + [(date_from + datetime.timedelta(days=rng.randrange(span)), amount)
                                  for amount in amounts]:
            seq += 1
            yield key, day, amount, f'INV{seed}-{seq:08d}'


def write_bench(out, customers=100_000, lines=1_000_000, seed=7):
    """Write the benchmark set as CSV files in ``out``: customers.csv (with the
    ``ref`` the revenue lines point to) and revenue_lines.csv."""
    os.makedirs(out, exist_ok=True)
    rows = list(bench_customers(customers, seed))
    with open(os.path.join(out, 'customers.csv'), 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['ref', 'name', 'is_company', 'lang', 'email', 'phone', 'city', 'country',
                         'industry', 'revenue'])
        for c in rows:
            writer.writerow([c['ref'], c['name'], int(c['is_company']), c['lang'], c['email'], c['phone'],
                             c['city'], c['country'], c['industry'], f"{c['revenue']:.2f}"])
    with open(os.path.join(out, 'revenue_lines.csv'), 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['customer_ref', 'date', 'amount', 'reference'])
        for ref, day, amount, reference in bench_revenue_lines(
                [(c['ref'], c['revenue']) for c in rows], lines, seed):
            writer.writerow([ref, day.isoformat(), f'{amount:.2f}', reference])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    demo = sub.add_parser('demo', help='rewrite the demo CSV files of closure_crm')
    demo.add_argument('--seed', type=int, default=2026)
    demo.add_argument('--customers', type=int, default=200)
    bench = sub.add_parser('bench', help='write the benchmark set as CSV files')
    bench.add_argument('--seed', type=int, default=7)
    bench.add_argument('--customers', type=int, default=100_000)
    bench.add_argument('--lines', type=int, default=1_000_000)
    bench.add_argument('--out', required=True, help='directory for customers.csv and revenue_lines.csv')
    args = parser.parse_args()
    if args.command == 'demo':
        write_demo(seed=args.seed, customers=args.customers)
    elif args.command == 'bench':
        write_bench(args.out, customers=args.customers, lines=args.lines, seed=args.seed)


if __name__ == '__main__':
    main()
