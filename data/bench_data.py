"""Benchmark-size data in an Odoo database, loaded with PostgreSQL COPY.

The rows come from the deterministic generators of data/generate.py
(``bench_customers``, ``bench_revenue_lines``); this module writes them straight
into the tables, filling the columns the ORM would fill (required columns,
stored computed fields, create/write audit columns), so that the records behave
as if created through the ORM. 100k customers load in seconds where the ORM
takes many minutes.

Use it from a script running inside Odoo (see bench/bench_tiering.py)::

    import sys; sys.path.insert(0, '<repo>/data')
    import bench_data

    partner_ids = bench_data.load_customers(env, 100_000, seed=7)
    plan = env['closure.plan'].create({'name': 'Bench', 'revenue_source': 'import'})
    case_ids = bench_data.load_cases(env, plan, partner_ids)
    bench_data.load_revenue_lines(env, plan.id, 1_000_000, seed=7)
    env.cr.commit()  # the caller decides; nothing here commits

API (every function takes an ``odoo.api.Environment`` or a bare cursor, in which
case it works as the superuser; the ORM caches are invalidated after each load):

``load_customers(env, n, seed=7, user_ids=None) -> [partner ids]``
    ``n`` customers (res.partner, companies and individuals, English and Chinese
    names, email, phone, city, country, industry), each marked with
    ``ref = 'BENCH<seed>-<index>'``. Already loaded for that seed and ``n``: the
    existing ids are returned, nothing is inserted. ``user_ids``: salespersons
    given round-robin (default none). A customer's language is used when it is
    active in the database, else en_US (or another active one).
``bench_partner_ids(env, seed=7) -> [partner ids]``
    The customers loaded for ``seed``, in index order.
``load_cases(env, plan, partner_ids, stage_code='to_notify') -> [crm.lead ids]``
    One closure case (crm.lead opportunity) per partner in ``plan``'s team and
    closure stage ``stage_code``, salesperson = the partner's, as
    ``closure.plan._create_cases`` makes them. Partners that already have a case
    in the plan are skipped. Stored computed fields this module does not fill
    (e.g. fields added later by other features) are recomputed by the ORM in
    batches, so the cases are complete; the partners' closure tier/stage are
    recomputed too.
``load_revenue_lines(env, plan_id, n, seed=7, partner_ids=None) -> int``
    ``n`` closure.revenue.line rows for the plan (revenue_source 'import'),
    Pareto-distributed per customer; in the plan's look-back window each
    customer's lines add up to its ``revenue`` from ``bench_customers`` (for the
    bench customers of ``seed``), or to a Pareto draw by is_company (for explicit
    ``partner_ids``). 5% of the lines predate the window, some are refunds.
    Returns the number of lines inserted.
``copy_rows(cr, table, columns, rows)``
    The COPY helper itself: ``rows`` is an iterable of tuples (None is NULL),
    sent in chunks.

The loaders do not commit and do not ANALYZE: call ``analyze(env)`` after a big
load so the planner sees the new sizes.
"""
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from generate import bench_customers, bench_revenue_lines, pareto_revenue  # noqa: E402

COPY_CHUNK = 50_000

# crm.lead stored computed fields left empty on purpose, as Odoo leaves them for
# a fresh case without salesperson: the closing delays (the case is neither open
# nor closed), address parts the generator has none of. Any other stored computed
# field not filled below (e.g. the lead scoring probabilities) is recomputed
# through the ORM (see _recompute_missing).
CASE_FIELDS_LEFT_EMPTY = {
    'day_open', 'day_close',
    'street', 'street2', 'zip', 'state_id', 'function', 'title', 'mobile', 'website',
    'lead_properties', 'closure_refund_due_date',
}
PARTNER_FIELDS_LEFT_EMPTY = {
    'image_1024', 'image_512', 'image_256', 'image_128', 'company_registry',
    'closure_tier', 'closure_stage_id',  # no closure case yet
}


def _env(env_or_cr):
    from odoo import SUPERUSER_ID, api
    if isinstance(env_or_cr, api.Environment):
        return env_or_cr
    return api.Environment(env_or_cr, SUPERUSER_ID, {})


_COPY_ESCAPES = str.maketrans({'\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r'})


