#!/usr/bin/env python3
"""Benchmark: two Odoo servers on one database share the long closure jobs.

    python3 bench/bench_two_servers.py --db bench_two [--customers 100000 --seed 7 --ports 18143,18144
                                                       --workers 2 --cron-threads 2
                                                       --jobs wave,introductions,erasure]

For each job of ``--jobs`` (run in the order wave, introductions, erasure),
two phases in the same invocation, each from the same starting state:

  one server    one Odoo server (``--workers`` HTTP workers, ``--cron-threads``
                cron workers) does the job;
  two servers   two such servers, on two ports, on the same database.

In each phase the work is started the way a user starts it, then only the
scheduled jobs (one per task; Odoo runs each on one cron worker at a time) work, and Odoo's
own mail queue delivers the mails to a local SMTP sink started by this
script (Odoo's ``--smtp``/``--smtp-port``):

  wave            builds (once) a plan with ``--customers`` customers, their
                  cases and revenue, tiered (the data of bench_notice_wave.py);
                  the wave is queued as *Send* does (``action_send``); the
                  notice wave job queues the notices, Odoo's mail queue sends
                  them, then the reminder job sends one round of reminders (the
                  delivered notices made due by moving their last contact back
                  by the plan's reminder delay).
  introductions   builds (once) a plan with ``--customers`` other customers,
                  each case with a transfer proposed to one of ``--receivers``
                  receivers; *Send Introductions* on all of them
                  (``action_introduce``: more than one batch, so queued) and the
                  introduction job sends the three-way introductions (one mail
                  to the customer, the receiver and the case owner each).
  erasure         one new plan per phase past its erasure date
                  (``--erasure-customers`` customers, ``--messages`` messages and
                  one attachment per case, bench_erasure.py's loader), its
                  erasure date parked far ahead until its phase; *Start
                  Erasure* (``action_start_erasure``) and the erasure job erases
                  it. Erasure destroys the data: it runs last, each phase on a
                  plan of its own, loaded before the first phase.

Prints the rate of each job, each server's share (from the cron lines of
each server's log), the two-server rate against the one-server rate, and
checks with SQL and the sink that nothing was done twice and nothing was
skipped: no customer got two notices, no reminder went twice, no case was
skipped; every transfer introduced once, each introduction mail delivered
once to each party; every case erased once by the plan's erasure, the
batches' and the servers' counts adding up, no message left, the erasure
record done.

The servers' logs are in bench/out/. Options: ``--mail-timeout`` (seconds to
wait for the mail queue; 0: do not wait, the sink checks are skipped),
``--phases`` (``one,two`` by default), ``--update``.
"""
import argparse
import asyncore
import collections
import os
import re
import signal
import smtpd
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import date, timedelta

import bench_erasure as be  # its loader of a plan to erase
import bench_notice_wave as nw  # the same data and reset

from _common import (
    ROOT,
    ensure_database,
    in_seconds,
    loaded_plan,
    odoo_addons_path,
    odoo_env,
    odoo_server_command,
    print_checks,
    print_left,
    print_loaded,
    rate,
    retry_transaction,
    times,
    vacuum,
)

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
RUNNING = []  # the bench servers started and not yet stopped: no reset while one runs
CRON_CPU_LIMIT = 3600  # seconds of CPU per worker cycle (Odoo's default 60: see start_servers)
STOP_GRACE = 10  # seconds a server gets to stop by itself before it and its workers are killed


