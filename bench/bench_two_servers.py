#!/usr/bin/env python3
"""Benchmark: two Odoo servers on one database send one notice wave.

    python3 bench/bench_two_servers.py --db bench_two [--customers 100000 --seed 7 --ports 18143,18144
                                                       --workers 2 --cron-threads 2]

Builds (once) a plan with ``--customers`` customers, their cases and revenue,
tiered (the data of bench_notice_wave.py), then runs two phases in the same
invocation, each from the cases back in 'To Notify':

  one server    one Odoo server (``--workers`` HTTP workers, ``--cron-threads``
                cron workers) sends the wave;
  two servers   two such servers, on two ports, on the same database.

In each phase the wave is queued as *Send* does (``action_send``), then only
the scheduled jobs work: the notice wave job and its lanes queue the
notices, the reminder job and its lanes send one round of reminders (the
notices are made due by moving their last contact back by the plan's
reminder delay), and Odoo's own mail queue delivers everything to a local
SMTP sink started by this script (Odoo's ``--smtp``/``--smtp-port``).
Prints the rate of each job, each server's share (from the cron lines of
each server's log), the two-server rate against the one-server rate, and
checks with SQL and the sink that no customer got two notices, no reminder
went twice and no case was skipped.

The servers' logs are in bench/out/. Options: ``--mail-timeout`` (seconds to
wait for the mail queue; 0: do not wait, the sink checks are skipped),
``--phases`` (``one,two`` by default), ``--update``.
"""
import argparse
import asyncore
import collections
import os
import re
import smtpd
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import timedelta

import bench_notice_wave as nw  # the same data and reset

from _common import ROOT, ensure_database, odoo_addons_path, odoo_env, odoo_server_command, vacuum

MODULES = ('closure_crm',)
JOB_LINE = re.compile(r"Job '(?P<name>[^']*)' \((?P<id>\d+)\) processed (?P<done>\d+) records")
OUT = os.path.join(ROOT, 'bench', 'out')


# ---------------------------------------------------------------------------
# SMTP sink
# ---------------------------------------------------------------------------
class Sink(smtpd.SMTPServer):
    """Counts the messages delivered per recipient and per kind (subject)."""

    def __init__(self, port):
        super().__init__(('127.0.0.1', port), None, decode_data=False)
        self.lock = threading.Lock()
        self.by_rcpt = collections.Counter()
        self.total = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        with self.lock:
            self.total += 1
            for rcpt in rcpttos:
                self.by_rcpt[rcpt.lower()] += 1

    def reset(self):
        with self.lock:
            self.by_rcpt.clear()
            self.total = 0


