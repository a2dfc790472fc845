#!/usr/bin/env python3
"""Fill the transfer columns of closure_crm/demo/crm.lead-cases.csv: what each
demo customer needs from a receiving partner (services used, size, region, and for some B2B
customers their core process dependencies and replacement needs).

    python3 data/generate_transfer_needs.py

Deterministic (seed 11), from closure_crm/demo/res.partner.csv: companies use
1-3 services typical of their industry, individuals a membership and one other
service; the region is the province of the customer's city. The other columns
of the file (written by data/generate.py) are kept: one CSV defines each case
once (oca-checks-odoo-module refuses a record id defined in two files).
"""
import csv
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, 'closure_crm', 'demo')
SERVICE = 'closure_crm.closure_service_'
BY_INDUSTRY = {
    'J': ['it_support', 'cloud_hosting', 'software_licences'],
    'M': ['consulting', 'accounting', 'it_support'],
    'H': ['logistics', 'maintenance'],
    'G': ['logistics', 'it_support', 'software_licences'],
    'C': ['maintenance', 'repairs', 'logistics'],
    'Q': ['membership', 'training', 'it_support'],
    'I': ['membership', 'maintenance', 'accounting'],
}
STATES = {'Shanghai': 'base.state_cn_SH', 'Beijing': 'base.state_cn_BJ', 'Chengdu': 'base.state_cn_SC',
          'Hangzhou': 'base.state_cn_ZJ', 'Shenzhen': 'base.state_cn_GD'}


def main():
    rows = list(csv.DictReader(open(os.path.join(DEMO, 'res.partner.csv'), encoding='utf-8')))
    rng = random.Random(11)
    out = []
    for row in rows:
        index = row['id'].split('_')[-1]
        chinese = bool(re.search('[\u4e00-\u9fff]', row['name']))
        if row['is_company'] == '1':
            pool = BY_INDUSTRY.get(row['industry_id/id'][-1], ['consulting', 'it_support'])
            services = rng.sample(pool, rng.randint(1, min(3, len(pool))))
            size = rng.choices(['micro', 'small', 'medium', 'large'], [3, 4, 2, 1])[0]
            dependencies = ('订单处理和开票依赖我们的平台；未完成的里程碑：数据迁移。' if chinese else
                            'Order handling and invoicing run on our platform; open milestone: data migration.') \
                if rng.random() < 0.6 else ''
            needs = ('需要一家能在一个月内接手的本地服务商。' if chinese else
                     'Needs a local provider able to take over within a month.') if dependencies else ''
        else:
            services = ['membership', rng.choice(['training', 'repairs', 'maintenance'])]
            size, dependencies, needs = '', '', ''
        out.append({
            'id': f'demo_case_{index}',
            'closure_service_ids/id': ','.join(SERVICE + s for s in services),
            'closure_customer_size': size,
            'state_id/id': STATES.get(row['city'], ''),
            'closure_process_dependencies': dependencies,
            'closure_replacement_needs': needs,
        })
    path = os.path.join(DEMO, 'crm.lead-cases.csv')
    with open(path, encoding='utf-8', newline='') as f:
        cases = list(csv.DictReader(f))
    needs_by_id = {row['id']: row for row in out}
    fieldnames = list(cases[0]) + [name for name in out[0] if name not in cases[0]]
    for case in cases:
        case.update(needs_by_id[case['id']])
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, lineterminator='\n')
        writer.writeheader()
        writer.writerows(cases)
    print(f"{len(out)} cases")


if __name__ == '__main__':
    main()
