#!/usr/bin/env python3
"""Benchmark: the customer's answer page against the website's home page.

    python3 bench/bench_answer_page.py --db closure_demo [--clients 20 --seconds 20 --workers 2 --port 18141]

Starts an Odoo server on the demo database (``./dev.sh demo`` builds it:
both add-ons with their demo data) in multi-process mode (``--workers``,
no cron), then, in one run, lets ``--clients`` concurrent clients (threads,
each its own HTTP session with its cookies, as browsers) fetch for
``--seconds`` seconds each:

  home page     ``/``, the website's home page, as a public visitor;
  answer page   ``/closure/answer/<case>?access_token=...``: each client
                opens its OWN customer's page (``--clients`` different open
                cases of the demo), as the customers following the link of
                their notice.

The page renders from the case at every view (no page cache): only the
receiver suggestions kept on each case are computed once, so each page is
first opened once (warm-up: Odoo's caches and those suggestions). Then the
two pages are measured one after the other, and again in the other order
(``--rounds``, default 2; the figures are the medians), so that a load change
on a shared machine does not favour one page. Prints requests per second,
median and p95 latency of each, the answer page's throughput as a share of
the home page's and whether it meets the target (``--target``, 0.8x), and the
machine's load average.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import requests

from _common import ROOT, checkout, ensure_demo_database, odoo_addons_path, odoo_server_command, verdict
from _common import times as as_times


def answer_urls(db, limit):
    """The answer links of the demo's open cases (plans under way, before their erasure date)."""
    import psycopg2
    conn = psycopg2.connect(dbname=db)
    try:
        with conn.cursor() as cr:
            cr.execute("""SELECT l.id, l.closure_access_token
                            FROM crm_lead l JOIN closure_plan p ON p.id = l.closure_plan_id
                           WHERE l.active AND l.closure_access_token IS NOT NULL
                             AND p.state IN ('draft', 'in_progress')
                             AND (p.data_erasure_date IS NULL OR p.data_erasure_date >= CURRENT_DATE)
                           ORDER BY l.id LIMIT %s""", [limit])
            return [f'/closure/answer/{case_id}?access_token={urllib.parse.quote(token)}'
                    for case_id, token in cr.fetchall()]
    finally:
        conn.close()


def free_port(wanted):
    """``wanted`` when nothing listens there on 127.0.0.1, else a port the system picks."""
    for port in (wanted, 0):
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port")


def start_server(args, db, addons_path, port, gevent_port, log):
    command = [*odoo_server_command(), '-d', db, f'--db-filter=^{db}$',
               f'--addons-path={addons_path}', f'--http-port={port}', f'--gevent-port={gevent_port}',
               '--http-interface=127.0.0.1',
               f'--workers={args.workers}', '--max-cron-threads=0', f'--logfile={log}', '--log-level=warn',
               '--log-handler=werkzeug:INFO',  # the access log: queries and server time per request
               '--limit-time-real=600', '--limit-time-cpu=600']
    if args.data_dir:
        command.append(f'--data-dir={args.data_dir}')
    with open(log, 'ab') as output:  # the server's own messages (start-up, stop) beside its log
        process = subprocess.Popen(command, cwd=tempfile.gettempdir(), stdout=output, stderr=output)
    base = f'http://127.0.0.1:{port}'
    for _i in range(240):
        time.sleep(0.5)
        if process.poll() is not None:
            sys.exit(f"the server stopped at start-up (log: {log})")
        try:
            if requests.get(base + '/web/login', timeout=5).status_code < 500:
                return process, base
        except requests.RequestException:
            continue
    process.terminate()
    sys.exit(f"the server did not answer within 2 minutes (log: {log})")


