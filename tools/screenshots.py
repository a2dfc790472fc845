#!/usr/bin/env python3
"""Take the README's screenshots from a running demo (`./dev.sh demo`).

    .state/venv/bin/python tools/screenshots.py [--url URL] [--db DB] [SCREEN...]

Logs in as the demo users over Odoo's JSON-RPC, then drives a headless Chromium
(the browser Odoo's UI tours use) over its DevTools protocol with
websocket-client (the package the tours need too), and writes one PNG per screen
into docs/img/ at 1400x900 (the customer's page at a
phone's 390x844). Each screen waits until what it must show is on the
page, so a screen that no longer shows it fails loudly instead of saving an
empty picture. The browser runs in a temporary profile and is stopped at the
end, whatever happens.
"""
import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 300 * 1024


class ScreenError(Exception):
    pass


# ------------------------------------------------------------------ Odoo RPC

class Session:
    """A logged-in Odoo session (JSON-RPC), its cookie reused by the browser."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.uid = self._call('/web/session/authenticate', {'db': db, 'login': login, 'password': password})['uid']
        if not self.uid:
            raise ScreenError(f'login {login} refused on {url} (database {db})')

    def _call(self, path, params):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': params}).encode()
        request = urllib.request.Request(self.url + path, body, {'Content-Type': 'application/json'})
        with self.opener.open(request, timeout=120) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise ScreenError(f"{path}: {answer['error']['data'].get('message', answer['error'])}")
        return answer['result']

    @property
    def session_id(self):
        return next(cookie.value for cookie in self.jar if cookie.name == 'session_id')

    def call(self, model, method, *args, **kwargs):
        return self._call(f'/web/dataset/call_kw/{model}/{method}',
                          {'model': model, 'method': method, 'args': list(args), 'kwargs': kwargs})

    def search_read(self, model, domain, fields, limit=1, order=None):
        records = self.call(model, 'search_read', domain, fields, limit=limit, order=order)
        return records

    def one(self, model, domain, fields=('id',), order=None, what=None):
        records = self.search_read(model, domain, list(fields), limit=1, order=order)
        if not records:
            raise ScreenError(f'no {what or model} in the demo matches {domain}')
        return records[0]


# ------------------------------------------------------------ the browser

def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        path = shutil.which(name)
        if path:
            return path
    raise ScreenError('no Chromium found (Debian: apt-get install chromium)')


class Browser:
    """One headless Chromium page driven over the DevTools protocol."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix='closure-screenshots-')
        self.proc = subprocess.Popen([
            find_chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
            '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--hide-scrollbars',
            '--disable-background-networking', '--remote-debugging-address=127.0.0.1',
            '--remote-debugging-port=0', f'--user-data-dir={self.profile}', f'--window-size={width},{height}',
            '--force-device-scale-factor=1', '--lang=en-US', 'about:blank',
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile, 'DevToolsActivePort')
        for _i in range(300):
            if port_file.is_file() and port_file.stat().st_size > 5:
                break
            time.sleep(0.1)
        else:
            self.close()
            raise ScreenError('Chromium did not open its DevTools port in 30s')
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=30) as response:
            page = next(t for t in json.load(response) if t['type'] == 'page')
        self.ws = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=120, suppress_origin=True)
        self._ids = iter(range(1, 1 << 30))
        self.send('Page.enable')
        self.send('Network.enable')
        self.send('Emulation.setDeviceMetricsOverride',
                  width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        request_id = next(self._ids)
        self.ws.send(json.dumps({'id': request_id, 'method': method, 'params': params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get('id') == request_id:
                if 'error' in message:
                    raise ScreenError(f"{method}: {message['error']}")
                return message.get('result', {})

    def evaluate(self, expression):
        result = self.send('Runtime.evaluate', expression=expression, awaitPromise=True, returnByValue=True)
        if result.get('exceptionDetails'):
            raise ScreenError(f"script failed: {result['exceptionDetails'].get('text')} in {expression[:80]}")
        return result['result'].get('value')

    def login_as(self, url, session):
        """Browse as the session's user, or as a public visitor (None)."""
        self.send('Network.clearBrowserCookies')
        if session:
            self.send('Network.setCookie', name='session_id', value=session.session_id, url=url, path='/')

    def open(self, url):
        self.send('Page.navigate', url=url)
        self.wait("document.readyState === 'complete'", 60, f'page {url} to load')

    def wait(self, condition, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f'!!({condition})'):
                return
            time.sleep(0.25)
        raise ScreenError(f'waited {timeout}s for {what} ({condition})')

    def wait_for(self, selector, text=None, timeout=60):
        """Wait until `selector` is on the page (holding `text` if given),
        then until the web client has nothing loading and fonts are ready."""
        sel = json.dumps(selector)
        if text:
            condition = f"[...document.querySelectorAll({sel})].some(e => e.textContent.includes({json.dumps(text)}))"
        else:
            condition = f'document.querySelector({sel})'
        self.wait(condition, timeout, f'{selector}' + (f' showing {text!r}' if text else ''))
        self.wait("!document.querySelector('.o_loading_indicator, .o_blockUI')", timeout, 'the web client to settle')
        self.evaluate('document.fonts.ready.then(() => true)')
        time.sleep(1.0)       # animations (kanban, progress bars) end

    def click(self, selector, text=None):
        sel = json.dumps(selector)
        found = self.evaluate(
            f"(() => {{ const e = [...document.querySelectorAll({sel})]"
            f".find(e => {json.dumps(text or '')} === '' || e.textContent.includes({json.dumps(text or '')}));"
            f" if (e) {{ e.click(); return true; }} return false; }})()")
        if not found:
            raise ScreenError(f'nothing to click: {selector} {text or ""}')

    def screenshot(self, path):
        data = base64.b64decode(self.send('Page.captureScreenshot', format='png')['data'])
        if len(data) > MAX_BYTES:
            data = shrink_png(data)
        path.write_bytes(data)
        return len(data)

    def close(self):
        try:
            if getattr(self, 'ws', None):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def shrink_png(data):
    """A palette PNG of the same picture: screens have few colours."""
    from PIL import Image  # Odoo's own requirement
    image = Image.open(io.BytesIO(data)).convert('RGB')
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, format='PNG', optimize=True)
    return out.getvalue()


# ---------------------------------------------------------------- screens

def backend(browser, base, path, selector, text=None):
    browser.open(f'{base}/odoo/{path}')
    browser.wait_for(selector, text)


def take_all(base, db, out_dir, width, height, only=None):
    admin = Session(base, db, 'admin', 'admin')
    anna = Session(base, db, 'closure.anna', 'closure.anna')
    receiver = Session(base, db, 'receiver.portal', 'receiver.portal')

    plan = admin.one('closure.plan', [('state', '=', 'in_progress')], ['id', 'name'], order='id', what='running plan')
    case_fields = ['id', 'closure_answer_url']
    en_case = admin.one('crm.lead', [('closure_plan_id', '=', plan['id']), ('partner_id.lang', '=', 'en_US'),
                                     ('closure_transfer_ids', '!=', False)], case_fields, order='id',
                        what='English case with a proposed receiver')
    zh_case = admin.one('crm.lead', [('closure_plan_id', '=', plan['id']), ('partner_id.lang', '=', 'zh_CN'),
                                     ('closure_transfer_ids', '!=', False)], case_fields, order='id',
                        what='Chinese case with a proposed receiver')

    def answer_url(case):
        # the stored link holds the site's address; keep only the path
        url = case['closure_answer_url']
        return base + url[url.index('/closure/answer/'):]

    lin = Session(base, db, 'closure.lin', 'closure.lin')            # a rep who reads Chinese
    manager = Session(base, db, 'closure.manager', 'closure.manager')  # a manager who reads Chinese
    # a case with money owed, for each rep
    worked = [('closure_plan_id', '=', plan['id']), ('closure_refund_due', '>', 0)]
    anna_case = admin.one('crm.lead', worked + [('user_id.login', '=', 'closure.anna')], order='id',
                          what="Anna's case with money owed")
    lin_case = admin.one('crm.lead', worked + [('user_id.login', '=', 'closure.lin')], order='id',
                         what="Lin's case with money owed")

    def case_form(case):
        return lambda b: backend(b, base, f"action-closure_crm.action_closure_case/{case['id']}",
                                 '.o_form_view .o_notebook')

    def pipeline(b):
        backend(b, base, 'action-closure_crm.action_closure_case', '.o_kanban_group .o_kanban_record')

    def plan_form(b):
        backend(b, base, f"action-closure_crm.action_closure_plan/{plan['id']}", '.o_form_view', plan['name'])

    def phone(url, text):
        def show(b):
            b.send('Emulation.setDeviceMetricsOverride', width=390, height=844, deviceScaleFactor=1, mobile=True)
            public(b, url, 'form', text)
        return show

    screens = [
        # name, user, action, wait for (selector, text)
        ('case-form-en', anna, case_form(anna_case)),
        ('case-form-zh', lin, case_form(lin_case)),
        ('pipeline-en', anna, pipeline),
        ('pipeline-zh', lin, pipeline),
        ('plan-en', admin, plan_form),
        ('plan-zh', manager, plan_form),
        ('dashboard-en', admin, lambda b: plan_dashboard(b, base, plan)),
        ('dashboard-zh', manager, lambda b: plan_dashboard(b, base, plan)),
        ('receiver-portal-en', receiver, lambda b: public(b, f'{base}/en/my/closure/transfers', 'table', None)),
        ('receiver-portal-zh', receiver, lambda b: public(b, f'{base}/zh_CN/my/closure/transfers', 'table', None)),
        ('customer-page-phone-en', None, phone(answer_url(en_case), 'Send')),
        ('customer-page-phone-zh', None, phone(answer_url(zh_case), '提交')),
        ('training-dashboard', admin, lambda b: training_dashboard(b, base)),
    ]
    browser = Browser(width, height)
    taken = []
    try:
        for name, session, show in screens:
            if only and name not in only:
                continue
            browser.login_as(base, session)
            browser.send('Emulation.setDeviceMetricsOverride', width=width, height=height,
                         deviceScaleFactor=1, mobile=False)
            show(browser)
            path = out_dir / f'{name}.png'
            size = browser.screenshot(path)
            taken.append((path, size))
            print(f'{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size // 1024} KB')
    finally:
        browser.close()
    return taken


def public(browser, url, selector, text):
    browser.open(url)
    browser.wait_for(selector, text)


def plan_dashboard(browser, base, plan):
    backend(browser, base, f"action-closure_crm.action_closure_plan/{plan['id']}", '.o_form_view', plan['name'])
    browser.click('.o_form_view button[name="action_dashboard"]')
    browser.wait_for('.o_action_manager .o_view_controller .o_kanban_record')


def training_dashboard(browser, base):
    backend(browser, base, 'action-closure_training.action_closure_training_report',
            '.o_action_manager .o_view_controller')
    browser.wait_for('.o_graph_renderer canvas, .o_pivot table, .o_list_table, .o_kanban_record')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default=f"http://localhost:{os.environ.get('CLOSURE_HTTP_PORT', '8069')}",
                        help='the demo server (default: http://localhost:$CLOSURE_HTTP_PORT or 8069)')
    parser.add_argument('--db', default=os.environ.get('CLOSURE_DB', 'closure_demo'),
                        help='the demo database (default: $CLOSURE_DB or closure_demo)')
    parser.add_argument('--out', default=str(ROOT / 'docs' / 'img'),
                        help='folder for the PNG files (default: docs/img/)')
    parser.add_argument('--size', default='1400x900', help='browser window WIDTHxHEIGHT (default: 1400x900)')
    parser.add_argument('only', nargs='*', help='take only these screens (names without .png)')
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split('x'))
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        take_all(args.url.rstrip('/'), args.db, out_dir, width, height, set(args.only))
    except (ScreenError, OSError) as error:
        sys.exit(f'screenshots: {error}')


if __name__ == '__main__':
    main()
