#!/usr/bin/env python3
"""Benchmark: the erasure of a plan's customer data (closure.erasure).

    python3 bench/bench_erasure.py --db dev_bench_erase [--customers 100000 --messages 10 --workers 1 --batch 1000]

Loads a fresh plan past its data erasure date with N customers and their
cases (data/bench_data.py, COPY), ``--messages`` messages per case (mail
comments from the customer and replies, with a mail.mail copy on every
second one) and one attachment per case (a real file in the filestore,
linked to the customer's first message). Then erases it the way the
scheduled job does, each batch (``--batch`` cases) in its own committed
transaction, with ``--workers`` separate Odoo processes started at the same
moment (each its own registry and cursor, like two cron workers), and
prints cases, messages and attachments erased per second. Last it checks
that nothing was done twice: every case erased once, each worker's cases
add up to N, the per-batch counts add up to N, no message of the cases is
left, and the erasure record closes.

Erasure destroys the data, so every run loads a new plan (next seed): use a
database for this benchmark only and drop it when done.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta

from _common import ensure_database, odoo_addons_path, odoo_env, print_checks, rate, vacuum

TABLES = ('crm_lead', 'res_partner', 'mail_message', 'mail_mail', 'ir_attachment', 'message_attachment_rel')


def next_seed(env, seed):
    env.cr.execute("SELECT ref FROM res_partner WHERE ref LIKE 'BENCH%%-%%'")
    used = {ref[5:].split('-')[0] for (ref,) in env.cr.fetchall()}
    while str(seed) in used:
        seed += 1
    return seed


def load(env, args):
    from bench_data import _next_ids, _now, copy_rows, load_cases, load_customers
    seed = next_seed(env, args.seed)
    t0 = time.perf_counter()
    plan = env['closure.plan'].create({
        'name': f"Benchmark erasure: seed {seed}, {args.customers} customers",
        'decision_date': date.today() - timedelta(days=200),
        'notice_export_url': 'https://export.example.com/bench',
    })
    plan.action_start()
    partner_ids = load_customers(env, args.customers, seed=seed)
    case_ids = load_cases(env, plan, partner_ids)
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT id FROM mail_message_subtype WHERE internal IS NOT TRUE ORDER BY id LIMIT 1")
    subtype = cr.fetchone()[0]
    cr.execute("SELECT partner_id FROM res_users WHERE id = %s", [env.uid])
    staff = cr.fetchone()[0]
    now, uid = _now(cr), env.uid
    n_messages = len(case_ids) * args.messages
    message_ids = iter(_next_ids(cr, 'mail_message', n_messages))
    first_message = {}

    def message_rows():
        for case_id, partner_id in zip(case_ids, partner_ids, strict=False):
            for index in range(args.messages):
                message_id = next(message_ids)
                if index == 0:
                    first_message[case_id] = message_id
                author = partner_id if index % 2 == 0 else staff
                yield (message_id, 'crm.lead', case_id, 'comment', subtype, author,
                       f'<p>Message {index} about my account {case_id}: please call me.</p>',
                       f'Case {case_id}', now, False, now, uid, now, uid)
    copy_rows(cr, 'mail_message', ['id', 'model', 'res_id', 'message_type', 'subtype_id', 'author_id', 'body',
                                   'record_name', 'date', 'is_internal', 'create_date', 'create_uid',
                                   'write_date', 'write_uid'], message_rows())
    # a mail.mail copy of every second message (the replies sent by mail)
    cr.execute("""INSERT INTO mail_mail (mail_message_id, state, body_html, email_to, auto_delete, is_notification,
                                         create_date, create_uid, write_date, write_uid)
                  SELECT id, 'sent', body, 'customer@example.com', FALSE, FALSE, %s, %s, %s, %s
                    FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s) AND author_id = %s""",
               [now, uid, now, uid, case_ids, staff])
    # one attachment per case, a real file in the filestore
    filestore = env['ir.attachment']._filestore()
    folder = os.path.join(filestore, 'bench', str(seed))
    os.makedirs(folder, exist_ok=True)
    attachment_ids = _next_ids(cr, 'ir_attachment', len(case_ids))

    def attachment_rows():
        for attachment_id, case_id in zip(attachment_ids, case_ids, strict=False):
            fname = f'bench/{seed}/{attachment_id}'
            with open(os.path.join(filestore, fname), 'wb') as handle:
                handle.write(b'scan of my contract %d' % case_id)
            yield (attachment_id, f'contract-{case_id}.pdf', 'binary', 'crm.lead', case_id, fname, 24,
                   'application/pdf', False, now, uid, now, uid)
    copy_rows(cr, 'ir_attachment', ['id', 'name', 'type', 'res_model', 'res_id', 'store_fname', 'file_size',
                                    'mimetype', 'public', 'create_date', 'create_uid', 'write_date', 'write_uid'],
              attachment_rows())
    copy_rows(
        cr,
        'message_attachment_rel',
        ['message_id', 'attachment_id'],
        (
            (first_message[case_id], attachment_id)
            for attachment_id, case_id in zip(attachment_ids, case_ids, strict=False)
        ),
    )
    cr.commit()
    print(f"data: plan {plan.id}: {len(case_ids)} customers and cases, {n_messages} messages, "
          f"{len(case_ids)} attachments loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    return plan


@contextmanager
def again(db):
    """A new superuser environment on ``db`` in this process (Odoo is set up
    already: odoo_env parses the configuration once per process)."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    with Registry(db).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {'lang': 'en_US'})


