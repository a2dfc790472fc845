#!/usr/bin/env python3
"""Benchmark: a notice wave delivered through faults, without a manual step.

    python3 bench/bench_notice_faults.py --db bench_faults [--customers 5000 --seed 7]

Builds (once) a plan with ``--customers`` customers (the data of
bench_notice_wave.py), sends a notice wave on all of them as *Send* does, and
lets one Odoo server (``--max-cron-threads`` cron workers, Odoo's own mail
queue, ``--smtp`` pointing at a local SMTP sink run by this script) deliver it
while the script injects faults:

  outage   once ``--outage-at`` of the notices reached the sink, the sink stops
           (listening socket and open connections closed) for ``--outage``
           seconds, then starts again on the same port;
  kill     once ``--kill-at`` of them reached it, the Odoo server is killed
           (SIGKILL, in the middle of the mail queue) and started again.

Nobody presses anything: the retries, the triggers of the mail queue and the
restart do the rest. Prints the customers with a delivered notice (distinct
recipients at the sink), the customers notified in the database (cases with a
notified date), the notices delivered twice (same Message-Id twice at the
sink), and the minutes from *Send* to the last delivery. Target: every
customer delivered and notified, the two equal, no manual step.
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

from bench_notice_wave import bench_plan, reset

from _common import ensure_database, odoo_addons_path, odoo_env, odoo_server_command, verdict

MESSAGE_ID = re.compile(rb'^Message-Id:\s*(\S+)', re.IGNORECASE | re.MULTILINE)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'out')


class Sink(smtpd.SMTPServer):
    """Accepts every message; counts them per recipient and per Message-Id."""

    def __init__(self, port, stats):
        super().__init__(('127.0.0.1', port), None, decode_data=False)
        self.stats = stats

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        match = MESSAGE_ID.search(data)
        with self.stats['lock']:
            for rcpt in rcpttos:
                self.stats['by_rcpt'][rcpt.lower()] += 1
            self.stats['by_message_id'][match.group(1) if match else b'?'] += 1
            self.stats['last'] = time.time()
            self.stats['total'] += 1


class SinkThread:
    """The sink in a thread of its own, which can be stopped (every socket
    closed: the server is gone) and started again on the same port."""

    def __init__(self):
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.stats = {'lock': threading.Lock(), 'by_rcpt': collections.Counter(),
                      'by_message_id': collections.Counter(), 'last': None, 'total': 0}
        self.map = {}
        self.command = 'start'
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        warnings.simplefilter('ignore')
        while True:
            command, self.command = self.command, None
            if command == 'start':
                server = Sink(self.port, self.stats)
                # the channels Odoo opens are added to asyncore's default map with the server
                self.map = asyncore.socket_map
                assert server
            elif command == 'stop':
                for channel in list(asyncore.socket_map.values()):
                    channel.close()
            if asyncore.socket_map:
                asyncore.loop(timeout=0.1, count=1)
            else:
                time.sleep(0.1)

    def start(self):
        self.command = 'start'

    def stop(self):
        self.command = 'stop'


def start_server(args, smtp_port, log):
    command = [*odoo_server_command(), '-d', args.db, f'--db-filter=^{args.db}$',
               f'--addons-path={args.addons_path}', f'--http-port={args.port}', '--http-interface=127.0.0.1',
               '--workers=0', f'--max-cron-threads={args.cron_threads}', '--smtp=127.0.0.1',
               f'--smtp-port={smtp_port}', f'--logfile={log}', '--log-level=warn',
               # as docs/operations.md asks of cron workers: above one run of Odoo's mail queue
               # (a cron thread past --limit-time-real, 120 s, makes the threaded server reload)
               '--limit-time-real-cron=3600', '--limit-time-cpu=3600',
               '--log-handler=odoo.addons.base.models.ir_cron:INFO',
               '--log-handler=odoo.addons.closure_crm:INFO']
    if args.data_dir:
        command.append(f'--data-dir={args.data_dir}')
    return subprocess.Popen(command, cwd=tempfile.gettempdir(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def figures(env, plan, wave_id):
    env.cr.rollback()
    env.cr.execute("""SELECT COUNT(*) FILTER (WHERE l.closure_notified_date IS NOT NULL),
                             COUNT(*) FILTER (WHERE r.state = 'queued'),
                             COUNT(*) FILTER (WHERE r.state = 'sent'),
                             COUNT(*) FILTER (WHERE r.state IN ('failed', 'invalid')),
                             COUNT(*) FILTER (WHERE r.retry_count > 0)
                        FROM closure_notice_recipient r JOIN crm_lead l ON l.id = r.lead_id
                       WHERE r.wave_id = %s AND r.reminder_number = 0""", [wave_id])
    notified, queued, sent, failed, retried = env.cr.fetchone()
    return {'notified': notified, 'queued': queued, 'sent': sent, 'failed': failed, 'retried': retried}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='bench_faults', help='database (created when missing)')
    parser.add_argument('--customers', type=int, default=5000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--port', type=int, default=18169, help="the Odoo server's HTTP port")
    parser.add_argument('--cron-threads', type=int, default=2)
    parser.add_argument('--outage', type=float, default=30.0, help='seconds the SMTP sink is away')
    parser.add_argument('--outage-at', type=float, default=0.25, help='share delivered when the sink stops')
    parser.add_argument('--kill-at', type=float, default=0.6, help='share delivered when the server is killed')
    parser.add_argument('--timeout', type=float, default=1200.0, help='seconds before giving up')
    parser.add_argument('--addons-path', default=None)
    parser.add_argument('--data-dir', default=None, help="the Odoo server's data directory")
    args = parser.parse_args()
    args.addons_path = args.addons_path or odoo_addons_path()
    ensure_database(args.db, args.addons_path, False, ('closure_crm',))
    os.makedirs(OUT, exist_ok=True)
    log = os.path.join(OUT, 'bench_notice_faults.log')
    if os.path.exists(log):
        os.unlink(log)

    sink = SinkThread()
    with odoo_env(args.db, args.addons_path) as env:
        plan = bench_plan(env, args)
        plan.write({'notice_tier_a_mode': 'mail', 'notice_reminder_days': 0})
        env.cr.commit()
        reset(env, plan)
        env.cr.execute("DELETE FROM mail_mail WHERE state IN ('outgoing', 'exception')")  # nothing else in the queue
        env.cr.commit()
        wave = env['closure.notice.wave'].create({'name': 'Fault benchmark', 'plan_id': plan.id,
                                                  'scheduled_date': env.cr.now()})
        env.cr.commit()
        print(f"send: a wave on {args.customers} customers; SMTP sink on port {sink.port}", flush=True)
        t_send = time.time()
        wave.action_send()  # the manager's Send
        env.cr.commit()
        wave_id = wave.id
        server = start_server(args, sink.port, log)
        events = []
        outage_end = None
        killed = False
        try:
            while True:
                time.sleep(1.0)
                now = time.time()
                state = figures(env, plan, wave_id)
                env.cr.execute("SELECT COUNT(*), state FROM closure_notice_wave WHERE id = %s GROUP BY state",
                               [wave_id])
                wave_state = env.cr.fetchone()[1]
                env.cr.execute("""SELECT COUNT(*) FROM closure_notice_recipient
                                   WHERE wave_id = %s AND reminder_number = 0 AND mail_mail_id IS NOT NULL""",
                               [wave_id])
                expected = env.cr.fetchone()[0] if wave_state == 'done' else args.customers
                delivered = sink.stats['total']
                if outage_end is None and delivered >= args.outage_at * expected:
                    sink.stop()
                    outage_end = now + args.outage
                    events.append(f"{now - t_send:6.0f} s  SMTP server stopped for {args.outage:.0f} s "
                                  f"({delivered} delivered)")
                    print(events[-1], flush=True)
                elif outage_end and now >= outage_end and outage_end > 0:
                    sink.start()
                    outage_end = -1
                    events.append(f"{now - t_send:6.0f} s  SMTP server back")
                    print(events[-1], flush=True)
                if not killed and outage_end == -1 and delivered >= args.kill_at * expected:
                    server.kill()
                    server.wait()
                    killed = True
                    events.append(f"{now - t_send:6.0f} s  Odoo server killed (SIGKILL, {delivered} delivered), "
                                  f"started again")
                    print(events[-1], flush=True)
                    server = start_server(args, sink.port, log)
                print(f"  {now - t_send:5.0f} s: sink {delivered}, rows sent {state['sent']}, queued "
                      f"{state['queued']}, failed {state['failed']}, retried {state['retried']}, notified "
                      f"{state['notified']}", flush=True)
                if wave_state == 'done' and not state['queued'] and outage_end == -1 and killed:
                    break
                if now - t_send > args.timeout:
                    print("timeout", flush=True)
                    break
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        time.sleep(1.0)
        state = figures(env, plan, wave_id)
        env.cr.execute("""SELECT LOWER(p.email) FROM closure_notice_recipient r
                            JOIN res_partner p ON p.id = r.partner_id
                           WHERE r.wave_id = %s AND r.reminder_number = 0 AND r.mail_mail_id IS NOT NULL""",
                       [wave_id])
        customers = {row[0] for row in env.cr.fetchall()}
        env.cr.execute("SELECT COUNT(*) FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
        cases = env.cr.fetchone()[0]

    with sink.stats['lock']:
        delivered_customers = len([rcpt for rcpt in sink.stats['by_rcpt'] if rcpt in customers])
        twice = sum(count - 1 for count in sink.stats['by_message_id'].values() if count > 1)
        last = sink.stats['last']
    minutes = (last - t_send) / 60 if last else float('nan')
    print()
    print(f"data:                    {cases} cases, {len(customers)} notice mails (customers with an address)")
    for event in events:
        print(f"fault:                 {event}")
    print(f"delivered customers:     {delivered_customers}")
    print(f"notified in database:    {state['notified']} (rows sent {state['sent']}, queued {state['queued']}, "
          f"failed {state['failed']}, retried at least once {state['retried']})")
    print(f"delivered twice:         {twice}")
    print(f"minutes to last delivery: {minutes:.1f}")
    ok = delivered_customers == len(customers) == state['notified']
    print(f"target:                  every customer delivered and notified, the two equal: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
