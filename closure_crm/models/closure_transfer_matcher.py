import io
import logging
import time

import numpy as np
import psycopg2.errors
import psycopg2.extensions

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import transfer_assignment as solver
from ..tools.transfer_matching import BLOCK, DEFAULT_MIN_SCORE, MatchScorer
from .closure_transfer import DECLINED_STATES, LIVE_STATES, SIZE_RANK

_logger = logging.getLogger(__name__)


class ClosureTransferMatcher(models.AbstractModel):
    """Matching of closure cases with receiving partners: ranked suggestions
    for one case, capacity-aware bulk assignment for a plan."""
    _name = 'closure.transfer.matcher'
    _description = 'Customer Transfer Matching'

    # ------------------------------------------------------------------
    # Loading (a few queries per plan, whatever its size)
    # ------------------------------------------------------------------
    @api.model
    def _load_receivers(self, plan):
        """The receivers of ``plan``: one per capacity line whose partner is
        an active receiving partner with a signed data-protection commitment.
        Returns (arrays dict, receivers left out for lack of a commitment)."""
        for model in ('closure.receiver.capacity', 'res.partner', 'closure.transfer'):
            self.env[model].flush_model()
        self.env.cr.execute(SQL(
            """SELECT c.id, c.partner_id, c.capacity, c.used_count,
                      COALESCE(p.closure_receiver_segment, 'both'), p.closure_max_customer_size,
                      p.closure_fee_type, p.closure_fee_amount, p.closure_fee_percent, p.closure_fee_currency_id,
                      p.closure_dpa_date IS NOT NULL,
                      ARRAY(SELECT industry_id FROM res_partner_closure_industry_rel r WHERE r.partner_id = p.id),
                      ARRAY(SELECT service_id FROM res_partner_closure_service_rel r WHERE r.partner_id = p.id),
                      ARRAY(SELECT country_id FROM res_partner_closure_country_rel r WHERE r.partner_id = p.id),
                      ARRAY(SELECT state_id FROM res_partner_closure_state_rel r WHERE r.partner_id = p.id)
                 FROM closure_receiver_capacity c
                 JOIN res_partner p ON p.id = c.partner_id
                WHERE c.plan_id = %s AND p.active AND p.closure_is_receiver
                ORDER BY c.id""", plan.id))
        rows = self.env.cr.fetchall()
        without_dpa = self.env['res.partner'].browse([row[1] for row in rows if not row[10]])
        rows = [row for row in rows if row[10]]
        stats = self.env['closure.transfer']._receiver_stats([row[1] for row in rows])
        all_states = {state for row in rows for state in row[14]}
        state_country = {}
        if all_states:
            self.env.cr.execute(SQL("SELECT id, country_id FROM res_country_state WHERE id IN %s", tuple(all_states)))
            state_country = dict(self.env.cr.fetchall())
        receivers = {
            'capacity_id': np.array([row[0] for row in rows], dtype=np.int64),
            'partner_id': np.array([row[1] for row in rows], dtype=np.int64),
            'capacity': np.array([row[2] for row in rows], dtype=np.int64),
            'used': np.array([row[3] for row in rows], dtype=np.int64),
            'segment': [row[4] for row in rows],
            'max_size': [SIZE_RANK.get(row[5], 0) for row in rows],
            'fee': [(row[6] or 'none', row[7] or 0.0, row[8] or 0.0, row[9]) for row in rows],
            'industries': [set(row[11]) for row in rows],
            'services': [set(row[12]) for row in rows],
            'countries': [set(row[13]) for row in rows],
            'states': [set(row[14]) for row in rows],
            'state_country': state_country,
            'accepted': np.array([stats.get(row[1], (0, 0, 0, 0))[1] for row in rows], dtype=np.float64),
            'declined': np.array([stats.get(row[1], (0, 0, 0, 0))[3] for row in rows], dtype=np.float64),
        }
        return receivers, without_dpa

    @api.model
    def _load_cases(self, plan, lead_ids=None, open_only=True):
        """The cases of ``plan`` (or just ``lead_ids``) as arrays. With
        ``open_only``: only those still to be assigned (active, not closed or
        transferred, customer did not decline transfers, no live transfer)."""
        self.env['crm.lead'].flush_model()
        conditions = [SQL("l.closure_plan_id = %s", plan.id), SQL("l.active")]
        if lead_ids is not None:
            conditions.append(SQL("l.id = ANY(%s)", list(lead_ids)))
        if open_only:
            conditions.append(SQL(
                """COALESCE(l.closure_stage_code, '') NOT IN ('closed', 'transferred')
                   AND NOT COALESCE(l.closure_transfer_declined, FALSE)
                   AND NOT EXISTS (SELECT 1 FROM closure_transfer t WHERE t.lead_id = l.id AND t.state IN %s)""",
                LIVE_STATES))
        self.env.cr.execute(
            SQL(
                """SELECT l.id, COALESCE(l.closure_industry_id, 0), COALESCE(l.country_id, 0), COALESCE(l.state_id, 0),
                      COALESCE(l.closure_segment, ''), l.closure_customer_size, COALESCE(l.closure_revenue, 0),
                      ARRAY(SELECT service_id FROM crm_lead_closure_service_rel r
                             WHERE r.lead_id = l.id ORDER BY service_id)
                 FROM crm_lead l
                WHERE %s
                ORDER BY l.id""",
                SQL(" AND ").join(conditions),
            )
        )
        rows = self.env.cr.fetchall()
        return {
            'lead_id': np.array([row[0] for row in rows], dtype=np.int64),
            'industry': np.array([row[1] for row in rows], dtype=np.int64),
            'country': np.array([row[2] for row in rows], dtype=np.int64),
            'state': np.array([row[3] for row in rows], dtype=np.int64),
            'segment': [row[4] for row in rows],
            'size': [SIZE_RANK.get(row[5], 0) for row in rows],
            'revenue': np.array([float(row[6]) for row in rows]),
            'services': [tuple(row[7]) for row in rows],
        }

    @api.model
    def _load_declined(self, plan, cases, receivers):
        """(case row, receiver column) pairs a customer or receiver declined before."""
        if not len(cases['lead_id']) or not len(receivers['partner_id']):
            return []
        self.env.cr.execute(SQL(
            """SELECT t.lead_id, t.receiver_id FROM closure_transfer t
                WHERE t.plan_id = %s AND t.state IN %s AND t.lead_id = ANY(%s)""",
            plan.id, DECLINED_STATES, cases['lead_id'].tolist()))
        row_of = {lead_id: i for i, lead_id in enumerate(cases['lead_id'].tolist())}
        col_of = {partner_id: j for j, partner_id in enumerate(receivers['partner_id'].tolist())}
        return [(row_of[lead_id], col_of[partner_id]) for lead_id, partner_id in self.env.cr.fetchall()
                if partner_id in col_of]

    # ------------------------------------------------------------------
    # One case: suggestions
    # ------------------------------------------------------------------
    @api.model
    def _suggest(self, lead, limit=3):
        """Up to ``limit`` receivers for ``lead``, best match first, each as a
        dict with the total score and its parts. Only receivers with room
        left in the plan, not declined for this case before."""
        plan = lead.closure_plan_id
        if not plan:
            raise UserError(_("%(case)s is not a closure case.", case=lead.display_name))
        receivers, _without_dpa = self._load_receivers(plan)
        cases = self._load_cases(plan, [lead.id], open_only=False)
        if not len(cases['lead_id']) or not len(receivers['partner_id']):
            return []
        scorer = MatchScorer(cases, receivers, min_score=0.0,
                             declined=self._load_declined(plan, cases, receivers))
        scores = scorer.block(0, 1, apply_min=False)[0]
        scores[receivers['capacity'] - receivers['used'] <= 0] = -np.inf
        ranked = [col for col in np.argsort(-scores, kind='stable') if np.isfinite(scores[col])][:limit]
        return [dict(
            self._pair_values(scorer, cases, receivers, 0, col),
            rank=rank,
        ) for rank, col in enumerate(ranked, start=1)]

    @api.model
    def _pair_values(self, scorer, cases, receivers, row, col):
        parts = scorer.parts(row, col)
        fee, currency = self._fee(receivers['fee'][col], cases['revenue'][row])
        return {
            'lead_id': int(cases['lead_id'][row]),
            'receiver_id': int(receivers['partner_id'][col]),
            'capacity_id': int(receivers['capacity_id'][col]),
            'score': sum(parts.values()),
            **{f'score_{part}': value for part, value in parts.items()},
            'fee_expected': fee,
            'currency_id': currency,
        }

    @api.model
    def _fee(self, terms, revenue):
        """(expected fee, currency id or None) from a receiver's fee terms."""
        fee_type, amount, percent, currency_id = terms
        if fee_type == 'fixed':
            return float(amount), currency_id
        if fee_type == 'percent':
            return round(float(revenue) * float(percent) / 100.0, 2), None
        return 0.0, None

    @api.model
    def _transfer_values(self, lead, receiver):
        """Values of a new transfer of ``lead`` to ``receiver``, scored like
        the suggestions (for a receiver the customer picked themselves)."""
        plan = lead.closure_plan_id
        receivers, _without_dpa = self._load_receivers(plan)
        cols = np.flatnonzero(receivers['partner_id'] == receiver.id)
        if not len(cols):
            # unknown to the plan: let the transfer say why (no capacity line)
            return {'lead_id': lead.id, 'receiver_id': receiver.id}
        cases = self._load_cases(plan, [lead.id], open_only=False)
        scorer = MatchScorer(cases, receivers, min_score=0.0)
        values = self._pair_values(scorer, cases, receivers, 0, int(cols[0]))
        if not np.isfinite(values['score']):
            values.update(score=0.0, score_segment=0.0)
        if not values['currency_id']:
            values.pop('currency_id')
        return values

    # ------------------------------------------------------------------
    # A plan: bulk assignment
    # ------------------------------------------------------------------
    @api.model
    def _lock_plan(self, plan):
        """Claim the plan for a bulk assignment, or say who has it. The row
        lock lasts until the end of the transaction; NOWAIT: the second
        manager gets an answer at once instead of a frozen screen."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM closure_plan WHERE id = %s FOR NO KEY UPDATE NOWAIT", plan.id))
        except psycopg2.errors.LockNotAvailable:
            raise UserError(_(
                "A bulk assignment is already running on %(plan)s (or the plan is being saved). "
                "Wait until it is done and run it again: it keeps what is assigned and fills only "
                "what is missing.", plan=plan.name)) from None

    @api.model
    def _assign(self, plan, leads=None, min_score=DEFAULT_MIN_SCORE, replan=False):
        """Give every open case of ``plan`` (or of ``leads``) the best receiver
        the capacities allow, as a proposed transfer; flag the others with the
        reason. Live transfers are kept (re-running fills only what is
        missing); with ``replan``, proposals not introduced yet are re-planned.

        Returns a dict of figures (assigned, flagged per reason, kept, score,
        bound, seconds)."""
        started = time.time()
        if isinstance(plan, int):  # from demo data and scripts
            plan = self.env['closure.plan'].browse(plan)
        plan.ensure_one()
        if plan.state in ('closed', 'cancel'):
            raise UserError(_("%(plan)s is closed: no transfer can be proposed.", plan=plan.name))
        self._lock_plan(plan)
        Transfer = self.env['closure.transfer']
        lead_ids = leads.ids if leads is not None else None
        if replan:
            self._cancel_unintroduced(plan, lead_ids)
        capacities = self.env['closure.receiver.capacity'].search([('plan_id', '=', plan.id)])
        capacities._sync_usage()  # locks the capacity rows of the plan
        receivers, without_dpa = self._load_receivers(plan)
        cases = self._load_cases(plan, lead_ids)
        n_cases, n_receivers = len(cases['lead_id']), len(receivers['partner_id'])
        result = {
            'assigned': 0, 'flagged': {}, 'score': 0.0, 'bound': 0.0, 'cases': n_cases,
            'receivers': n_receivers, 'without_dpa': without_dpa,
        }
        if not n_cases:
            result['seconds'] = time.time() - started
            return result
        scorer = MatchScorer(cases, receivers, min_score=min_score,
                             declined=self._load_declined(plan, cases, receivers))
        free = solver.clip_capacity(receivers['capacity'] - receivers['used'], n_cases)
        if n_receivers:
            solution = solver.solve(scorer.blocks, n_cases, free)
            assign = solution['assign']
            result.update(score=solution['score'], bound=solution['bound'])
        else:
            assign = np.full(n_cases, solver.NO_RECEIVER, dtype=np.int64)
        rows = np.flatnonzero(assign >= 0)
        self._insert_transfers(plan, scorer, cases, receivers, rows, assign[rows])
        issues = self._issues(scorer, cases, receivers, assign)
        self._write_issues(cases['lead_id'], issues)
        capacities._sync_usage()
        self.env.invalidate_all()
        result['assigned'] = len(rows)
        for issue in issues:
            if issue:
                result['flagged'][issue] = result['flagged'].get(issue, 0) + 1
        result['seconds'] = time.time() - started
        _logger.info("Closure plan %s: %s cases assigned to receivers, %s flagged, %.1f s",
                     plan.id, len(rows), n_cases - len(rows), result['seconds'])
        Transfer.flush_model()
        return result

    @api.model
    def _cancel_unintroduced(self, plan, lead_ids=None):
        """Cancel the proposals nobody has seen yet (not introduced, not
        queued), in one statement; the capacities are recounted after."""
        self.env['closure.transfer'].flush_model()
        conditions = [SQL("plan_id = %s AND state = 'proposed' AND date_introduced IS NULL "
                          "AND NOT COALESCE(introduction_pending, FALSE)", plan.id)]
        if lead_ids is not None:
            conditions.append(SQL("lead_id = ANY(%s)", list(lead_ids)))
        self.env.cr.execute(SQL(
            "UPDATE closure_transfer SET state = 'cancelled', write_uid = %s, write_date = %s WHERE %s",
            self.env.uid, fields.Datetime.now(), SQL(" AND ").join(conditions)))
        self.env['closure.transfer'].invalidate_model(['state', 'write_uid', 'write_date'])

    @api.model
    def _insert_transfers(self, plan, scorer, cases, receivers, rows, cols):
        """One INSERT for all new proposals (100k rows in seconds: no ORM
        create, no chatter message per transfer)."""
        if not len(rows):
            return
        parts = {
            'industry': scorer.t_ind[scorer.k_ind[rows], cols],
            'region': scorer.t_reg[scorer.k_reg[rows], cols],
            'services': scorer.t_srv[scorer.k_srv[rows], cols],
            'segment': scorer.t_seg[scorer.k_seg[rows], cols],
            'capacity': scorer.p_capacity[cols],
            'acceptance': scorer.p_acceptance[cols],
        }
        total = sum(parts.values())
        company_currency = plan.company_id.currency_id.id
        fees, currencies = [], []
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            fee, currency = self._fee(receivers['fee'][col], cases['revenue'][row])
            fees.append(fee)
            currencies.append(currency or company_currency)
        # COPY the rows into a temporary table, then one INSERT ... SELECT:
        # large arrays as query parameters cost more than the insert itself
        cr = self.env.cr
        cr.execute(SQL(
            """CREATE TEMPORARY TABLE IF NOT EXISTS closure_transfer_new (
                   lead_id int, receiver_id int, capacity_id int, score float8, industry float8,
                   region float8, services float8, segment float8, capacity float8, acceptance float8,
                   fee numeric, currency_id int) ON COMMIT DROP"""))
        cr.execute(SQL("TRUNCATE closure_transfer_new"))
        columns = [cases['lead_id'][rows], receivers['partner_id'][cols], receivers['capacity_id'][cols],
                   np.round(total.astype(np.float64), 2)] + [
                   np.round(parts[name].astype(np.float64), 2)
                   for name in ('industry', 'region', 'services', 'segment', 'capacity', 'acceptance')]
        lines = io.StringIO()
        for values in zip(*(column.tolist() for column in columns), fees, currencies, strict=True):
            lines.write('\t'.join(map(str, values)))
            lines.write('\n')
        lines.seek(0)
        callback = psycopg2.extensions.get_wait_callback()  # COPY does not support async callbacks
        psycopg2.extensions.set_wait_callback(None)
        try:
            cr.copy_from(lines, 'closure_transfer_new', columns=[
                'lead_id', 'receiver_id', 'capacity_id', 'score', 'industry', 'region', 'services', 'segment',
                'capacity', 'acceptance', 'fee', 'currency_id'])
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        now = fields.Datetime.now()
        cr.execute(SQL(
            """INSERT INTO closure_transfer (
                   lead_id, plan_id, partner_id, user_id, company_id, receiver_id, capacity_id,
                   state, origin, score, score_industry, score_region, score_services, score_segment,
                   score_capacity, score_acceptance, fee_expected, currency_id, date_proposed,
                   introduction_pending, create_uid, create_date, write_uid, write_date)
               SELECT l.id, l.closure_plan_id, l.partner_id, l.user_id, COALESCE(l.company_id, plan.company_id),
                      v.receiver_id, v.capacity_id,
                      'proposed', 'bulk', v.score, v.industry, v.region, v.services, v.segment,
                      v.capacity, v.acceptance, v.fee, v.currency_id, %(now)s,
                      FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM closure_transfer_new v
                 JOIN crm_lead l ON l.id = v.lead_id
                 JOIN closure_plan plan ON plan.id = l.closure_plan_id""",
            now=now, uid=self.env.uid))
        cr.execute(SQL("TRUNCATE closure_transfer_new"))

    @api.model
    def _issues(self, scorer, cases, receivers, assign):
        """Why each unassigned case got no receiver (None for assigned ones)."""
        n_cases = len(assign)
        issues = [None] * n_cases
        unassigned = np.flatnonzero(assign < 0)
        if not len(unassigned):
            return issues
        if not len(receivers['partner_id']):
            for row in unassigned:
                issues[row] = 'no_receiver'
            return issues
        for start in range(0, len(unassigned), BLOCK):
            chunk = unassigned[start:start + BLOCK]
            raw = self._rows_block(scorer, chunk, n_cases, mask_declined=False)
            undeclined = self._rows_block(scorer, chunk, n_cases, mask_declined=True)
            fits = np.isfinite(raw).any(axis=1)
            open_ = np.isfinite(undeclined).any(axis=1)
            best = np.where(open_, undeclined.max(axis=1, initial=-np.inf), -np.inf)
            for i, row in enumerate(chunk.tolist()):
                if not fits[i]:
                    issues[row] = 'segment'
                elif not open_[i]:
                    issues[row] = 'declined'
                elif best[i] < scorer.min_score:
                    issues[row] = 'low_score'
                else:
                    issues[row] = 'capacity'
        return issues

    @api.model
    def _rows_block(self, scorer, rows, n_cases, mask_declined):
        """Scores of arbitrary case rows, without the minimum filter."""
        scores = (scorer.t_ind[scorer.k_ind[rows]] + scorer.t_reg[scorer.k_reg[rows]]
                  + scorer.t_srv[scorer.k_srv[rows]] + scorer.t_seg[scorer.k_seg[rows]]
                  + scorer.constant[None, :])
        if mask_declined and len(scorer.declined_rows):
            position = np.full(n_cases, -1, dtype=np.int64)
            position[rows] = np.arange(len(rows))
            hit = position[scorer.declined_rows] >= 0
            scores[position[scorer.declined_rows[hit]], scorer.declined_cols[hit]] = -np.inf
        return scores

    @api.model
    def _write_issues(self, lead_ids, issues):
        """Flag (or clear) every case of the run in one UPDATE."""
        if not len(lead_ids):
            return
        self.env.cr.execute(SQL(
            """UPDATE crm_lead l SET closure_transfer_issue = v.issue
                 FROM unnest(%s::int[], %s::varchar[]) AS v(id, issue)
                WHERE l.id = v.id AND l.closure_transfer_issue IS DISTINCT FROM v.issue""",
            lead_ids.tolist(), issues))
