#!/usr/bin/env python3
"""Benchmark: a notice wave end to end, from *Send* to the last notice the SMTP
server accepted, against Odoo's mail queue alone and a mass_mailing.

    python3 bench/bench_notice_e2e.py --db dev_notice_bench [--customers 20000 --seed 7]

Uses the plan of bench_notice_wave.py (same database, closure_crm and
mass_mailing installed) and a local SMTP sink (bench/smtp_sink.py, Odoo's
``smtp_server``/``smtp_port`` pointed at it). In the same run, for the same
cases:

  wave          *Send* on a wave of every case (then the wave's job, one batch
                per call with a commit, as the scheduler runs it), then Odoo's
                mail queue (``process_email_queue``, what its job calls) until
                the sink received every notice;
  queue alone   the same mails, ready, sent again by Odoo's mail queue: what
                the queue costs without the wave (the wave's overhead is the
                difference);
  mass_mailing  a mailing.mailing on the same cases, queued by its own job,
                then sent by Odoo's mail queue.

Prints the seconds of each from start to the last mail accepted by the sink,
and the wave's time over the two others.

``--before REV`` first runs the wave alone with the add-ons of an earlier git
revision (checked out under .state/bench-before/REV, its own database
``<db>_before`` with the same data), in a process of its own, and prints the
two waves side by side: the before and after figure of the same run.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

from bench_notice_wave import MAILING_BODY, MODULES, bench_plan, load_notice_translations, reset, smtp_sink

from _common import checkout, ensure_database, in_seconds, odoo_addons_path, odoo_env, times


def run_before(args):
    """The wave alone with the add-ons of git revision ``args.before``, in its
    own process and database; return its figures."""
    tree = checkout(args.before)
    odoo_addons = odoo_addons_path().split(',', 1)[1]
    command = [sys.executable, os.path.abspath(__file__), '--db', f'{args.db}_before', '--customers',
               str(args.customers), '--seed', str(args.seed), '--addons-path', f'{tree},{odoo_addons}',
               '--wave-only']
    print(f"before ({args.before}): the wave alone, database {args.db}_before", flush=True)
    result = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if line.startswith('RESULT '):
                result = json.loads(line[len('RESULT '):])
            else:
                print(f"  before: {line}", end='', flush=True)
    if process.returncode or not result:
        sys.exit(f"the wave of revision {args.before} failed (exit {process.returncode})")
    return result


def deliver(env, received, target, t0, timeout=3600):
    """Odoo's mail queue until nothing is due, then until the sink got
    ``target`` messages; return the seconds since ``t0``."""
    while True:
        env.cr.execute("""SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'
                             AND (scheduled_date IS NULL OR scheduled_date <= NOW() AT TIME ZONE 'UTC')""")
        if not env.cr.fetchone()[0]:
            break
        env['mail.mail'].process_email_queue()
        env.cr.commit()
        env.invalidate_all()
    while received() < target and time.perf_counter() - t0 < timeout:
        time.sleep(0.1)
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='dev_notice_bench')
    parser.add_argument('--customers', type=int, default=20_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--addons-path', default=None)
    parser.add_argument('--before', metavar='REV', help="also run the wave with the add-ons of this git revision, "
                        "same data, same run (before/after figure)")
    parser.add_argument('--wave-only', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    before = run_before(args) if args.before else None
    addons_path = args.addons_path or odoo_addons_path()
    ensure_database(args.db, addons_path, False, MODULES)
    import odoo
    with odoo_env(args.db, addons_path) as env, smtp_sink() as (port, received):
        odoo.tools.config['smtp_server'] = '127.0.0.1'
        odoo.tools.config['smtp_port'] = port
        env['ir.config_parameter'].set_param('mail.mail.queue.batch.size', 1000)
        for lang in ('en_US', 'zh_CN'):
            env['res.lang']._activate_lang(lang)
        load_notice_translations(env)
        plan = bench_plan(env, args)
        plan.write({'notice_tier_a_mode': 'mail'})  # every notice due now
        env.cr.commit()

        # the wave: Send, the job's batches, the mail queue
        case_ids = reset(env, plan)
        env.cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")
        env.cr.commit()
        base = received()
        wave = env['closure.notice.wave'].create({'name': 'End-to-end wave', 'plan_id': plan.id,
                                                  'scheduled_date': env.cr.now() - timedelta(minutes=1)})
        env.cr.commit()
        print(f"wave: Send on {len(case_ids)} cases...", flush=True)
        t0 = time.perf_counter()
        wave.action_send()
        env.cr.commit()
        while wave.state != 'done':
            env['closure.notice.wave']._cron_process_waves()
            env.cr.commit()
            env.invalidate_all()
        queued_s = time.perf_counter() - t0
        env.cr.execute("""SELECT mail_mail_id FROM closure_notice_recipient
                           WHERE wave_id = %s AND mail_mail_id IS NOT NULL""", [wave.id])
        mail_ids = [row[0] for row in env.cr.fetchall()]
        wave_s = deliver(env, received, base + len(mail_ids), t0)
        env.cr.execute("SELECT COUNT(*) FROM crm_lead WHERE closure_plan_id = %s AND closure_notified_date IS NOT NULL",
                       [plan.id])
        notified = env.cr.fetchone()[0]
        if args.wave_only:
            reset(env, plan)
            print('RESULT ' + json.dumps({'wave_s': wave_s, 'queued_s': queued_s, 'mails': len(mail_ids),
                                          'notified': notified}), flush=True)
            return 0

        # Odoo's queue alone: the same mails, ready
        env.cr.execute("UPDATE mail_mail SET state = 'outgoing' WHERE id = ANY(%s)", [mail_ids])
        env.cr.commit()
        base = received()
        print(f"queue alone: {len(mail_ids)} ready mails...", flush=True)
        t0 = time.perf_counter()
        queue_s = deliver(env, received, base + len(mail_ids), t0)

        # mass_mailing on the same cases
        reset(env, plan)
        env.cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")
        env.cr.commit()
        base = received()
        mailing = env['mailing.mailing'].create({
            'subject': 'Benchmark mailing (end to end)', 'body_arch': MAILING_BODY, 'body_html': MAILING_BODY,
            'mailing_model_id': env['ir.model']._get_id('crm.lead'),
            'mailing_domain': repr([('closure_plan_id', '=', plan.id)]),
            'email_from': plan.company_id.email_formatted or 'bench@example.com', 'reply_to_mode': 'update',
        })
        env.cr.commit()
        print(f"mass_mailing: {len(case_ids)} cases...", flush=True)
        t0 = time.perf_counter()
        mailing.action_put_in_queue()
        env['mailing.mailing']._process_mass_mailing_queue()
        env.cr.commit()
        env.cr.execute("SELECT COUNT(*) FROM mailing_trace WHERE mass_mailing_id = %s AND trace_status != 'cancel'",
                       [mailing.id])
        mm_mails = env.cr.fetchone()[0]
        mm_s = deliver(env, received, base + mm_mails, t0)
        reset(env, plan)

    print()
    print(f"data:          {len(case_ids)} cases (seed {args.seed}), database {args.db}")
    print(f"wave:          {len(mail_ids)} notices from Send to the last one accepted by the SMTP sink "
          f"{in_seconds(len(mail_ids), wave_s, 'mails')} (queued in {queued_s:.1f} s; {notified} cases notified)")
    print(f"queue alone:   {len(mail_ids)} ready mails {in_seconds(len(mail_ids), queue_s, 'mails')}")
    print(f"mass_mailing:  {mm_mails} mails from Send to the last one accepted {in_seconds(mm_mails, mm_s, 'mails')}")
    print(f"wave / queue alone: {times(wave_s, queue_s)}; wave / mass_mailing: {times(wave_s, mm_s)} "
          f"(time, lower is faster)")
    if before:
        print(f"wave before:   ({args.before}) {before['mails']} notices from Send to the last one accepted "
              f"{in_seconds(before['mails'], before['wave_s'], 'mails')} (queued in {before['queued_s']:.1f} s; "
              f"{before['notified']} cases notified)")
        print(f"wave now / before: {times(wave_s, before['wave_s'])} (time, lower is faster; "
              f"target: no worse than before)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