def _copy_value(value):
    if value is None:
        return '\\N'
    if value is True:
        return 't'
    if value is False:
        return 'f'
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (tuples matching ``columns``; None is NULL, booleans are
    booleans) into ``table``, in chunks of COPY_CHUNK rows. Returns the count.

    The foreign keys are not checked row by row when the database user may
    skip triggers (superuser: session_replication_role = replica, for this COPY
    only; 5x faster): the loaders only write references they read from the
    database. Otherwise PostgreSQL checks them as usual."""
    sql = f'COPY {table} ({", ".join(columns)}) FROM STDIN'
    count = 0
    skip_checks = _skip_trigger_checks(cr)
    try:
        buf = io.StringIO()
        for row in rows:
            buf.write('\t'.join(map(_copy_value, row)))
            buf.write('\n')
            count += 1
            if count % COPY_CHUNK == 0:
                buf.seek(0)
                cr._obj.copy_expert(sql, buf)
                buf = io.StringIO()
        if buf.tell():
            buf.seek(0)
            cr._obj.copy_expert(sql, buf)
    finally:
        if skip_checks:
            cr.execute("SET LOCAL session_replication_role = DEFAULT")
    return count


def _skip_trigger_checks(cr):
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cr.fetchone()
    if not (row and row[0]):
        return False
    cr.execute("SET LOCAL session_replication_role = replica")
    return True


def _next_ids(cr, table, n):
    cr.execute(f"SELECT nextval('{table}_id_seq') FROM generate_series(1, %s)", [n])
    return [row[0] for row in cr.fetchall()]


def _xmlid_map(cr, xmlids):
    cr.execute("""SELECT module || '.' || name, res_id FROM ir_model_data
                   WHERE module || '.' || name = ANY(%s)""", [list(xmlids)])
    return dict(cr.fetchall())


def _now(cr):
    cr.execute("SELECT NOW() AT TIME ZONE 'UTC'")
    return cr.fetchone()[0]


def analyze(env_or_cr):
    """ANALYZE the tables the loaders fill, so the planner knows their size."""
    cr = _env(env_or_cr).cr
    for table in ('res_partner', 'crm_lead', 'closure_revenue_line'):
        cr.execute(f'ANALYZE {table}')


def bench_partner_ids(env_or_cr, seed=7):
    """Ids of the customers loaded for ``seed``, in index order."""
    cr = _env(env_or_cr).cr
    cr.execute("SELECT id FROM res_partner WHERE ref LIKE %s ORDER BY ref", [f'BENCH{seed}-%'])
    return [row[0] for row in cr.fetchall()]


def load_customers(env_or_cr, n, seed=7, user_ids=None):
    """Insert ``n`` bench customers (see module docstring); return their ids."""
    env = _env(env_or_cr)
    cr = env.cr
    existing = bench_partner_ids(env, seed)
    if existing:
        if len(existing) == n:
            return existing
        raise ValueError(f"{len(existing)} customers of seed {seed} are already loaded, "
                         f"not {n}: use another seed or another database")
    env.flush_all()
    rows = list(bench_customers(n, seed))
    refs = _xmlid_map(cr, {c['country'] for c in rows} | {c['industry'] for c in rows if c['industry']})
    cr.execute("SELECT code FROM res_lang WHERE active")
    active_langs = {row[0] for row in cr.fetchall()}
    fallback_lang = 'en_US' if 'en_US' in active_langs else min(active_langs)
    ids = _next_ids(cr, 'res_partner', n)
    now, uid = _now(cr), env.uid
    users = list(user_ids or [])

    def partner_rows():
        for pid, c in zip(ids, rows, strict=False):
            email = c['email']
            yield (
                pid, c['name'], c['name'], c['ref'], c['is_company'], 'contact', True,
                c['lang'] if c['lang'] in active_langs else fallback_lang,
                email, email.lower(), c['phone'], '+' + ''.join(ch for ch in c['phone'] if ch.isdigit()),
                c['city'], refs.get(c['country']), refs.get(c['industry']) if c['industry'] else None,
                pid, c['name'] if c['is_company'] else None, True,
                users[(c['index'] - 1) % len(users)] if users else None,
                0, 0, now, uid, now, uid, now,
            )
    columns = [
        'id', 'name', 'complete_name', 'ref', 'is_company', 'type', 'active',
        'lang', 'email', 'email_normalized', 'phone', 'phone_sanitized',
        'city', 'country_id', 'industry_id',
        'commercial_partner_id', 'commercial_company_name', 'partner_share',
        'user_id', 'color', 'message_bounce',
        'create_date', 'create_uid', 'write_date', 'write_uid', 'calendar_last_notif_ack',
    ]
    copy_rows(cr, 'res_partner', columns, partner_rows())
    env.invalidate_all()
    _recompute_missing(env['res.partner'].browse(ids), set(columns) | PARTNER_FIELDS_LEFT_EMPTY)
    return ids


def load_cases(env_or_cr, plan, partner_ids, stage_code='to_notify'):
    """Insert one closure case per partner of ``partner_ids`` in ``plan``
    (skipping partners that have one); return the new crm.lead ids."""
    from odoo.addons.iap.tools import iap_tools

    env = _env(env_or_cr)
    cr = env.cr
    plan = env['closure.plan'].browse(getattr(plan, 'id', plan))
    env.flush_all()
    stage = plan.team_id._closure_stage(stage_code)
    cr.execute("SELECT partner_id FROM crm_lead WHERE closure_plan_id = %s", [plan.id])
    done = {row[0] for row in cr.fetchall()}
    cr.execute("""SELECT id, name, is_company, commercial_company_name, email, email_normalized,
                         phone, phone_sanitized, city, country_id, lang, user_id
                    FROM res_partner WHERE id = ANY(%s) ORDER BY id""",
               [[pid for pid in partner_ids if pid not in done]])
    partners = cr.fetchall()
    if not partners:
        return []
    cr.execute("SELECT code, id FROM res_lang")
    lang_ids = dict(cr.fetchall())
    ids = _next_ids(cr, 'crm_lead', len(partners))
    now, uid = _now(cr), env.uid
    company, team = plan.company_id.id, plan.team_id.id
    claims_deadline = plan.claims_deadline

    def case_rows():
        for lead_id, (pid, name, is_company, company_name, email, email_normalized, phone,
                      phone_sanitized, city, country_id, lang, user_id) in zip(ids, partners, strict=False):
            yield (
                lead_id, name, 'opportunity', True, pid, plan.id, team, stage.id, company, user_id,
                user_id and now,
                company_name if is_company else None, None if is_company else name,
                email, email_normalized,
                email_normalized and iap_tools.mail_prepare_for_domain_search(email_normalized),
                email and 'correct', phone, phone_sanitized, phone and 'correct',
                lang_ids.get(lang), city, country_id,
                '0', 0, 0, 0, 0, 0, 0, 0, 0,
                stage_code, 'b2b' if is_company else 'b2c', claims_deadline,
                0, 0, 0, False,
                now, now, uid, now, uid,
            )
    columns = [
        'id', 'name', 'type', 'active', 'partner_id', 'closure_plan_id', 'team_id', 'stage_id',
        'company_id', 'user_id', 'date_open',
        'partner_name', 'contact_name',
        'email_from', 'email_normalized', 'email_domain_criterion', 'email_state',
        'phone', 'phone_sanitized', 'phone_state',
        'lang_id', 'city', 'country_id',
        'priority', 'color', 'message_bounce', 'expected_revenue', 'prorated_revenue',
        'recurring_revenue', 'recurring_revenue_monthly', 'recurring_revenue_monthly_prorated',
        'recurring_revenue_prorated',
        'closure_stage_code', 'closure_segment', 'closure_claim_deadline',
        'closure_prepaid_balance', 'closure_refund_due', 'closure_open_milestone_count',
        'closure_has_data',
        'date_last_stage_update', 'create_date', 'create_uid', 'write_date', 'write_uid',
    ]
    copy_rows(cr, 'crm_lead', columns, case_rows())
    env.invalidate_all()
    cases = env['crm.lead'].browse(ids)
    _recompute_missing(cases, set(columns) | CASE_FIELDS_LEFT_EMPTY)
    # the contacts show their case's stage (closure_crm's set-based refresh)
    env['res.partner'].browse([row[0] for row in partners])._closure_refresh_case()
    return ids


def load_revenue_lines(env_or_cr, plan_id, n, seed=7, partner_ids=None):
    """Insert ``n`` imported revenue lines for plan ``plan_id`` (see module
    docstring); return the number inserted."""
    import random

    env = _env(env_or_cr)
    cr = env.cr
    env.flush_all()
    plan = env['closure.plan'].browse(plan_id)
    if partner_ids is None:
        partner_ids = bench_partner_ids(env, seed)
        customers = bench_customers(len(partner_ids), seed)
        revenues = [(pid, c['revenue']) for pid, c in zip(partner_ids, customers, strict=False)]
    else:
        cr.execute("SELECT id, is_company FROM res_partner WHERE id = ANY(%s) ORDER BY id", [list(partner_ids)])
        rng = random.Random(f'{seed}-partners')
        revenues = [(pid, pareto_revenue(rng, is_company)) for pid, is_company in cr.fetchall()]
    date_from, date_to = plan.lookback_start, plan.decision_date
    now, uid = _now(cr), env.uid
    company = plan.company_id.id
    rows = ((plan_id, company, pid, day, amount, reference, now, uid, now, uid)
            for pid, day, amount, reference in bench_revenue_lines(revenues, n, seed, date_from, date_to))
    count = copy_rows(cr, 'closure_revenue_line', [
        'plan_id', 'company_id', 'partner_id', 'date', 'amount', 'reference',
        'create_date', 'create_uid', 'write_date', 'write_uid',
    ], rows)
    env.invalidate_all()
    return count


# ---------------------------------------------------------------------------
# ORM recomputation of what COPY did not fill
# ---------------------------------------------------------------------------
RECOMPUTE_BATCH = 10_000


def _recompute(records, fnames):
    """Recompute stored computed fields ``fnames`` of ``records`` with the ORM,
    in batches, and write them."""
    env = records.env
    fields_ = [records._fields[fname] for fname in fnames]
    for start in range(0, len(records), RECOMPUTE_BATCH):
        batch = records[start:start + RECOMPUTE_BATCH]
        for field in fields_:
            env.add_to_compute(field, batch)
        batch.flush_recordset(fnames)
        env.invalidate_all()


def _recompute_missing(records, filled):
    """Recompute the stored computed fields of ``records`` that COPY did not fill."""
    missing = [
        name for name, field in records._fields.items()
        if field.store and field.compute and field.column_type and name not in filled
    ]
    if missing:
        _recompute(records, missing)
    return missing
