#!/usr/bin/env python3
"""Benchmark: queue a notice wave for 100k cases, against Odoo's mass_mailing.

    python3 bench/bench_notice_wave.py --db dev_notice_bench [--customers 100000 --seed 7]

Creates the database with closure_crm and mass_mailing (without demo data,
English and Chinese) when it does not exist, builds a plan with the customers,
one case each and their revenue lines with PostgreSQL COPY (data/bench_data.py;
reused on the next run with the same figures), tiers them (A/B/C), then queues,
in the same run and for the same recipients:

  notice wave   a closure.notice.wave on every case of the plan, each case
                getting the notice of its tier and segment in its language
                (six full QWeb templates with conditions, dates and amounts,
                English or Chinese), tier A cases a personal-contact activity
                and a letter scheduled after it, cases moved to 'Notified' with
                their notice date. Driven the way the scheduled job drives it:
                one batch per call, a commit after each.
  mass_mailing  a mailing.mailing on the same cases (crm.lead), put in the
                queue and sent by its own scheduled job method
                (_process_mass_mailing_queue: the mass composer, 50 mails per
                commit). Its body is a letter of the same size written the way
                mailing users write them, with simple placeholders
                (object.partner_id.name...), which mass_mailing renders on its
                fast path; with --mm-full-sample it also queues a sample with
                the real notice template, to show what that costs it.

Both rates are mails queued (mail.mail created) per second of wall time; the
ratio is the wave's rate over mass_mailing's. Target: at least 3x. Before each
run the previous run's mails, messages, activities, waves and mailings are
deleted and the cases put back in 'To Notify'.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta

from _common import (
    ensure_database,
    in_seconds,
    loaded_plan,
    odoo_addons_path,
    odoo_env,
    print_left,
    print_loaded,
    rate,
    times,
    vacuum,
    verdict,
)

import bench_data  # noqa: E402  (data/, put on sys.path by _common)

# VACUUMed before each run
WAVE_TABLES = ('crm_lead', 'res_partner', 'mail_message', 'mail_mail', 'mail_activity',
               'closure_notice_recipient', 'mail_mail_res_partner_rel')

TARGET_RATIO = 3.0
MODULES = ('closure_crm', 'mass_mailing')

# A mailing body as marketing users write them: static text and simple
# placeholders from Odoo's allowed list (mail_allowed_qweb_expressions), which
# mass_mailing renders on its fast path, without compiling QWeb: its best case.
MAILING_BODY = """<div style="margin: 0px; padding: 0px; font-size: 14px; line-height: 1.5; \
font-family: Arial, Helvetica, sans-serif;">
<p>Dear <t t-out="object.partner_id.name">Customer</t>,</p>
<p>We are writing to tell you about an important change to your service. We understand that this disrupts
your routine, and we want to make the change as easy as possible for you.</p>
<p>Because of a strategic adjustment, we will end this service. We have arranged an alternative for you.</p>
<p><strong>What we have arranged for you</strong></p>
<p>We are selecting capable partners near you who can continue serving you, and will propose them to you
before the service ends. Nothing about you is handed over to a partner without your consent: you can accept
the proposal, choose another partner, or decline, and then no data goes to any partner.</p>
<p><strong>Your data</strong></p>
<p>You can export your data in a machine-readable format until the export deadline. On the erasure date we
erase it, except the accounting records that the law obliges us to keep.</p>
<p>If you have any claim against us, please declare it by the claims deadline.</p>
<p><strong>Questions</strong></p>
<p>For any question, call our hotline, or simply reply to this email. Your contact person is
<t t-out="object.user_id.name">your contact</t>.</p>
<p>Thank you for your trust.</p>
<p>Kind regards,<br/>Your service team</p>
</div>"""


def load_notice_translations(env):
    """The add-on's Chinese texts (the bench database is installed without them)."""
    env['res.lang']._activate_lang('zh_CN')
    env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'])


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def bench_plan(env, args):
    name = f"Benchmark notices: seed {args.seed}, {args.customers} customers"
    plan = loaded_plan(env, name, [('crm.lead', 'closure_plan_id', args.customers, 'cases')])
    if plan:
        return plan
    print(f"data: loading {args.customers} customers, their cases and revenue (seed {args.seed})...", flush=True)
    t0 = time.perf_counter()
    reps = bench_reps(env)
    plan = env['closure.plan'].create({
        'name': name,
        'decision_date': date(2026, 11, 1),
        'revenue_source': 'import',
        'notice_hotline': '+86 400 800 1234',
        'notice_export_url': 'https://export.example.com',
    })
    partner_ids = bench_data.load_customers(env, args.customers, args.seed, user_ids=reps.ids)
    bench_data.load_cases(env, plan, partner_ids)
    bench_data.load_revenue_lines(env, plan.id, args.customers * 3, args.seed)
    bench_data.analyze(env)
    plan.action_start()
    plan._compute_tiers()
    env.cr.commit()
    print_loaded(t0)
    return plan