def start_servers(args, ports, smtp_port, phase):
    """Start one server per port (``phase`` names their logs); wait until they answer.
    Each server is a process group of its own (its workers and websocket process with it)."""
    if RUNNING:
        raise RuntimeError(f"bench servers still running on ports {', '.join(str(s['port']) for s in RUNNING)}")
    servers = []
    for port, gevent_port in zip(ports, args.gevent_ports, strict=False):
        log = os.path.join(OUT, f'bench_two_servers.{phase}.{port}.log')
        if os.path.exists(log):
            os.unlink(log)
        command = [*odoo_server_command(), '-d', args.db, f'--db-filter=^{args.db}$',
                   f'--addons-path={args.addons_path}', f'--data-dir={args.data_dir}',
                   f'--http-port={port}', f'--gevent-port={gevent_port}', '--http-interface=127.0.0.1',
                   f'--workers={args.workers}', f'--max-cron-threads={args.cron_threads}',
                   f'--db_maxconn={args.db_maxconn}', '--limit-time-real-cron=0', '--limit-time-real=600',
                   # a cron worker's cycle runs up to 10 batches of Odoo's mail queue (1,000 mails each):
                   # far over Odoo's default 60 s of CPU; a worker killed by that limit in the middle of a
                   # mail sends it again (a mail to three parties is three SMTP messages)
                   f'--limit-time-cpu={CRON_CPU_LIMIT}',
                   '--smtp=127.0.0.1', f'--smtp-port={smtp_port}',
                   f'--logfile={log}', '--log-level=warn', '--log-handler=odoo.addons.base.models.ir_cron:INFO']
        with open(log, 'ab') as output:
            process = subprocess.Popen(command, cwd=tempfile.gettempdir(), stdout=output, stderr=output,
                                       start_new_session=True)
        server = {'port': port, 'log': log, 'process': process, 'db': args.db}
        servers.append(server)
        RUNNING.append(server)
    import requests
    for server in servers:
        for _i in range(240):
            time.sleep(0.5)
            if server['process'].poll() is not None:
                stop_servers(servers)
                sys.exit(f"server on port {server['port']} stopped (log: {server['log']})")
            try:
                if requests.get(f"http://127.0.0.1:{server['port']}/web/login", timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                continue
        else:
            stop_servers(servers)
            sys.exit(f"server on port {server['port']} did not answer (log: {server['log']})")
    return servers


def stop_servers(servers):
    """Stop the servers and every process of theirs, then wait until none of
    their database connections is left. A server gets ``STOP_GRACE`` seconds
    to stop by itself (Odoo's graceful stop lets a cron worker finish its job:
    the mail queue can send for minutes), then its process group is killed: a
    worker outliving its server would go on updating the rows the next reset
    deletes (a serialization failure)."""
    import psutil
    procs = []
    for server in servers:
        try:
            master = psutil.Process(server['process'].pid)
            procs += [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
        if server['process'].poll() is None:
            server['process'].terminate()
    _gone, alive = psutil.wait_procs(procs, timeout=STOP_GRACE)
    if alive:
        kill_servers(servers, alive)
    for server in servers:
        try:
            server['process'].wait(timeout=30)
        except subprocess.TimeoutExpired:
            sys.exit(f"server on port {server['port']} (pid {server['process'].pid}) does not stop")
    deadline = time.monotonic() + 30
    while (left := [proc.pid for proc in procs if alive_process(proc)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        sys.exit(f"processes {', '.join(map(str, left))} of the bench servers do not stop")
    for server in servers:
        if server in RUNNING:
            RUNNING.remove(server)
    pids = {proc.pid for proc in procs} | {server['process'].pid for server in servers}
    for db in {server['db'] for server in servers}:
        wait_no_connections(db, pids)


def kill_servers(servers, alive):
    """SIGKILL the servers' process groups, and the processes ``alive`` (a
    worker that left its group, if any)."""
    import psutil
    for server in servers:
        try:
            os.killpg(server['process'].pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


def alive_process(proc):
    """A process still running (a zombie waiting for its parent is not)."""
    import psutil
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def odoo_connections(db, pids=None):
    """{backend pid: application name} of the Odoo connections to ``db``:
    those of the processes ``pids``, or else of any Odoo process but this
    script (Odoo names its connections odoo-<pid>)."""
    import psycopg2
    conn = psycopg2.connect(dbname=db)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            if pids is not None:
                cr.execute("SELECT pid, application_name FROM pg_stat_activity WHERE datname = %s"
                           " AND application_name = ANY(%s)", [db, [f'odoo-{pid}' for pid in pids]])
            else:
                cr.execute("SELECT pid, application_name FROM pg_stat_activity WHERE datname = %s"
                           " AND application_name LIKE 'odoo-%%' AND application_name != %s",
                           [db, f'odoo-{os.getpid()}'])
            return dict(cr.fetchall())
    finally:
        conn.close()


def wait_no_connections(db, pids, timeout=30):
    """Wait until the stopped processes ``pids`` hold no connection to ``db``
    (a killed worker's backend ends with the query it was running); after
    ``timeout`` seconds end those backends (ours), then give up."""
    import psycopg2
    deadline = time.monotonic() + timeout
    while (left := odoo_connections(db, pids)) and time.monotonic() < deadline:
        time.sleep(0.5)
    if left:
        conn = psycopg2.connect(dbname=db)
        try:
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", [list(left)])
        finally:
            conn.close()
        time.sleep(2)
        if left := odoo_connections(db, pids):
            sys.exit(f"the stopped bench servers still hold connections to {db}: {left}")


def reset(env, label, func, *args):
    """Run the reset ``func(*args)`` between phases: only when no bench server
    runs (they are stopped before it and started after it), and retried on a
    serialization failure or a deadlock (``retry_transaction``) with whatever
    else may still touch the rows: another Odoo process on the database, whose
    scheduled jobs run there too, is named."""
    if RUNNING:
        raise RuntimeError(f"{label}: bench servers still running on ports "
                           f"{', '.join(str(server['port']) for server in RUNNING)}")
    others = odoo_connections(env.cr.dbname)
    if others:
        print(f"  {label}: other Odoo processes are connected to {env.cr.dbname} "
              f"({', '.join(sorted(set(others.values())))}); their scheduled jobs may touch the rows being reset",
              flush=True)
    return retry_transaction(env, label, func, *args)


def shares(servers, job_names):
    """{port: records processed by the jobs named ``job_names``}."""
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
            print_left(label, left, time.perf_counter() - t0, indent='    ')
            last = left
        time.sleep(every)


def wait_mail_queue(args, env, result, t0):
    """Wait until Odoo's mail queue is empty (``mail_s``: seconds from now;
    ``mail_from_t0_s``: from ``t0``); not at all with ``--mail-timeout 0``."""
    if args.mail_timeout:
        t2 = time.perf_counter()
        try:
            # the mails due now (tier A letters are scheduled after the personal contact)
            wait_for(env, 'mail queue', """SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'
                                               AND (scheduled_date IS NULL
                                                    OR scheduled_date <= NOW() AT TIME ZONE 'UTC')""", [],
                     args.mail_timeout, every=1)
            result['mail_s'] = time.perf_counter() - t2
        except TimeoutError as error:
            print(f"    {error}", flush=True)
        result['mail_from_t0_s'] = time.perf_counter() - t0


def wave_reset(env, plan):
    """The wave's starting state (``nw.reset``), Odoo's mail queue emptied."""
    case_ids = nw.reset(env, plan)
    env.cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")
    return case_ids


def run_phase(args, env, plan, sink, smtp_port, ports, phase):
    from odoo.tools import SQL
    case_ids = reset(env, 'wave reset', wave_reset, env, plan)
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
        env.cr.execute("""SELECT COUNT(*) FILTER (WHERE state IN ('queued', 'sent')),
                                 COUNT(*) FILTER (WHERE state = 'personal'),
                                 COUNT(*) FILTER (WHERE state = 'invalid'), COUNT(*)
                            FROM closure_notice_recipient WHERE wave_id = %s AND reminder_number = 0""", [wave.id])
        result['sent'], result['personal'], result['invalid'], result['rows'] = env.cr.fetchone()
        # a reminder counts from the notice's delivery (its row is sent when Odoo's queue
        # sent the mail): wait for the notices due now to go out
        wait_for(env, 'notices delivered', """SELECT COUNT(*) FROM closure_notice_recipient
                                                WHERE wave_id = %s AND reminder_number = 0 AND state = 'queued'
                                                  AND (scheduled_date IS NULL
                                                       OR scheduled_date <= NOW() AT TIME ZONE 'UTC')""",
                 [wave.id], args.timeout)
        result['delivered_s'] = time.perf_counter() - t0
        # reminders: make the notices due (their last contact moved back by the plan's delay and a
        # minute: a notice delivered in the last second would be due only a second after the count,
        # which reads the time to the second, and get a reminder the count did not expect)
        env.cr.execute("""UPDATE closure_notice_recipient
                             SET last_contact_date = last_contact_date - make_interval(days => %s, mins => 1)
                           WHERE wave_id = %s AND reminder_number = 0 AND last_contact_date IS NOT NULL""",
                       [plan.notice_reminder_days, wave.id])
        result['moved'] = env.cr.rowcount
        # due by the product's own rule: a tier A notice mailed days from now (after the personal
        # contact) counts its reminder delay from that day, so it is not due yet
        env.cr.execute(SQL("%s AND r.wave_id = %s", env['closure.notice.recipient']._due_reminders_sql(SQL('COUNT(*)')),
                           wave.id))
        result['due'] = env.cr.fetchone()[0]
        env.ref('closure_crm.ir_cron_closure_notice_reminders')._trigger()
        env.cr.commit()
        t1 = time.perf_counter()
        wait_for(env, 'reminders', env['closure.notice.recipient']._due_reminders_sql(SQL('COUNT(*)')), None,
                 args.timeout)
        env.cr.execute("SELECT COUNT(*) FROM closure_notice_recipient WHERE wave_id = %s AND reminder_number > 0",
                       [wave.id])
        result['reminders'] = env.cr.fetchone()[0]
        result['reminder_s'] = time.perf_counter() - t1
        wait_mail_queue(args, env, result, t0)
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
                                        AND r.state IN ('queued', 'sent', 'personal', 'invalid', 'failed'))""",
               [wave_id, wave_id])
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
    if result['reminders'] != result['due']:
        # what the failure is about: the notices of the wave without a reminder, by state and dates
        cr.execute("""SELECT r.state, r.channel, l.closure_tier, r.scheduled_date IS NOT NULL,
                                 r.last_contact_date
                                     < NOW() AT TIME ZONE 'UTC' - make_interval(days => p.notice_reminder_days),
                                 COUNT(*)
                            FROM closure_notice_recipient r
                            JOIN crm_lead l ON l.id = r.lead_id
                            JOIN closure_plan p ON p.id = l.closure_plan_id
                           WHERE r.wave_id = %s AND r.reminder_number = 0 AND r.reminder_count = 0
                           GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC""", [wave_id])
        print(f"  due {result['due']}, reminders {result['reminders']}; notices without a reminder "
              f"(state, channel, tier, scheduled, last contact before the delay, count): {cr.fetchall()}")
    if 'mail_s' in result:
        cr.execute("""SELECT LOWER(r.address), COUNT(*) FROM closure_notice_recipient r
                       WHERE r.wave_id = %s AND r.state IN ('queued', 'sent') AND r.channel = 'email'
                         AND (r.scheduled_date IS NULL OR r.scheduled_date <= NOW() AT TIME ZONE 'UTC')
                       GROUP BY 1""", [wave_id])
        expected = dict(cr.fetchall())
        over = [rcpt for rcpt, count in sink.by_rcpt.items() if rcpt in expected and count > expected[rcpt]]
        missing = [rcpt for rcpt, count in expected.items() if sink.by_rcpt.get(rcpt, 0) < count]
        result_checks['the SMTP sink got each notice and reminder once (per address)'] = not over and not missing
    return result_checks


# ---------------------------------------------------------------------------
# Bulk introductions
# ---------------------------------------------------------------------------
INTRO_SEED_OFFSET = 1000  # the introductions' customers: their own seed, apart from the wave's
INTRO_JOB = 'Closure: send transfer introductions'
INTRO_TABLES = ('closure_transfer', 'mail_message', 'mail_mail', 'mail_mail_res_partner_rel', 'mail_followers')


def intro_plan(env, args):
    """A plan of ``--customers`` customers, each case with one transfer
    proposed to one of ``--receivers`` receivers (round robin); loaded once."""
    import bench_data  # data/, put on sys.path by _common
    seed = args.seed + INTRO_SEED_OFFSET
    name = f"Benchmark introductions: seed {seed}, {args.customers} customers, {args.receivers} receivers"
    plan = loaded_plan(env, name, [('closure.transfer', 'plan_id', args.customers, 'transfers')])
    if plan:
        return plan
    print(f"data: loading {args.customers} customers, cases and transfers to {args.receivers} receivers "
          f"(seed {seed})...", flush=True)
    t0 = time.perf_counter()
    reps = nw.bench_reps(env)
    plan = env['closure.plan'].create({
        'name': name, 'decision_date': date(2026, 11, 1), 'notice_export_url': 'https://export.example.com',
    })
    plan.action_start()
    partner_ids = bench_data.load_customers(env, args.customers, seed, user_ids=reps.ids)
    bench_data.load_cases(env, plan, partner_ids)
    receivers = env['res.partner'].with_context(tracking_disable=True).create([{
        'name': f'Bench Introduction Receiver {seed}-{index:03d}', 'is_company': True,
        'email': f'receiver{seed}.{index}@bench.example.com', 'ref': f'BENCHINTRO{seed}-{index}',
        'closure_is_receiver': True, 'closure_dpa_date': date(2026, 5, 1),
    } for index in range(args.receivers)])
    env.flush_all()
    # proposals as the bulk assignment leaves them (state 'proposed'), one per case
    env.cr.execute("""
        INSERT INTO closure_transfer (lead_id, plan_id, partner_id, user_id, company_id, receiver_id, state, origin,
                                      currency_id, date_proposed, introduction_pending,
                                      create_date, create_uid, write_date, write_uid)
        SELECT l.id, l.closure_plan_id, l.partner_id, l.user_id, l.company_id,
               (%(receivers)s::int[])[1 + ((ROW_NUMBER() OVER (ORDER BY l.id) - 1) %% %(count)s)::int],
               'proposed', 'bulk', c.currency_id, %(now)s, FALSE, %(now)s, %(uid)s, %(now)s, %(uid)s
          FROM crm_lead l JOIN res_company c ON c.id = l.company_id
         WHERE l.closure_plan_id = %(plan)s""",
                   {'receivers': receivers.ids, 'count': len(receivers), 'now': env.cr.now(), 'uid': env.uid,
                    'plan': plan.id})
    bench_data.analyze(env)
    env.cr.execute("ANALYZE closure_transfer")
    env.cr.commit()
    print_loaded(t0)
    return plan


def intro_reset(env, plan):
    """Every transfer of the plan back to 'proposed', not introduced, not queued;
    their messages and mails deleted, Odoo's mail queue emptied. Returns the
    transfer ids; commits nothing (``reset`` does)."""
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT id FROM closure_transfer WHERE plan_id = %s ORDER BY id", [plan.id])
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("""DELETE FROM mail_mail WHERE mail_message_id IN (
                      SELECT id FROM mail_message WHERE model = 'closure.transfer' AND res_id = ANY(%s))""", [ids])
    cr.execute("DELETE FROM mail_message WHERE model = 'closure.transfer' AND res_id = ANY(%s)", [ids])
    cr.execute("DELETE FROM mail_followers WHERE res_model = 'closure.transfer' AND res_id = ANY(%s)", [ids])
    cr.execute("""UPDATE closure_transfer SET state = 'proposed', date_introduced = NULL, introduction_pending = FALSE
                   WHERE plan_id = %s""", [plan.id])
    cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")  # Odoo's mail queue emptied
    env.invalidate_all()
    return ids


def run_introductions(args, env, plan, sink, smtp_port, ports, phase):
    ids = reset(env, 'introductions reset', intro_reset, env, plan)
    vacuum(args.db, INTRO_TABLES)
    sink.reset()
    print(f"introductions, {phase}: starting {len(ports)} server(s) on port(s) {', '.join(map(str, ports))}...",
          flush=True)
    servers = start_servers(args, ports, smtp_port, f'introductions.{phase}')
    try:
        result = {'transfers': len(ids), 'plan_id': plan.id}
        t0 = time.perf_counter()
        # *Send Introductions* on the list: more than one batch, so queued for the job
        env['closure.transfer'].browse(ids).action_introduce()
        env.cr.commit()
        wait_for(env, 'introductions',
                 "SELECT COUNT(*) FROM closure_transfer WHERE plan_id = %s AND introduction_pending", [plan.id],
                 args.timeout)
        result['intro_s'] = time.perf_counter() - t0
        wait_mail_queue(args, env, result, t0)
        result['delivered'] = sink.total
    finally:
        stop_servers(servers)
    result['share'] = shares(servers, [INTRO_JOB])
    return result


def intro_checks(env, result, sink):
    cr = env.cr
    plan_id = result['plan_id']
    cr.execute("""SELECT COUNT(*) FILTER (WHERE state = 'introduced' AND date_introduced IS NOT NULL
                                             AND NOT introduction_pending), COUNT(*)
                    FROM closure_transfer WHERE plan_id = %s""", [plan_id])
    result['introduced'], total = cr.fetchone()
    # the note each introduction leaves on its transfer (not the status tracking, not the mail's own message)
    cr.execute("""SELECT COUNT(*) FILTER (WHERE notes = 0), COUNT(*) FILTER (WHERE notes > 1)
                    FROM (SELECT t.id, COUNT(m.id) AS notes FROM closure_transfer t
                            LEFT JOIN mail_message m ON m.model = 'closure.transfer' AND m.res_id = t.id
                                 AND m.message_type = 'notification'
                                 AND NOT EXISTS (SELECT 1 FROM mail_tracking_value v WHERE v.mail_message_id = m.id)
                           WHERE t.plan_id = %s GROUP BY t.id) per_transfer""", [plan_id])
    no_note, notes_twice = cr.fetchone()
    # the introduction mails still in the database (auto-deleted once sent): at most one per transfer
    cr.execute("""SELECT COUNT(*) FROM (SELECT m.res_id FROM mail_mail mm
                                          JOIN mail_message m ON m.id = mm.mail_message_id
                                         WHERE m.model = 'closure.transfer'
                                           AND m.res_id IN (SELECT id FROM closure_transfer WHERE plan_id = %s)
                                         GROUP BY m.res_id HAVING COUNT(*) > 1) d""", [plan_id])
    mails_twice = cr.fetchone()[0]
    result_checks = {
        'every transfer introduced (none skipped, none left queued)':
            result['introduced'] == total == result['transfers'],
        'each transfer introduced once (one introduction note, at most one mail left each)':
            no_note == 0 and notes_twice == 0 and mails_twice == 0,
    }
    if 'mail_s' in result:
        # the three parties of each transfer (Odoo sends one message per recipient)
        cr.execute("""SELECT LOWER(p.email), COUNT(*) FROM (
                          SELECT DISTINCT t.id, party.partner_id
                            FROM closure_transfer t
                            JOIN res_partner r ON r.id = t.receiver_id
                            LEFT JOIN res_users u ON u.id = t.user_id
                            CROSS JOIN LATERAL (VALUES (t.partner_id), (COALESCE(r.closure_transfer_contact_id, r.id)),
                                                       (u.partner_id)) AS party(partner_id)
                           WHERE t.plan_id = %s AND party.partner_id IS NOT NULL) d
                          JOIN res_partner p ON p.id = d.partner_id
                         WHERE p.email IS NOT NULL AND p.email != ''
                         GROUP BY 1""", [plan_id])
        expected = dict(cr.fetchall())
        result['expected_mails'] = sum(expected.values())
        over = [rcpt for rcpt, count in sink.by_rcpt.items() if count > expected.get(rcpt, 0)]
        missing = [rcpt for rcpt, count in expected.items() if sink.by_rcpt.get(rcpt, 0) < count]
        result_checks['the SMTP sink got each introduction once (customer, receiver, case owner; per address)'] = \
            not over and not missing and sink.total == result['expected_mails']
    return result_checks


# ---------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------
ERASURE_SEED_OFFSET = 2000  # the erased plans' customers: seeds from seed + 2000 on, a new one per plan
ERASURE_PREFIX = 'Benchmark two-server erasure'
ERASURE_JOB = 'Closure: erase customer data after the erasure date'
ERASURE_TABLES = be.TABLES
PARKED = date(2099, 12, 31)  # the erasure date of a loaded plan until its phase


def erasure_plans(env, args, count):
    """``count`` plans to erase (one per phase), loaded by be.py's
    loader, each a new plan (erasure destroys it). Until its phase a plan's
    erasure date is parked far ahead, so no scheduled job of an earlier
    phase erases it; plans loaded by an earlier run and not erased yet are
    reused."""
    customers, messages = args.erasure_customers, args.messages
    pattern = f"{ERASURE_PREFIX}: seed %, {customers} customers, {messages} messages"
    plans = env['closure.plan'].search([('name', '=like', pattern), ('erasure_ids', '=', False),
                                        ('data_erasure_date', '=', PARKED)], order='id')
    if plans:
        print(f"data: reusing erasure plan(s) {', '.join(map(str, plans.ids))}")
    while len(plans) < count:
        loader_args = argparse.Namespace(seed=args.seed + ERASURE_SEED_OFFSET, customers=customers,
                                         messages=messages)
        plan = be.load(env, loader_args)
        seed = re.search(r'seed (\d+)', plan.name)[1]
        plan.write({'name': f"{ERASURE_PREFIX}: seed {seed}, {customers} customers, {messages} messages",
                    'data_erasure_date': PARKED})
        env.cr.commit()
        plans |= plan
    return plans[:count]


def due_plans(env, allowed=()):
    """Plans other than ``allowed`` the erasure job would erase today."""
    today = date.today()
    plans = env['closure.plan'].search([('data_erasure_date', '<=', today), ('state', 'in', ('in_progress', 'closed')),
                                        ('id', 'not in', list(allowed))])
    return plans.filtered(lambda plan: plan.erasure_state != 'done')


def run_erasure(args, env, plan, smtp_port, ports, phase):
    # the plan's erasure date comes: its own date (export deadline + erasure delay), in the past,
    # and not before the claims are settled (the plan's timeline refuses an earlier one)
    erasure_date = max(filter(None, [plan._days_after(plan.data_export_deadline, plan.erasure_days),
                                     plan.plan_type == 'standard' and plan.claims_settlement_date]))
    if erasure_date > date.today():
        sys.exit(f"plan {plan.name}: its erasure date {erasure_date} is not past yet")
    reset(env, 'erasure date', lambda: plan.write({'data_erasure_date': erasure_date}))
    others = due_plans(env, plan.ids)
    if others:
        sys.exit(f"plans {', '.join(others.mapped('name'))} are past their erasure date too: the erasure job "
                 f"would erase them in this phase; use a database for this benchmark only")
    vacuum(args.db, ERASURE_TABLES)
    print(f"erasure, {phase}: starting {len(ports)} server(s) on port(s) {', '.join(map(str, ports))}...",
          flush=True)
    servers = start_servers(args, ports, smtp_port, f'erasure.{phase}')
    try:
        env.cr.execute("SELECT COUNT(*) FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
        result = {'cases': env.cr.fetchone()[0], 'plan_id': plan.id}
        t0 = time.perf_counter()
        plan.action_start_erasure()  # the manager's *Start Erasure*: the erasure record, then the job
        env.cr.commit()
        wait_for(env, 'erasure',
                 "SELECT COUNT(*) FROM crm_lead WHERE closure_plan_id = %s AND closure_erased_date IS NULL",
                 [plan.id], args.timeout)
        result['erase_s'] = time.perf_counter() - t0
        try:
            wait_for(env, 'erasure record',
                     "SELECT COUNT(*) FROM closure_erasure WHERE plan_id = %s AND state != 'done'",
                     [plan.id], args.finish_timeout)
            result['finish_s'] = time.perf_counter() - t0
        except TimeoutError as error:
            print(f"    {error}", flush=True)
    finally:
        stop_servers(servers)
    result['share'] = shares(servers, [ERASURE_JOB])
    return result


def erasure_checks(env, result):
    cr = env.cr
    plan_id = result['plan_id']
    env.invalidate_all()
    erasure = env['closure.erasure'].search([('plan_id', '=', plan_id)])
    cr.execute("""SELECT COUNT(*) FILTER (WHERE closure_erased_date IS NOT NULL AND closure_erasure_id = %s)
                    FROM crm_lead WHERE closure_plan_id = %s""", [erasure.id, plan_id])
    erased = cr.fetchone()[0]
    cr.execute("""SELECT COALESCE(SUM(case_count), 0), COALESCE(SUM(message_count), 0),
                         COALESCE(SUM(attachment_count), 0), COUNT(*)
                    FROM closure_erasure_batch WHERE erasure_id = %s""", [erasure.id])
    result['batch_cases'], result['messages'], result['attachments'], result['batches'] = cr.fetchone()
    cr.execute("""SELECT COUNT(*) FROM mail_message m JOIN crm_lead l ON l.id = m.res_id
                   WHERE m.model = 'crm.lead' AND l.closure_plan_id = %s""", [plan_id])
    left = cr.fetchone()[0]
    result['state'] = erasure.state
    return {
        'every case erased, by this erasure': erased == result['cases'],
        'none erased twice: the batches\' cases add up to the cases': result['batch_cases'] == result['cases'],
        "the servers' shares (cron log lines) add up to the cases": sum(result['share'].values()) == result['cases'],
        'no message of the cases left': left == 0,
        'erasure record done': erasure.state == 'done',
    }


JOBS = ('wave', 'introductions', 'erasure')  # in this order: the erasure destroys its data, last


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='bench_two_servers')
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--ports', default='18143,18144')
    parser.add_argument('--gevent-ports', help="the servers' websocket ports (default: each port + 100)")
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--cron-threads', type=int, default=2)
    parser.add_argument('--db-maxconn', type=int, default=16)
    parser.add_argument('--phases', default='one,two')
    parser.add_argument('--jobs', default=','.join(JOBS), help="of wave, introductions, erasure (run in that order)")
    parser.add_argument('--receivers', type=int, default=50, help="receivers of the introductions")
    parser.add_argument('--erasure-customers', type=int, help="customers of each erased plan (default --customers)")
    parser.add_argument('--messages', type=int, default=10, help="messages per erased case")
    parser.add_argument('--timeout', type=float, default=3600)
    parser.add_argument('--mail-timeout', type=float, default=1800)
    parser.add_argument('--finish-timeout', type=float, default=300,
                        help="seconds to wait for the erasure record to close once no case is left")
    parser.add_argument('--update', action='store_true')
    parser.add_argument('--data-dir', default=os.path.join(ROOT, '.state', 'odoo-data'))
    parser.add_argument('--addons-path', default=None)
    args = parser.parse_args()
    args.addons_path = args.addons_path or odoo_addons_path()
    args.erasure_customers = args.erasure_customers or args.customers
    os.makedirs(OUT, exist_ok=True)
    ports = [int(port) for port in args.ports.split(',')][:2]
    # each server its own websocket port: on Odoo's default one (8072) the second
    # server's websocket process fails to bind and restarts every two seconds
    args.gevent_ports = ([int(port) for port in args.gevent_ports.split(',')] if args.gevent_ports
                         else [port + 100 for port in ports])
    jobs = [job for job in JOBS if job in args.jobs.split(',')]
    phases = args.phases.split(',')

    ensure_database(args.db, args.addons_path, args.update, MODULES)
    sink, smtp_port = start_sink()
    results, intro_results, erasure_results = {}, {}, {}
    with odoo_env(args.db, args.addons_path, {'lang': 'en_US'}) as env:
        from odoo.tools import config
        config['data_dir'] = args.data_dir  # the servers' filestore (the erased plans' files)
        for lang in ('en_US', 'zh_CN'):
            env['res.lang']._activate_lang(lang)
        nw.load_notice_translations(env)
        env.cr.commit()
        # all data first (the erased plans parked), then the phases
        plan = nw.bench_plan(env, args) if 'wave' in jobs else None
        transfer_plan = intro_plan(env, args) if 'introductions' in jobs else None
        erased = erasure_plans(env, args, len(phases)) if 'erasure' in jobs else ()
        if due_plans(env):
            sys.exit(f"plans {', '.join(due_plans(env).mapped('name'))} are past their erasure date: the erasure "
                     f"job of the servers would erase them; use a database for this benchmark only")
        for phase in phases if plan else ():
            phase_ports = ports[:1] if phase == 'one' else ports
            result = run_phase(args, env, plan, sink, smtp_port, phase_ports, phase)
            result['checks'] = checks(env, result, sink)
            results[phase] = result
        if plan:
            reset(env, 'wave reset', nw.reset, env, plan)
        for phase in phases if transfer_plan else ():
            phase_ports = ports[:1] if phase == 'one' else ports
            result = run_introductions(args, env, transfer_plan, sink, smtp_port, phase_ports, phase)
            env.cr.rollback()
            result['checks'] = intro_checks(env, result, sink)
            intro_results[phase] = result
        for phase, erased_plan in zip(phases, erased, strict=False):
            phase_ports = ports[:1] if phase == 'one' else ports
            result = run_erasure(args, env, erased_plan, smtp_port, phase_ports, phase)
            env.cr.rollback()
            result['checks'] = erasure_checks(env, result)
            erasure_results[phase] = result
        env.cr.commit()

    print()
    ok = True
    if results:
        ok = print_wave(args, results) and ok
    if intro_results:
        ok = print_introductions(args, intro_results) and ok
    if erasure_results:
        ok = print_erasure(args, erasure_results) and ok
    return 0 if ok else 1


def print_share(label, share):
    total = sum(share.values()) or 1
    print(f"  {label} share: " + ', '.join(
        f"port {port} {count} ({100 * count / total:.0f}%)" for port, count in share.items()))


def print_phases(results, print_result, shares, rates):
    """Each phase's figures (``print_result(result)``), the servers' shares
    (``shares(result)``: (label, share) pairs) and checks, then each of
    ``rates`` ({label: rate of a result}) of two servers against one.
    True when every check passed."""
    ok = True
    for phase, result in results.items():
        print(f"{phase} server(s):")
        print_result(result)
        for label, share in shares(result):
            print_share(label, share)
        ok = print_checks(result['checks']) and ok
    if 'one' in results and 'two' in results:
        one, two = results['one'], results['two']
        print("two servers / one server: " + ", ".join(
            f"{label} {times(job_rate(two), job_rate(one))}" for label, job_rate in rates.items()))
    return ok


def print_wave(args, results):
    print(f"data: {args.customers} customers and cases (seed {args.seed}), database {args.db}; "
          f"each server --workers {args.workers} --max-cron-threads {args.cron_threads}")

    def notices(result):
        return result['sent'] + result['personal'] + result['invalid']

    def print_result(result):
        print(f"  notice wave: {notices(result)} cases ({result['sent']} mails queued, {result['personal']} "
              f"personal contacts, {result['invalid']} invalid addresses) "
              f"{in_seconds(notices(result), result['wave_s'], 'cases')}; the notices due now delivered "
              f"{result['delivered_s']:.1f} s after Send")
        print(f"  reminders:   {result['reminders']} of {result['due']} due "
              f"{in_seconds(result['reminders'], result['reminder_s'], 'reminders')}")
        if 'mail_s' in result:
            print(f"  mail queue:  {result['delivered']} mails delivered to the SMTP sink, the queue empty "
                  f"{result['mail_s']:.1f} s after the reminders ({result['mail_from_t0_s']:.1f} s after Send)")

    return print_phases(
        results, print_result,
        lambda result: (('wave', result['wave_share']), ('reminders', result['reminder_share'])),
        {'wave': lambda r: notices(r) / r['wave_s'], 'reminders': lambda r: r['reminders'] / r['reminder_s']})


def print_introductions(args, results):
    print(f"introductions: {args.customers} transfers to {args.receivers} receivers "
          f"(seed {args.seed + INTRO_SEED_OFFSET}), queued by Send Introductions")

    def print_result(result):
        print(f"  introductions: {result['introduced']} "
              f"{in_seconds(result['introduced'], result['intro_s'], 'transfers')}")
        if 'mail_s' in result:
            print(f"  mail queue:  {result['delivered']} mails delivered to the SMTP sink "
                  f"({result['expected_mails']} expected), the queue empty {result['mail_s']:.1f} s after the "
                  f"introductions ({result['mail_from_t0_s']:.1f} s after Send Introductions)")

    return print_phases(
        results, print_result, lambda result: (('introductions', result['share']),),
        {'introductions': lambda r: r['introduced'] / r['intro_s']})


def print_erasure(args, results):
    print(f"erasure: a new plan per phase, {args.erasure_customers} customers and cases, {args.messages} messages "
          f"and one attachment per case, started by Start Erasure")

    def print_result(result):
        finish = (f"; the record done {result['finish_s']:.1f} s after Start Erasure" if 'finish_s' in result
                  else "; the record NOT done")
        print(f"  erasure: {result['batch_cases']} cases, {result['messages']} messages, {result['attachments']} "
              f"attachments in {result['batches']} batches, {result['erase_s']:.1f} s = "
              f"{rate(result['batch_cases'], result['erase_s'], 'cases')}, "
              f"{rate(result['messages'], result['erase_s'], 'messages')}{finish}")

    return print_phases(
        results, print_result, lambda result: (('erasure', result['share']),),
        {'erasure': lambda r: r['batch_cases'] / r['erase_s']})


if __name__ == '__main__':
    sys.exit(main())