def worker(args):
    """One Odoo process: erase batches until none is left; print what it did."""
    from psycopg2 import errors
    with odoo_env(args.db, args.addons_path) as env:
        erasure = env['closure.erasure'].browse(args.erasure_id)
        done, batches = 0, 0
        start = time.time()
        while True:
            try:
                count = erasure._erase_batch(limit=args.batch)
            except errors.SerializationFailure:
                # the other worker committed a case this snapshot saw to do: new transaction
                env.cr.rollback()
                continue
            env.cr.commit()
            if not count:
                break
            done, batches = done + count, batches + 1
        print(json.dumps({'pid': os.getpid(), 'done': done, 'batches': batches,
                          'start': start, 'end': time.time()}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', required=True)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--messages', type=int, default=10, help="messages per customer")
    parser.add_argument('--workers', type=int, default=1, help="Odoo processes erasing at once")
    parser.add_argument('--batch', type=int, default=1000, help="cases per batch (transaction)")
    parser.add_argument('--seed', type=int, default=11)
    parser.add_argument('--update', action='store_true', help="update closure_crm in the database first")
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--erasure-id', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--addons-path', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    addons_path = odoo_addons_path()
    ensure_database(args.db, addons_path, args.update)
    with odoo_env(args.db, addons_path, {'lang': 'en_US'}) as env:
        plan = load(env, args)
        erasure = env['closure.erasure']._ensure_for_plan(plan)
        env.cr.commit()
        ids = {'plan': plan.id, 'erasure': erasure.id}
    vacuum(args.db, TABLES)

    print(f"erasing with {args.workers} Odoo process(es), batches of {args.batch} cases...", flush=True)
    t0 = time.perf_counter()
    command = [sys.executable, os.path.abspath(__file__), '--worker', '--db', args.db,
               '--erasure-id', str(ids['erasure']), '--batch', str(args.batch), '--addons-path', addons_path]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _i in range(args.workers)]
    results = []
    for process in processes:
        out, _err = process.communicate()
        if process.returncode:
            sys.exit(f"worker failed ({process.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - t0
    # from the first worker's first batch to the last worker's end (Odoo's start-up left out)
    seconds = max(r['end'] for r in results) - min(r['start'] for r in results)

    with again(args.db) as env:
        erasure = env['closure.erasure'].browse(ids['erasure'])
        erasure._finish()
        env.cr.execute("""SELECT COUNT(*), COUNT(*) FILTER (WHERE closure_erased_date IS NOT NULL)
                            FROM crm_lead WHERE closure_plan_id = %s""", [ids['plan']])
        cases, erased = env.cr.fetchone()
        env.cr.execute("""SELECT COUNT(*) FROM mail_message m JOIN crm_lead l ON l.id = m.res_id
                           WHERE m.model = 'crm.lead' AND l.closure_plan_id = %s""", [ids['plan']])
        left = env.cr.fetchone()[0]
        env.invalidate_all()
        counts = erasure.read(['case_count', 'partner_count', 'message_count', 'mail_count', 'attachment_count',
                               'token_count', 'state'])[0]
    for result in results:
        print(f"  worker {result['pid']}: {result['done']} cases in {result['batches']} batches, "
              f"{result['end'] - result['start']:.1f} s", flush=True)
    print(f"erased: {counts['case_count']} cases, {counts['partner_count']} contacts, {counts['message_count']} "
          f"messages, {counts['mail_count']} mail copies, {counts['attachment_count']} attachments "
          f"in {seconds:.1f} s ({wall:.1f} s with the processes' start-up)", flush=True)
    print(f"rate: {rate(counts['case_count'], seconds, 'customers')}, "
          f"{rate(counts['message_count'], seconds, 'messages')}, "
          f"{rate(counts['attachment_count'], seconds, 'attachments')}", flush=True)
    checks = {
        'every case erased': erased == cases == args.customers,
        "workers' cases add up (none done twice)": sum(r['done'] for r in results) == cases,
        'batch counts add up': counts['case_count'] == cases,
        'no message of the cases left': left == 0,
        'erasure record done': counts['state'] == 'done',
    }
    if not print_checks(checks, flush=True):
        sys.exit(1)


if __name__ == '__main__':
    main()
