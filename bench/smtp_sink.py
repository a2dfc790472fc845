#!/usr/bin/env python3
"""A local SMTP sink for the benchmarks: accepts every message, keeps none,
and writes how many it received to ``--count-file`` (every half second).
Prints its port on the first line of its output; stops on SIGTERM.

    python3 bench/smtp_sink.py [--port 0] --count-file /tmp/count
"""
import argparse
import asyncore
import signal
import smtpd
import sys
import threading
import time
import warnings


class CountingServer(smtpd.SMTPServer):
    count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.count += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--count-file', required=True)
    args = parser.parse_args()
    warnings.simplefilter('ignore')
    server = CountingServer(('127.0.0.1', args.port), None, decode_data=False)
    print(server.socket.getsockname()[1], flush=True)

    def write_count():
        while True:
            with open(args.count_file, 'w') as handle:
                handle.write(str(server.count))
            time.sleep(0.5)
    threading.Thread(target=write_count, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    asyncore.loop(timeout=0.2)


if __name__ == '__main__':
    main()
