import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the domain's lead scoring: need match x 0.6 + interactions in the last 7 days x 0.4
NEED_WEIGHT, INTERACTION_WEIGHT = 0.6, 0.4
# points per interaction of the last 7 days, up to 100 (five interactions)
INTERACTION_POINTS = 20
INTERACTION_DAYS = 7
SENIOR_SCORE = 80


class CrmLead(models.Model):
    """Lead scoring on closure cases, as the handbook defines it: score =
    need match x 0.6 + interactions in the last 7 days x 0.4 (each on 0-100);
    80 and above goes to the plan's senior rep. The score orders the work."""
    _inherit = 'crm.lead'

    closure_need_match = fields.Float(
        'Need Match (%)', digits=(5, 1), compute='_compute_closure_need_match', store=True, readonly=False,
        help="How well the proposed receiver meets what the customer needs: the match score of the case's "
             "live transfer; set by hand when there is none.")
    closure_interactions_7d = fields.Integer(
        'Interactions (7 Days)', readonly=True, copy=False,
        help="The customer's messages and our logged contacts (calls, meetings) in the last 7 days.")
    closure_score = fields.Integer(
        'Case Score', readonly=True, copy=False, aggregator='avg',
        help="Need match x 0.6 + interactions in the last 7 days x 0.4 (20 points per interaction, at most 100). "
             "80 and above goes to the plan's senior rep.")

    @api.depends('closure_transfer_ids.score', 'closure_transfer_ids.state')
    def _compute_closure_need_match(self):
        live = self._closure_live_transfers()
        for lead in self:
            transfer = live.get(lead.id)
            if transfer:
                lead.closure_need_match = transfer.score
            elif not lead.closure_need_match:
                lead.closure_need_match = 0.0

    @api.model
    def _closure_score_sql(self, plan_ids):
        return SQL("""
            WITH interactions AS (
                SELECT lead.id AS lead_id,
                       (SELECT count(*) FROM mail_message message
                         WHERE message.model = 'crm.lead' AND message.res_id = lead.id
                           AND message.date >= (now() at time zone 'UTC') - make_interval(days => %(days)s)
                           AND ((message.author_id = lead.partner_id AND message.message_type IN ('email', 'comment'))
                                OR message.mail_activity_type_id IS NOT NULL)) AS n
                  FROM crm_lead lead
                 WHERE lead.closure_plan_id IN %(plans)s AND lead.active)
            -- the rows whose score changes, locked in id order without waiting: a row the
            -- notice wave (or anyone) holds is skipped and rescored at the next run, so the
            -- job never waits on, nor deadlocks with, another transaction writing cases
            , changed AS (
                SELECT lead.id AS lead_id, interactions.n
                  FROM crm_lead lead
                  JOIN interactions ON interactions.lead_id = lead.id
                 WHERE lead.closure_interactions_7d IS DISTINCT FROM interactions.n
                    OR lead.closure_score IS DISTINCT FROM round(COALESCE(lead.closure_need_match, 0) * %(need)s
                                         + LEAST(100, interactions.n * %(points)s) * %(inter)s)
                 ORDER BY lead.id
                   FOR UPDATE OF lead SKIP LOCKED)
            UPDATE crm_lead lead
               SET closure_interactions_7d = changed.n,
                   closure_score = round(COALESCE(lead.closure_need_match, 0) * %(need)s
                                         + LEAST(100, changed.n * %(points)s) * %(inter)s)
              FROM changed
             WHERE changed.lead_id = lead.id
         RETURNING lead.id, lead.closure_score""",
            days=INTERACTION_DAYS, plans=tuple(plan_ids) or (0,), need=NEED_WEIGHT, points=INTERACTION_POINTS,
            inter=INTERACTION_WEIGHT)

    @api.model
    def _closure_update_scores(self, plans):
        """Score every case of ``plans`` in one UPDATE (only rows whose score
        changes are written), then hand the cases at 80 and above to each
        plan's senior rep. Returns the cases handed over."""
        self.flush_model(['closure_need_match', 'partner_id', 'closure_plan_id', 'active'])
        self.env['mail.message'].flush_model()
        self.env.cr.execute(self._closure_score_sql(plans.ids))
        changed = self.env.cr.fetchall()
        self.invalidate_model(['closure_interactions_7d', 'closure_score'])
        _logger.info("Case scores: %s cases rescored", len(changed))
        handed = self.browse()
        for plan in plans.filtered('score_senior_user_id'):
            senior = plan.score_senior_user_id
            hot = self.search([('closure_plan_id', '=', plan.id), ('closure_score', '>=', SENIOR_SCORE),
                               ('user_id', '!=', senior.id), ('closure_stage_code', 'not in', ('settled', 'closed'))],
                              order='id')
            hot = hot._closure_lock_skip_locked()
            for lead in hot:
                # a customer already told "your contact person is X" is told the new contact, with the
                # hand-over's own mail; one we cannot write to keeps the contact they were given
                told = bool(lead.closure_notified_date and lead.user_id)
                if told and not lead.partner_id.email:
                    lead._message_log(body=_(
                        "Case score %(score)s (80 and above), but kept with %(user)s: the customer was told their "
                        "contact person and has no e-mail address to learn of a new one.",
                        score=lead.closure_score, user=lead.user_id.name))
                    continue
                try:
                    # one savepoint per case: a rule refusing one hand-over (e.g. a certification
                    # the senior rep lacks for a tier A case) leaves the others handed over
                    with self.env.cr.savepoint():
                        lead.write({'user_id': senior.id})
                        if told:
                            lead._closure_send_new_contact(senior)
                except (UserError, ValidationError) as error:
                    lead._message_log(body=_(
                        "Case score %(score)s (80 and above), but not handed to the senior rep %(senior)s: %(reason)s",
                        score=lead.closure_score, senior=senior.name, reason=str(error)))
                    continue
                lead._message_log(body=_(
                    "Case score %(score)s (80 and above): handed to the senior rep %(senior)s.",
                    score=lead.closure_score, senior=senior.name) + (
                    " " + _("The customer was sent the \"your new contact\" mail.") if told else ""))
                handed |= lead
        return handed

    def _closure_lock_skip_locked(self):
        """These cases locked for update, in id order, leaving out the ones
        another transaction holds (the notice wave, a hand-over batch): they
        are taken at the next run rather than waited for."""
        if not self:
            return self
        self.flush_recordset(['user_id'])
        rows = self.env.execute_query(SQL(
            "SELECT id FROM crm_lead WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED", tuple(self.ids)))
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_closure_scores(self):
        plans = self.env['closure.plan'].search([('state', '=', 'in_progress')])
        self._closure_update_scores(plans)