def start_sink():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        sink = Sink(port)
    threading.Thread(target=asyncore.loop, kwargs={'timeout': 0.2}, daemon=True).start()
    return sink, port


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------
def start_servers(args, ports, smtp_port, phase):
    servers = []
    for port in ports:
        log = os.path.join(OUT, f'bench_two_servers.{phase}.{port}.log')
        if os.path.exists(log):
            os.unlink(log)
        command = [*odoo_server_command(), '-d', args.db, f'--db-filter=^{args.db}$',
                   f'--addons-path={args.addons_path}', f'--data-dir={args.data_dir}',
                   f'--http-port={port}', '--http-interface=127.0.0.1',
                   f'--workers={args.workers}', f'--max-cron-threads={args.cron_threads}',
                   f'--db_maxconn={args.db_maxconn}', '--limit-time-real-cron=0', '--limit-time-real=600',
                   '--smtp=127.0.0.1', f'--smtp-port={smtp_port}',
                   f'--logfile={log}', '--log-level=warn', '--log-handler=odoo.addons.base.models.ir_cron:INFO']
        with open(log, 'ab') as output:
            process = subprocess.Popen(command, cwd=tempfile.gettempdir(), stdout=output, stderr=output)
        servers.append({'port': port, 'log': log, 'process': process})
    import requests
    for server in servers:
        for _i in range(240):
            time.sleep(0.5)
            if server['process'].poll() is not None:
                sys.exit(f"server on port {server['port']} stopped (log: {server['log']})")
            try:
                if requests.get(f"http://127.0.0.1:{server['port']}/web/login", timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                continue
        else:
            sys.exit(f"server on port {server['port']} did not answer (log: {server['log']})")
    return servers


def stop_servers(servers):
    for server in servers:
        server['process'].terminate()
    for server in servers:
        try:
            server['process'].wait(timeout=60)
        except subprocess.TimeoutExpired:
            server['process'].kill()


def shares(servers, job_names):
    """{port: records processed by the jobs named ``job_names`` (lanes included)}."""
    result = {}
    for server in servers:
        done = 0
        with open(server['log'], errors='replace') as handle:
            for line in handle:
                match = JOB_LINE.search(line)
                if match and any(match['name'].startswith(name) for name in job_names):
                    done += int(match['done'])
        result[server['port']] = done
    return result


# ---------------------------------------------------------------------------
# One phase
# ---------------------------------------------------------------------------
def wait_for(env, label, query, params, timeout, every=0.5):
    """Poll ``query`` (a count) until it is 0; return the seconds waited."""
    t0 = time.perf_counter()
    last = -1
    while True:
        env.cr.rollback()
        env.cr.execute(query, params) if params is not None else env.cr.execute(query)
        left = env.cr.fetchone()[0]
        if not left:
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"{label}: {left} left after {timeout} s")
        if left != last and int(time.perf_counter() - t0) % 10 == 0:
            print(f"    {label}: {left} left, {time.perf_counter() - t0:.0f} s", flush=True)
            last = left
        time.sleep(every)


def run_phase(args, env, plan, sink, smtp_port, ports, phase):
    from odoo.tools import SQL
    env.cr.rollback()  # a fresh snapshot: the servers' mail queue has just updated the mails
    case_ids = nw.reset(env, plan)
    env.cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")
    env.cr.commit()
    vacuum(args.db, nw.WAVE_TABLES)
    sink.reset()
    print(f"{phase}: starting {len(ports)} server(s) on port(s) {', '.join(map(str, ports))}...", flush=True)
    servers = start_servers(args, ports, smtp_port, phase)
    try:
        result = {'cases': len(case_ids)}
        wave = env['closure.notice.wave'].create({
            'name': f'Benchmark wave ({phase})', 'plan_id': plan.id,
            'scheduled_date': env.cr.now() - timedelta(minutes=1)})
        env.cr.commit()
        t0 = time.perf_counter()
        wave.action_send()
        env.cr.commit()
        wait_for(env, 'notices', "SELECT COUNT(*) FROM closure_notice_wave WHERE id = %s AND state != 'done'",
                 [wave.id], args.timeout)
        result['wave_s'] = time.perf_counter() - t0
        env.cr.execute("""SELECT COUNT(*) FILTER (WHERE state = 'sent'), COUNT(*) FILTER (WHERE state = 'personal'),
                                 COUNT(*) FILTER (WHERE state = 'invalid'), COUNT(*)
                            FROM closure_notice_recipient WHERE wave_id = %s AND reminder_number = 0""", [wave.id])
        result['sent'], result['personal'], result['invalid'], result['rows'] = env.cr.fetchone()
        # reminders: make the notices due (their last contact moved back by the plan's delay)
        env.cr.execute("""UPDATE closure_notice_recipient
                             SET last_contact_date = last_contact_date - make_interval(days => %s)
                           WHERE wave_id = %s AND reminder_number = 0 AND last_contact_date IS NOT NULL""",
                       [plan.notice_reminder_days, wave.id])
        result['due'] = env.cr.rowcount
        env.ref('closure_crm.ir_cron_closure_notice_reminders')._closure_trigger()
        env.cr.commit()
        t1 = time.perf_counter()
        wait_for(env, 'reminders', env['closure.notice.wave']._due_reminders_sql(SQL('COUNT(*)')), None,
                 args.timeout)
        env.cr.execute("SELECT COUNT(*) FROM closure_notice_recipient WHERE wave_id = %s AND reminder_number > 0",
                       [wave.id])
        result['reminders'] = env.cr.fetchone()[0]
        result['reminder_s'] = time.perf_counter() - t1
        if args.mail_timeout:
            t2 = time.perf_counter()
            try:
                wait_for(env, 'mail queue', "SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'", [],
                         args.mail_timeout, every=1)
                result['mail_s'] = time.perf_counter() - t2
            except TimeoutError as error:
                print(f"    {error}", flush=True)
            result['mail_from_t0_s'] = time.perf_counter() - t0
        result['delivered'] = sink.total
        result['wave_id'] = wave.id
    finally:
        stop_servers(servers)
    result['wave_share'] = shares(servers, ['Closure: send notice waves'])
    result['reminder_share'] = shares(servers, ['Closure: remind customers'])
    return result