def hammer(base, urls, clients, seconds):
    """``clients`` threads fetch for ``seconds``, client ``i`` always
    ``urls[i % len(urls)]`` (its own page when there are as many urls as
    clients); returns (requests per second, latencies in seconds, errors)."""
    latencies, errors = [], []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(offset):
        session = requests.Session()
        url = base + urls[offset % len(urls)]
        mine, bad = [], []
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                response = session.get(url, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException as error:
                ok, response = False, error
            mine.append(time.perf_counter() - t0)
            if not ok:
                bad.append(getattr(response, 'status_code', str(response)))
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    return len(latencies) / wall, latencies, errors


ACCESS_LINE = re.compile(r'"GET (\S+) HTTP/[0-9.]+" 200 - (\d+) ([0-9.]+) ([0-9.]+)')


def server_times(log, offset):
    """{path: [(queries, server seconds)]} of the access log from ``offset``
    on: Odoo's werkzeug lines end with the request's query count, its time in
    SQL and its remaining time in the server."""
    times = {}
    with open(log, encoding='utf-8', errors='replace') as handle:
        handle.seek(offset)
        for line in handle:
            match = ACCESS_LINE.search(line)
            if match:
                path = match.group(1).split('?')[0]
                times.setdefault(path, []).append(
                    (int(match.group(2)), float(match.group(3)) + float(match.group(4))))
    return times


def p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def print_results(label, by_page, log, log_offset, args, customers):
    """Print one server's figures; return (answer page requests/s, its share of the home page's)."""
    print(f"\n{label}:")
    summary = {}
    for name, runs in by_page.items():
        rate = statistics.median(run[0] for run in runs)
        latencies = [value for run in runs for value in run[1]]
        errors = sum(len(run[2]) for run in runs)
        summary[name] = rate
        print(f"  {name:12} {rate:7.1f} requests/s  median {statistics.median(latencies) * 1000:5.0f} ms  "
              f"p95 {p95(latencies) * 1000:5.0f} ms  ({len(latencies)} requests, {errors} errors)")
    # The clients share the machine with the server: the server's own time
    # per request, from its access log, is the cost the pages compare on.
    times = server_times(log, log_offset)
    home = times.get('/', [])
    answer = [value for path, values in times.items() if path.startswith('/closure/answer/') for value in values]
    server = {}
    for name, values in (('home page', home), ('answer page', answer)):
        if values:
            server[name] = statistics.median(value[1] for value in values)
            print(f"  {name:12} server time per request: median {server[name] * 1000:5.1f} ms, "
                  f"median {statistics.median(value[0] for value in values):.0f} queries ({len(values)} logged)")
    if len(server) == 2:
        print(f"  answer page / home page: {server['answer page'] / server['home page']:.2f}x the server "
              f"time per request")
    share = summary['answer page'] / summary['home page']
    print(f"  answer page / home page: {as_times(share)} the requests per second "
          f"({args.clients} clients on {customers} different customers' pages, {args.workers} workers)")
    return summary['answer page'], share


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', default='closure_demo', help="the demo database (./dev.sh demo)")
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--seconds', type=float, default=20.0, help="per page and round")
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--port', type=int, default=18141)
    parser.add_argument('--gevent-port', type=int,
                        help="the server's websocket port (default: --port + 1 when free, else a free port; "
                             "not Odoo's 8072, which another Odoo on the machine may hold)")
    parser.add_argument('--cases', type=int, default=None,
                        help="different customers' pages (default: one per client)")
    parser.add_argument('--target', type=float, default=0.8,
                        help="the answer page's requests/s as a share of the home page's, at least")
    parser.add_argument('--addons-path', default=None,
                        help="Odoo's add-ons path (default: this checkout and Odoo's add-ons)")
    parser.add_argument('--data-dir', default=os.path.join(ROOT, '.state', 'odoo-data'),
                        help="Odoo's data directory (the demo's filestore)")
    parser.add_argument('--before', metavar='REV',
                        help="also measure the add-ons of this git revision, same run (before/after figure)")
    parser.add_argument('--before-db', default=None,
                        help="the demo database of --before (default: --db with _before)")
    args = parser.parse_args()
    args.before_db = args.before_db or f'{args.db}_before'
    args.gevent_port = args.gevent_port or free_port(args.port + 1)
    addons_path = args.addons_path or odoo_addons_path()
    os.makedirs(os.path.join(ROOT, 'bench', 'out'), exist_ok=True)
    # (label, database, add-ons path, port, websocket port, log)
    targets = [('now', args.db, addons_path, args.port, args.gevent_port,
                os.path.join(ROOT, 'bench', 'out', 'bench_answer_page.log'))]
    if args.before:
        tree = checkout(args.before)
        before_addons = f"{tree},{addons_path.split(',', 1)[1]}"
        ensure_demo_database(args.before_db, before_addons)
        port = free_port(args.port + 2)
        targets.append((f'before ({args.before})', args.before_db, before_addons, port, free_port(port + 1),
                        os.path.join(ROOT, 'bench', 'out', 'bench_answer_page_before.log')))

    servers, pages = {}, {}
    try:
        for label, db, target_addons, port, gevent_port, log in targets:
            urls = answer_urls(db, args.cases or args.clients)
            if not urls:
                sys.exit(f"no open case with an answer link in {db}: build the demo with ./dev.sh demo")
            if len(urls) < (args.cases or args.clients):
                print(f"only {len(urls)} open cases in {db}: some clients share a customer's page", flush=True)
            process, base = start_server(args, db, target_addons, port, gevent_port, log)
            servers[label] = (process, base, log)
            pages[label] = {'home page': ['/'], 'answer page': urls}
            print(f"{label}: {args.workers} workers on {base}, database {db}; {args.clients} clients; "
                  f"{len(urls)} different customers' answer pages", flush=True)
            for name, page_urls in pages[label].items():   # warm-up: every page once, caches filled
                for url in page_urls:
                    response = requests.get(base + url, timeout=120)
                    if response.status_code != 200:
                        sys.exit(f"{label}, {name} {url}: HTTP {response.status_code}")
        results = {label: {name: [] for name in pages[label]} for label in servers}
        offsets = {label: os.path.getsize(log) for label, (_process, _base, log) in servers.items()}
        for round_index in range(args.rounds):
            # alternate the order of the servers and of the pages, so that a
            # load change on a shared machine favours neither
            labels = list(servers) if round_index % 2 == 0 else list(reversed(servers))
            for label in labels:
                names = list(pages[label]) if round_index % 2 == 0 else list(reversed(pages[label]))
                for name in names:
                    rate, latencies, errors = hammer(servers[label][1], pages[label][name], args.clients,
                                                     args.seconds)
                    results[label][name].append((rate, latencies, errors))
                    print(f"  round {round_index + 1}, {label}, {name}: {rate:.1f} requests/s, median "
                          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms"
                          f"{f', {len(errors)} errors' if errors else ''}", flush=True)
    finally:
        for process, _base, _log in servers.values():
            process.terminate()
            process.wait(timeout=60)

    shares = {label: print_results(label, by_page, servers[label][2], offsets[label], args,
                                   len(pages[label]['answer page']))
              for label, by_page in results.items()}
    print()
    share = shares['now'][1]
    print(f"now: answer page / home page {as_times(share)}; target >= {as_times(args.target)}: "
          f"{verdict(share >= args.target)}")
    for label, (rate, before_share) in shares.items():
        if label != 'now':
            print(f"answer page now / {label}: {as_times(shares['now'][0] / rate)} the requests per second "
                  f"(answer / home page {as_times(share)} now, {as_times(before_share)} {label})")
    print("load average (1, 5, 15 min): " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")
    return 0 if share >= args.target else 1


if __name__ == '__main__':
    sys.exit(main())
