import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .crm_lead import set_tiering_storage

_logger = logging.getLogger(__name__)

# cases created per batch of the scheduled job
GENERATION_BATCH = 1000


class ClosurePlan(models.Model):
    """Case generation: every customer with revenue in the plan's look-back
    window (won opportunities, posted invoices or imported revenue lines) and
    no case yet gets one, in the plan's closure pipeline, in batches of the
    scheduled job (ir.cron._closure_run_batch), so that several servers share
    a large plan without creating a case twice; their A/B/C tiers by revenue
    (one SQL statement per plan); and the version of the
    plan's receivers that the receiver suggestions kept on its cases were
    computed under (crm.lead.closure_suggestion_cache)."""
    # one model, four files in closure_crm (see closure_plan_guide.py)
    _inherit = 'closure.plan'

    suggestion_stamp = fields.Integer(
        'Receivers Version', readonly=True, copy=False, default=0,
        help="Goes up whenever the plan's receivers change (capacity lines, a receiver's profile, a receiver "
             "full or with room again): the receiver suggestions kept on the cases are computed again.")

    def action_generate_cases(self):
        """Create a case for every customer with revenue or open business in
        the look-back window that has none yet. Small plans are done at once;
        large ones are queued to the scheduled job, which works in batches.
        For closure managers: it creates a case per customer of the company."""
        self._closure_check_manager(_("generate the customer cases of a plan"))
        messages = []
        for plan in self:
            missing = plan._missing_case_partner_ids()
            if not missing:
                messages.append(_(
                    "%(plan)s: no new case, every customer with revenue or open business in the look-back window "
                    "already has one (%(count)s cases).", plan=plan.name, count=plan.case_count))
            elif len(missing) <= GENERATION_BATCH:
                created = plan._create_cases(missing)
                plan.invalidate_recordset(['case_count'])
                messages.append(_("%(plan)s: %(count)s cases generated (%(total)s cases in the plan).",
                                  plan=plan.name, count=len(created), total=plan.case_count))
            else:
                plan.generation_pending = True
                self.env.ref('closure_crm.ir_cron_closure_generate_cases')._trigger()
                messages.append(_(
                    "%(plan)s: %(count)s cases are being generated in the background; the plan's history says "
                    "when they are all there.", plan=plan.name, count=len(missing)))
        for plan, message in zip(self, messages, strict=True):
            plan.message_post(body=message)
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'title': _("Customer cases"),
                'message': '\n'.join(messages),
                'type': 'success',
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def action_compute_tiers(self):
        self._compute_tiers()
        return True

    def _revenue_sql(self):
        """SQL yielding (partner_id, amount) rows of the plan's revenue in its
        look-back window, per commercial partner, in company currency."""
        self.ensure_one()
        date_from, date_to = self.lookback_start, self.decision_date
        if self.revenue_source == 'invoice' and 'account.move' in self.env:
            return SQL(
                """SELECT m.commercial_partner_id AS partner_id, m.amount_untaxed_signed AS amount
                     FROM account_move m
                    WHERE m.company_id = %(company)s AND m.state = 'posted'
                      AND m.move_type IN ('out_invoice', 'out_refund')
                      AND m.invoice_date >= %(date_from)s AND m.invoice_date <= %(date_to)s""",
                company=self.company_id.id, date_from=date_from, date_to=date_to)
        if self.revenue_source == 'import':
            return SQL(
                """SELECT r.partner_id, r.amount FROM closure_revenue_line r
                    WHERE r.plan_id = %(plan)s AND r.date >= %(date_from)s AND r.date <= %(date_to)s""",
                plan=self.id, date_from=date_from, date_to=date_to)
        return SQL(
            """SELECT COALESCE(p.commercial_partner_id, p.id) AS partner_id, l.expected_revenue AS amount
                 FROM crm_lead l
                 JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                 JOIN res_partner p ON p.id = l.partner_id
                WHERE l.active AND l.closure_plan_id IS NULL
                  AND l.company_id = %(company)s
                  AND l.date_closed >= %(date_from)s AND l.date_closed < %(date_to)s::date + 1""",
            company=self.company_id.id, date_from=date_from, date_to=date_to)

    def _open_business_sql(self):
        """SQL yielding partner_id of customers with open business: ongoing
        opportunities (and unpaid invoices when invoicing is the source)."""
        self.ensure_one()
        query = SQL(
            """SELECT COALESCE(p.commercial_partner_id, p.id) AS partner_id
                 FROM crm_lead l
                 JOIN res_partner p ON p.id = l.partner_id
                 LEFT JOIN crm_stage s ON s.id = l.stage_id
                WHERE l.active AND l.closure_plan_id IS NULL AND l.type = 'opportunity'
                  AND l.company_id = %(company)s AND l.probability < 100
                  AND COALESCE(s.is_won, FALSE) = FALSE""",
            company=self.company_id.id)
        if self.revenue_source == 'invoice' and 'account.move' in self.env:
            query = SQL(
                """%(query)s UNION SELECT m.commercial_partner_id FROM account_move m
                    WHERE m.company_id = %(company)s AND m.state = 'posted'
                      AND m.move_type = 'out_invoice'
                      AND m.payment_state IN ('not_paid', 'partial')""",
                query=query, company=self.company_id.id)
        return query

    def _missing_case_partner_ids(self):
        self.ensure_one()
        self.env['crm.lead'].flush_model()
        self.env['closure.revenue.line'].flush_model()
        self.env.cr.execute(SQL(
            """WITH customer AS (
                   SELECT partner_id FROM (%(revenue)s) rev
                    UNION
                   SELECT partner_id FROM (%(open)s) open_business
               )
               SELECT c.partner_id
                 FROM customer c
                 JOIN res_partner p ON p.id = c.partner_id
                WHERE p.active
                  AND p.id != %(own_partner)s
                  AND NOT EXISTS (SELECT 1 FROM crm_lead l
                                   WHERE l.closure_plan_id = %(plan)s AND l.partner_id = c.partner_id)
                ORDER BY c.partner_id""",
            revenue=self._revenue_sql(), open=self._open_business_sql(),
            own_partner=self.company_id.partner_id.id, plan=self.id))
        return [row[0] for row in self.env.cr.fetchall()]

    def _create_cases(self, partner_ids):
        """Create one closure case per partner, in the plan's first closure stage."""
        self.ensure_one()
        if not partner_ids:
            return self.env['crm.lead']
        stage = self.team_id._closure_stage('to_notify')
        partners = self.env['res.partner'].browse(partner_ids)
        vals_list = [{
            'name': partner.name,
            'type': 'opportunity',
            'partner_id': partner.id,
            'closure_plan_id': self.id,
            'team_id': self.team_id.id,
            'stage_id': stage.id,
            'company_id': self.company_id.id,
            'user_id': partner.user_id.id,
        } for partner in partners]
        cases = self.env['crm.lead'].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True,
        ).create(vals_list)
        return cases

    @api.model
    def _cron_generate_cases(self):
        """Scheduled job: create the missing cases of the queued plans, one
        batch per call, on the closure jobs' batch protocol
        (``ir.cron._closure_run_batch``). Several servers may run it at once:
        each claims the plan it works on (SKIP LOCKED), so no plan is worked
        twice at the same time, and the unique (plan, customer) index makes a
        duplicate impossible."""
        worked = {}  # what the batch's plan still misses: not looked up twice in a call
        self.env.ref('closure_crm.ir_cron_closure_generate_cases')._closure_run_batch(
            lambda: self._generate_cases_batch(worked), lambda: self._count_cases_to_generate(worked))

    @api.model
    def _generate_cases_batch(self, worked=None):
        """Create up to GENERATION_BATCH missing cases of the first queued
        plan no other worker holds; the plan's last batch takes it off the
        queue and says so in its history. Returns the cases created, and
        puts in ``worked`` {plan id: customers it still misses}."""
        worked = {} if worked is None else worked
        worked.clear()  # a batch run again after a deadlock may claim another plan
        self.flush_model(['generation_pending'])
        self.env.cr.execute(SQL(
            """SELECT id FROM closure_plan WHERE generation_pending
               ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED"""))
        row = self.env.cr.fetchone()
        if not row:
            return 0
        plan = self.browse(row[0])
        missing = plan._missing_case_partner_ids()
        created = plan._create_cases(missing[:GENERATION_BATCH])
        worked[plan.id] = len(missing) - len(created)
        if len(missing) <= GENERATION_BATCH:
            plan.generation_pending = False
            plan.message_post(body=_("All customer cases are generated (%s cases).", plan.case_count))
        return len(created)

    @api.model
    def _count_cases_to_generate(self, worked=None):
        """The cases the queued plans still miss; ``worked``: {plan id: count}
        already known from this call's batch."""
        worked = worked or {}
        others = self.search([('generation_pending', '=', True), ('id', 'not in', list(worked))])
        return sum(worked.values()) + sum(len(plan._missing_case_partner_ids()) for plan in others)

    # ------------------------------------------------------------------
    # Tiering
    # ------------------------------------------------------------------
    def _compute_tiers(self):
        """A/B/C tiering by cumulative revenue share, one SQL statement per plan.

        Customers are ranked by revenue in the look-back window (ties broken by
        partner id so the result is deterministic). A customer is tier A when the
        customers ranked above it hold less than the A cut-off of the total,
        B when they hold less than the B cut-off, C otherwise; customers without
        revenue are C. The case's revenue figure is written at the same time.
        The cases' tier is not tracked one by one: when any case changed, the
        plan's history gets one summary of the new tiers.
        """
        self.env['crm.lead'].flush_model()
        self.env['closure.revenue.line'].flush_model()
        for plan in self:
            self.env.cr.execute(SQL(
                """WITH revenue AS (
                       SELECT partner_id, SUM(amount) AS amount
                         FROM (%(revenue)s) rev
                        GROUP BY partner_id
                   ), ranked AS (
                       SELECT l.id AS lead_id,
                              COALESCE(r.amount, 0) AS amount,
                              SUM(COALESCE(r.amount, 0)) OVER (
                                  ORDER BY COALESCE(r.amount, 0) DESC, l.partner_id, l.id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS above,
                              SUM(GREATEST(COALESCE(r.amount, 0), 0)) OVER () AS total
                         FROM crm_lead l
                         LEFT JOIN revenue r ON r.partner_id = l.partner_id
                        WHERE l.closure_plan_id = %(plan)s
                   ), tiered AS (
                       SELECT lead_id, amount,
                              CASE WHEN amount <= 0 OR total <= 0 THEN 'c'
                                   WHEN COALESCE(above, 0) < total * %(a)s / 100.0 THEN 'a'
                                   WHEN COALESCE(above, 0) < total * %(b)s / 100.0 THEN 'b'
                                   ELSE 'c' END AS tier
                         FROM ranked
                   )
                   UPDATE crm_lead l
                      SET closure_revenue = t.amount,
                          closure_tier = CASE WHEN l.closure_tier_manual THEN l.closure_tier ELSE t.tier END,
                          write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s
                     FROM tiered t
                    WHERE l.id = t.lead_id
                      AND ((l.closure_tier IS DISTINCT FROM t.tier AND l.closure_tier_manual IS NOT TRUE)
                           OR l.closure_revenue IS DISTINCT FROM t.amount)
                RETURNING l.partner_id""",
                revenue=plan._revenue_sql(), plan=plan.id,
                a=plan.tier_a_share, b=plan.tier_b_share, uid=self.env.uid))
            partner_ids = {row[0] for row in self.env.cr.fetchall()}
            self.env['crm.lead'].invalidate_model(['closure_revenue', 'closure_tier', 'write_date', 'write_uid'])
            # the contact shows its current tier: one UPDATE for the customers touched
            self.env['res.partner'].browse(partner_ids)._closure_refresh_case()
            plan.tiered_date = fields.Datetime.now()
            _logger.info("Closure plan %s: tiers computed, %s cases changed", plan.id, len(partner_ids))
            if partner_ids:
                plan._post_tier_summary(len(partner_ids))
            # a tier a manager set by hand is kept (crm_lead.py); the run says which cases those are
            manual = self.env['crm.lead'].search(
                [('closure_plan_id', '=', plan.id), ('closure_tier_manual', '=', True)], order='id')
            if manual:
                plan.message_post(body=_(
                    "%(count)s cases keep the tier a manager set by hand: %(cases)s",
                    count=len(manual), cases=', '.join(
                        f'{lead.display_name} ({(lead.closure_tier or "").upper()}: {lead.closure_tier_reason})'
                        for lead in manual[:20]) + (', …' if len(manual) > 20 else '')))

    def _post_tier_summary(self, changed):
        """One message on the plan for a tiering that changed ``changed``
        cases: how many cases each tier holds now."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "SELECT closure_tier, COUNT(*) FROM crm_lead WHERE closure_plan_id = %s GROUP BY closure_tier", self.id))
        counts = dict(self.env.cr.fetchall())
        self.message_post(body=_(
            "Tiers recomputed: %(a)s A, %(b)s B, %(c)s C (%(changed)s cases changed tier or revenue).",
            a=counts.get('a', 0), b=counts.get('b', 0), c=counts.get('c', 0), changed=changed))

    @api.model
    def _closure_tune_tiering_storage(self, tuned=True):
        """For large closures (tens of thousands of cases): leave room in the
        pages of crm_lead and res_partner so that tiering rewrites their rows in
        place (crm_lead.TIERING_FILLFACTOR), or give both tables PostgreSQL's
        default back (``tuned=False``). An administrator's explicit choice (the
        server actions in closure_crm/data/ir_actions_server_data.xml), never
        done by an install or update; pages already written get the room at the
        next ``VACUUM FULL crm_lead, res_partner``. README.md, "Large databases"."""
        if not self.env.is_system():
            raise AccessError(_("Only an administrator changes how database tables are stored."))
        for model in ('crm.lead', 'res.partner'):
            set_tiering_storage(self.env.cr, self.env[model]._table, tuned=tuned)
        message = _("crm_lead and res_partner now leave room in their pages for in-place tier updates. "
                    "Run VACUUM FULL on both tables in a quiet hour to give the existing pages that room.") \
            if tuned else _("crm_lead and res_partner use PostgreSQL's default storage again.")
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {'message': message, 'type': 'success', 'sticky': True},
        }

    # ------------------------------------------------------------------
    # The receiver suggestions kept on the cases (crm.lead.closure_suggestion_cache)
    # ------------------------------------------------------------------
    def _closure_bump_suggestions(self):
        """The plan's receivers changed: every kept suggestion of its cases is stale."""
        if self.ids:
            self.env.cr.execute(SQL(
                "UPDATE closure_plan SET suggestion_stamp = COALESCE(suggestion_stamp, 0) + 1 WHERE id IN %s",
                tuple(self.ids)))
            self.invalidate_recordset(['suggestion_stamp'])