def checks(env, result, sink):
    """SQL (and sink) proofs of the phase; returns {label: ok}."""
    cr = env.cr
    wave_id = result['wave_id']
    cr.execute("""SELECT COUNT(*) FROM crm_lead l WHERE l.closure_plan_id = (SELECT plan_id FROM closure_notice_wave
                                                                              WHERE id = %s)
                     AND NOT EXISTS (SELECT 1 FROM closure_notice_recipient r
                                      WHERE r.wave_id = %s AND r.lead_id = l.id AND r.reminder_number = 0
                                        AND r.state IN ('sent', 'personal', 'invalid'))""", [wave_id, wave_id])
    skipped = cr.fetchone()[0]
    cr.execute("""SELECT COUNT(*) FROM (SELECT lead_id FROM closure_notice_recipient
                                         WHERE wave_id = %s AND reminder_number = 0
                                         GROUP BY lead_id HAVING COUNT(*) > 1) d""", [wave_id])
    double_rows = cr.fetchone()[0]
    # one notice mail per case: the mails linked to the notice rows, and the messages logged on the cases
    cr.execute("""SELECT COUNT(*) FROM (SELECT r.lead_id FROM closure_notice_recipient r
                                         JOIN mail_message m ON m.id = r.message_id
                                        WHERE r.wave_id = %s
                                        GROUP BY r.lead_id, r.reminder_number HAVING COUNT(DISTINCT m.id) > 1) d""",
               [wave_id])
    double_mails = cr.fetchone()[0]
    cr.execute("""SELECT COUNT(*) FROM (SELECT lead_id FROM closure_notice_recipient
                                         WHERE wave_id = %s AND reminder_number > 0
                                         GROUP BY lead_id HAVING COUNT(*) > 1) d""", [wave_id])
    double_reminders = cr.fetchone()[0]
    cr.execute("""SELECT COUNT(*) FROM closure_notice_recipient WHERE wave_id = %s AND reminder_number = 0
                     AND reminder_count != (SELECT COUNT(*) FROM closure_notice_recipient r2
                                             WHERE r2.wave_id = closure_notice_recipient.wave_id
                                               AND r2.lead_id = closure_notice_recipient.lead_id
                                               AND r2.reminder_number > 0)""", [wave_id])
    reminder_mismatch = cr.fetchone()[0]
    result_checks = {
        'no case skipped (every case has its notice row, none pending)': skipped == 0,
        'no customer got two notices (one row and one mail per case)': double_rows == 0 and double_mails == 0,
        'no reminder went twice (one reminder row per case, counts agree)':
            double_reminders == 0 and reminder_mismatch == 0,
        'every due notice got its reminder': result['reminders'] == result['due'],
    }
    if 'mail_s' in result:
        cr.execute("""SELECT LOWER(r.address), COUNT(*) FROM closure_notice_recipient r
                       WHERE r.wave_id = %s AND r.state = 'sent' AND r.channel = 'email'
                       GROUP BY 1""", [wave_id])
        expected = dict(cr.fetchall())
        over = [rcpt for rcpt, count in sink.by_rcpt.items() if rcpt in expected and count > expected[rcpt]]
        missing = [rcpt for rcpt, count in expected.items() if sink.by_rcpt.get(rcpt, 0) < count]
        result_checks['the SMTP sink got each notice and reminder once (per address)'] = not over and not missing
    return result_checks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='bench_two_servers')
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--ports', default='18143,18144')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--cron-threads', type=int, default=2)
    parser.add_argument('--db-maxconn', type=int, default=16)
    parser.add_argument('--phases', default='one,two')
    parser.add_argument('--timeout', type=float, default=3600)
    parser.add_argument('--mail-timeout', type=float, default=1800)
    parser.add_argument('--update', action='store_true')
    parser.add_argument('--data-dir', default=os.path.join(ROOT, '.state', 'odoo-data'))
    parser.add_argument('--addons-path', default=None)
    args = parser.parse_args()
    args.addons_path = args.addons_path or odoo_addons_path()
    os.makedirs(OUT, exist_ok=True)
    ports = [int(port) for port in args.ports.split(',')][:2]

    ensure_database(args.db, args.addons_path, args.update, MODULES)
    sink, smtp_port = start_sink()
    results = {}
    with odoo_env(args.db, args.addons_path, {'lang': 'en_US'}) as env:
        for lang in ('en_US', 'zh_CN'):
            env['res.lang']._activate_lang(lang)
        nw.load_notice_translations(env)
        env.cr.commit()
        plan = nw.bench_plan(env, args)
        for phase in args.phases.split(','):
            phase_ports = ports[:1] if phase == 'one' else ports
            result = run_phase(args, env, plan, sink, smtp_port, phase_ports, phase)
            result['checks'] = checks(env, result, sink)
            results[phase] = result
        env.cr.rollback()
        nw.reset(env, plan)

    print()
    print(f"data: {args.customers} customers and cases (seed {args.seed}), database {args.db}; "
          f"each server --workers {args.workers} --max-cron-threads {args.cron_threads}")
    ok = True
    for phase, result in results.items():
        notices = result['sent'] + result['personal'] + result['invalid']
        print(f"{phase} server(s):")
        print(f"  notice wave: {notices} cases ({result['sent']} mails queued, {result['personal']} personal "
              f"contacts, {result['invalid']} invalid addresses) in {result['wave_s']:.1f} s = "
              f"{notices / result['wave_s']:.0f} cases/s")
        print(f"  reminders:   {result['reminders']} in {result['reminder_s']:.1f} s = "
              f"{result['reminders'] / result['reminder_s']:.0f} reminders/s")
        if 'mail_s' in result:
            print(f"  mail queue:  {result['delivered']} mails delivered to the SMTP sink, the queue empty "
                  f"{result['mail_s']:.1f} s after the reminders ({result['mail_from_t0_s']:.1f} s after Send)")
        for label, share in (('wave', result['wave_share']), ('reminders', result['reminder_share'])):
            total = sum(share.values()) or 1
            print(f"  {label} share: " + ', '.join(
                f"port {port} {count} ({100 * count / total:.0f}%)" for port, count in share.items()))
        for label, passed in result['checks'].items():
            ok = ok and passed
            print(f"  {'ok' if passed else 'FAILED'}: {label}")
    if 'one' in results and 'two' in results:
        one, two = results['one'], results['two']
        rate = lambda r: (r['sent'] + r['personal'] + r['invalid']) / r['wave_s']  # noqa: E731
        print(f"two servers / one server: wave {rate(two) / rate(one):.2f}x, reminders "
              f"{(two['reminders'] / two['reminder_s']) / (one['reminders'] / one['reminder_s']):.2f}x")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