def bench_reps(env):
    """The five case owners of the benchmark plans, created once."""
    reps = env['res.users'].search([('login', '=like', 'bench.rep.%')])
    if not reps:
        group = env.ref('closure_crm.group_closure_user')
        reps = env['res.users'].with_context(no_reset_password=True).create([{
            'name': f'Bench Rep {index}', 'login': f'bench.rep.{index}', 'email': f'rep{index}@bench.example.com',
            'phone': f'+86 21 5555 01{index:02d}', 'groups_id': [(4, group.id)],
        } for index in range(1, 6)])
    return reps


def reset(env, plan):
    """Delete what the previous run queued and put the cases back in 'To Notify'."""
    cr = env.cr
    env.flush_all()
    stage = plan.team_id._closure_stage('to_notify')
    cr.execute("SELECT id FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
    case_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM closure_notice_wave WHERE plan_id = %s", [plan.id])
    if 'mailing.mailing' in env:
        cr.execute("DELETE FROM mailing_mailing WHERE subject LIKE 'Benchmark mailing%%'")
    cr.execute("""DELETE FROM mail_mail WHERE mail_message_id IN (
                      SELECT id FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s))""", [case_ids])
    cr.execute("DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s)", [case_ids])
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND res_id = ANY(%s)", [case_ids])
    cr.execute("""UPDATE crm_lead SET stage_id = %s, closure_stage_code = 'to_notify',
                         closure_notified_date = NULL, closure_claim_deadline = %s
                   WHERE closure_plan_id = %s""", [stage.id, plan.claims_deadline, plan.id])
    cr.execute(
        "UPDATE res_partner SET closure_stage_id = %s"
        " WHERE id IN (SELECT partner_id FROM crm_lead WHERE closure_plan_id = %s)",
        [stage.id, plan.id],
    )
    env.invalidate_all()
    cr.commit()
    return case_ids


# ---------------------------------------------------------------------------
# The two senders
# ---------------------------------------------------------------------------
def run_wave(env, plan):
    """Queue the wave as its scheduled job does; return (seconds, mails, calls, details)."""
    wave = env['closure.notice.wave'].create({
        'name': 'Benchmark wave',
        'plan_id': plan.id,
        'scheduled_date': env.cr.now() - timedelta(minutes=1),
    })
    wave.write({'state': 'in_queue'})
    env.cr.commit()
    Wave = env['closure.notice.wave']
    calls = 0
    t0 = time.perf_counter()
    while True:
        Wave._cron_process_waves()
        env.cr.commit()
        env.invalidate_all()
        calls += 1
        if wave.state == 'done':
            break
        if calls % 20 == 0:
            print(f"  wave: {wave.queued_count} notices queued, {time.perf_counter() - t0:.0f} s", flush=True)
    seconds = time.perf_counter() - t0
    env.cr.execute("""SELECT COUNT(*) FROM closure_notice_recipient
                       WHERE wave_id = %s AND mail_mail_id IS NOT NULL""", [wave.id])
    mails = env.cr.fetchone()[0]
    env.cr.execute("""SELECT l.closure_tier, COUNT(*) FROM closure_notice_recipient r
                        JOIN crm_lead l ON l.id = r.lead_id WHERE r.wave_id = %s GROUP BY 1 ORDER BY 1""", [wave.id])
    tiers = ', '.join(f"{(tier or '-').upper()} {count}" for tier, count in env.cr.fetchall())
    env.cr.execute(
        """SELECT p.lang, COUNT(*) FROM closure_notice_recipient r
                        JOIN res_partner p ON p.id = r.partner_id WHERE r.wave_id = %s GROUP BY 1 ORDER BY 1""",
        [wave.id],
    )
    langs = ', '.join(f"{lang} {count}" for lang, count in env.cr.fetchall())
    details = (f"{wave.queued_count} queued, {wave.invalid_count} invalid addresses; tiers {tiers}; "
               f"languages {langs}; {calls} batches")
    return seconds, mails, details


def run_mass_mailing(env, plan, case_ids, body, subject):
    """Queue a mailing on ``case_ids`` (the plan's first cases by id) and send
    it with mass_mailing's own job; return (seconds, mails)."""
    mailing = env['mailing.mailing'].create({
        'subject': subject,
        'body_arch': body,
        'body_html': body,
        'mailing_model_id': env['ir.model']._get_id('crm.lead'),
        # the first cases by id, as a range (mass_mailing gives up on a domain listing 100k ids)
        'mailing_domain': repr([('closure_plan_id', '=', plan.id),
                                ('id', '>=', min(case_ids)), ('id', '<=', max(case_ids))]),
        'email_from': plan.company_id.email_formatted or 'bench@example.com',
        'reply_to_mode': 'update',
    })
    mailing.action_put_in_queue()
    env.cr.commit()
    t0 = time.perf_counter()
    env['mailing.mailing']._process_mass_mailing_queue()
    env.cr.commit()
    seconds = time.perf_counter() - t0
    env.cr.execute("SELECT COUNT(*) FROM mailing_trace WHERE mass_mailing_id = %s", [mailing.id])
    return seconds, env.cr.fetchone()[0]


def send_mail_queue(env, limit):
    """Odoo's mail queue (mail.mail.process_email_queue, what its scheduled
    job calls) sends the queued notices to a local SMTP sink (a separate
    process); return (seconds, mails sent, mails the sink received)."""
    import odoo
    with smtp_sink() as (port, received):
        odoo.tools.config['smtp_server'] = '127.0.0.1'
        odoo.tools.config['smtp_port'] = port
        env['ir.config_parameter'].set_param('mail.mail.queue.batch.size', 1000)
        env.cr.execute("SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'")
        queued = env.cr.fetchone()[0]
        if limit and queued > limit:
            # only the first ``limit`` mails: the others wait (rate sample)
            env.cr.execute("""UPDATE mail_mail SET scheduled_date = NOW() AT TIME ZONE 'UTC' + INTERVAL '1 day'
                               WHERE state = 'outgoing' AND id NOT IN (
                                     SELECT id FROM mail_mail WHERE state = 'outgoing' ORDER BY id LIMIT %s)""",
                           [limit])
        env.cr.commit()
        t0 = time.perf_counter()
        due = None
        while True:
            env.cr.execute("""SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'
                                 AND (scheduled_date IS NULL OR scheduled_date <= NOW() AT TIME ZONE 'UTC')""")
            left = env.cr.fetchone()[0]
            if due is None:
                # the sample's mails that are due now (tier A notices wait for their personal contact)
                due = left
            if not left:
                break
            env['mail.mail'].process_email_queue()
            env.cr.commit()
            env.invalidate_all()
            print_left('mail queue', left, time.perf_counter() - t0)
        seconds = time.perf_counter() - t0
        env.cr.execute("SELECT COUNT(*) FROM mail_mail WHERE state = 'exception'")
        failed = env.cr.fetchone()[0]
        time.sleep(1.0)
        return seconds, due - failed, received()


@contextmanager
def smtp_sink():
    """A local SMTP server that accepts and counts every message (a
    separate process: bench/smtp_sink.py); yields (port, count function)."""
    with tempfile.TemporaryDirectory() as folder:
        count_file = os.path.join(folder, 'count')
        process = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), 'smtp_sink.py'),
                                    '--count-file', count_file], stdout=subprocess.PIPE, text=True)
        port = int(process.stdout.readline())

        def received():
            try:
                with open(count_file) as handle:
                    return int(handle.read() or 0)
            except (OSError, ValueError):
                return 0
        try:
            yield port, received
        finally:
            process.terminate()
            process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='dev_notice_bench', help='database (created when missing)')
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--runs', type=int, default=3, help='wave and mass_mailing runs; the median ratio counts')
    parser.add_argument('--mm-limit', type=int, default=0,
                        help='send the mailing to the first N cases only (default: all, the same recipients)')
    parser.add_argument('--mm-full-sample', type=int, default=200,
                        help='also queue a mailing with the real notice template on N cases (0: skip)')
    parser.add_argument('--mail-sample', type=int, default=10_000,
                        help="mails of the last wave Odoo's mail queue sends to the SMTP sink (0: all, -1: skip)")
    parser.add_argument('--update', action='store_true', help='update the modules in the database first')
    parser.add_argument('--addons-path', default=None)
    args = parser.parse_args()

    addons_path = args.addons_path or odoo_addons_path()
    ensure_database(args.db, addons_path, args.update, MODULES)
    runs = []
    with odoo_env(args.db, addons_path) as env:
        for lang in ('en_US', 'zh_CN'):
            env['res.lang']._activate_lang(lang)
        load_notice_translations(env)
        env.cr.commit()
        plan = bench_plan(env, args)

        for run in range(1, args.runs + 1):
            # alternate the order, so that neither side always runs on a warmer (or busier) machine
            order = ('wave', 'mass_mailing') if run % 2 else ('mass_mailing', 'wave')
            result = {}
            for side in order:
                case_ids = reset(env, plan)
                vacuum(args.db, WAVE_TABLES)
                if side == 'wave':
                    print(f"run {run}: notice wave, {len(case_ids)} cases...", flush=True)
                    result['wave'] = run_wave(env, plan)
                else:
                    mm_ids = sorted(case_ids)[:args.mm_limit] if args.mm_limit else case_ids
                    print(f"run {run}: mass_mailing, {len(mm_ids)} cases...", flush=True)
                    result['mm'] = run_mass_mailing(env, plan, mm_ids, MAILING_BODY, 'Benchmark mailing')
            wave_seconds, wave_mails, wave_details = result['wave']
            mm_seconds, mm_mails = result['mm']
            result['ratio'] = (wave_mails / wave_seconds) / (mm_mails / mm_seconds)
            print(f"run {run}: notice wave {rate(wave_mails, wave_seconds, 'mails')}, mass_mailing "
                  f"{rate(mm_mails, mm_seconds, 'mails')}, ratio {times(result['ratio'])}", flush=True)
            runs.append(result)

        full = None
        if args.mm_full_sample:
            case_ids = reset(env, plan)
            template = env.ref('closure_crm.mail_template_notice_c_b2c')
            sample = sorted(case_ids)[:args.mm_full_sample]
            print(f"mass_mailing with the notice template: {len(sample)} cases...", flush=True)
            full = run_mass_mailing(env, plan, sample, template.body_html, 'Benchmark mailing (notice template)')

        mail_queue = None
        if args.mail_sample >= 0:
            case_ids = reset(env, plan)
            vacuum(args.db, WAVE_TABLES)
            print("notice wave, then Odoo's mail queue to a local SMTP sink...", flush=True)
            run_wave(env, plan)
            mail_queue = send_mail_queue(env, args.mail_sample)
        reset(env, plan)

    print()
    print(f"data:          {len(case_ids)} cases (seed {args.seed}), database {args.db}")
    for index, result in enumerate(runs, start=1):
        wave_seconds, wave_mails, wave_details = result['wave']
        mm_seconds, mm_mails = result['mm']
        print(f"run {index}:")
        print(f"  notice wave:   {wave_mails} mails queued {in_seconds(wave_mails, wave_seconds, 'mails')}  "
              f"({wave_details})")
        print(f"  mass_mailing:  {mm_mails} mails queued {in_seconds(mm_mails, mm_seconds, 'mails')}  "
              f"(simple-placeholder body)")
        print(f"  ratio:         {times(result['ratio'])}")
    if full:
        print(f"mass_mailing with the notice template: {full[1]} mails {in_seconds(full[1], full[0], 'mails')} "
              f"(QWeb compiled per mail)")
    if mail_queue:
        seconds, sent, received = mail_queue
        print(f"mail queue:    Odoo's mail queue sent {sent} notices to the SMTP sink "
              f"{in_seconds(sent, seconds, 'mails')} (the sink received {received})")
    ratio = statistics.median(result['ratio'] for result in runs)
    print(f"ratio:         median of {len(runs)} runs {times(ratio)} mass_mailing's rate "
          f"({', '.join(format(r['ratio'], '.2f') for r in runs)})")
    print(f"target:        >= {TARGET_RATIO:.0f}x: {verdict(ratio >= TARGET_RATIO)}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
