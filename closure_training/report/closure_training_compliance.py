from odoo import fields, models, tools
from odoo.tools import SQL


class ClosureTrainingCompliance(models.Model):
    """Procedure compliance of each rep in each plan, measured from the CRM
    itself (one set-based query, no per-record work):

    - notices on time: the rep's cases notified by the plan's creditor notice
      deadline, among those notified or whose deadline has passed;
    - consent before hand-over: data hand-overs the rep made with a consent
      (the customer accepted) recorded before the hand-over;
    - angry customers answered the same day: angry replies on the rep's cases
      followed, that same day (UTC), by a message, mail or logged activity of
      the rep on the case;
    - no taboo phrase: the rep's outgoing messages on closure cases without a
      taboo phrase of the handbook (one sent on the author's confirmation
      after the warning counts as holding one, and is also counted apart).

    The compliance is the average of the rates the rep has events for (each
    procedure weighs the same); empty when nothing was measured yet."""
    _name = 'closure.training.compliance'
    _description = 'Procedure Compliance per Rep'
    _auto = False
    _rec_name = 'user_id'
    _order = 'plan_id, compliance, user_id'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    user_id = fields.Many2one('res.users', 'Staff Member', readonly=True)
    notice_count = fields.Integer('Notices Due', readonly=True)
    notice_on_time_count = fields.Integer('Notices on Time', readonly=True)
    handover_count = fields.Integer('Data Hand-overs', readonly=True)
    handover_consent_count = fields.Integer('Hand-overs with Prior Consent', readonly=True)
    angry_count = fields.Integer('Angry Replies', readonly=True)
    angry_same_day_count = fields.Integer('Angry Replies Answered Same Day', readonly=True)
    message_count = fields.Integer('Outgoing Messages', readonly=True)
    taboo_count = fields.Integer(
        'Messages with a Taboo Phrase', readonly=True,
        help="Outgoing messages that held a taboo phrase, those sent on the author's confirmation included.")
    taboo_confirmed_count = fields.Integer(
        'Taboo Phrases Sent on Confirmation', readonly=True,
        help="Outgoing messages the author sent with a taboo phrase after the warning (\"Send anyway\").")
    notice_rate = fields.Float('Notices on Time (%)', readonly=True, aggregator='avg')
    consent_rate = fields.Float('Consent before Hand-over (%)', readonly=True, aggregator='avg')
    angry_rate = fields.Float('Angry Answered Same Day (%)', readonly=True, aggregator='avg')
    clean_rate = fields.Float('Messages without Taboo (%)', readonly=True, aggregator='avg')
    compliance = fields.Float(
        'Compliance (%)', readonly=True, aggregator='avg',
        help="Average of the procedure rates measured for this person (notices on time, consent "
             "before hand-over, angry customers answered the same day, messages without taboo phrases).")
    compliance_target = fields.Float(
        'Compliance Target (%)', readonly=True, aggregator='avg',
        help="The plan's target: the handbook's example is 92% of staff following procedure.")
    is_compliant = fields.Integer(
        'Meets the Target', readonly=True,
        help="1 when the compliance is measured and at or above the plan's target.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def _query(self):
        return SQL(
            """WITH events AS (
                   SELECT l.closure_plan_id AS plan_id, l.user_id,
                          1 AS notice,
                          COALESCE(l.closure_notified_date <= p.creditor_notice_deadline, FALSE)::int AS notice_ok,
                          0 AS handover, 0 AS handover_ok, 0 AS angry, 0 AS angry_ok, 0 AS msg, 0 AS taboo,
                          0 AS taboo_confirmed
                     FROM crm_lead l
                     JOIN closure_plan p ON p.id = l.closure_plan_id
                    WHERE l.user_id IS NOT NULL AND p.creditor_notice_deadline IS NOT NULL
                      AND (l.closure_notified_date IS NOT NULL OR p.creditor_notice_deadline < CURRENT_DATE)
                   UNION ALL
                   SELECT t.plan_id, t.handover_user_id, 0, 0,
                          1, (c.id IS NOT NULL AND c.decision = 'accept' AND c.create_date <= t.date_handed_over
                              AND c.date <= t.date_handed_over)::int,
                          0, 0, 0, 0, 0
                     FROM closure_transfer t
                     LEFT JOIN closure_consent c ON c.id = t.consent_id
                    WHERE t.date_handed_over IS NOT NULL AND t.handover_user_id IS NOT NULL AND t.plan_id IS NOT NULL
                   UNION ALL
                   SELECT l.closure_plan_id, l.user_id, 0, 0, 0, 0,
                          1, EXISTS (
                              SELECT 1 FROM mail_message r
                               WHERE r.model = 'crm.lead' AND r.res_id = m.res_id AND r.author_id = u.partner_id
                                 AND r.date >= m.date AND r.date < date_trunc('day', m.date) + interval '1 day'
                                 AND (r.message_type IN ('comment', 'email') OR r.mail_activity_type_id IS NOT NULL)
                          )::int,
                          0, 0, 0
                     FROM mail_message m
                     JOIN crm_lead l ON l.id = m.res_id
                     JOIN res_users u ON u.id = l.user_id
                    WHERE m.model = 'crm.lead' AND m.closure_reply_mood = 'angry' AND l.closure_plan_id IS NOT NULL
                   UNION ALL
                   SELECT l.closure_plan_id, a.user_id, 0, 0, 0, 0, 0, 0,
                          1, (m.closure_taboo_check IN ('taboo', 'confirmed'))::int,
                          (m.closure_taboo_check = 'confirmed')::int
                     FROM mail_message m
                     JOIN crm_lead l ON l.id = m.res_id
                     JOIN LATERAL (SELECT u.id AS user_id FROM res_users u
                                    WHERE u.partner_id = m.author_id AND NOT u.share
                                    ORDER BY u.id LIMIT 1) a ON TRUE
                    WHERE m.model = 'crm.lead' AND m.closure_taboo_check IS NOT NULL AND l.closure_plan_id IS NOT NULL
               ), counts AS (
                   SELECT plan_id, user_id,
                          SUM(notice) AS notice_count, SUM(notice_ok) AS notice_on_time_count,
                          SUM(handover) AS handover_count, SUM(handover_ok) AS handover_consent_count,
                          SUM(angry) AS angry_count, SUM(angry_ok) AS angry_same_day_count,
                          SUM(msg) AS message_count, SUM(taboo) AS taboo_count,
                          SUM(taboo_confirmed) AS taboo_confirmed_count
                     FROM events
                    GROUP BY plan_id, user_id
               ), rates AS (
                   SELECT c.*,
                          100.0 * notice_on_time_count / NULLIF(notice_count, 0) AS notice_rate,
                          100.0 * handover_consent_count / NULLIF(handover_count, 0) AS consent_rate,
                          100.0 * angry_same_day_count / NULLIF(angry_count, 0) AS angry_rate,
                          100.0 * (message_count - taboo_count) / NULLIF(message_count, 0) AS clean_rate
                     FROM counts c
               )
               SELECT row_number() OVER (ORDER BY r.plan_id, r.user_id) AS id,
                      r.plan_id, p.company_id, r.user_id,
                      r.notice_count, r.notice_on_time_count, r.handover_count, r.handover_consent_count,
                      r.angry_count, r.angry_same_day_count, r.message_count, r.taboo_count,
                      r.taboo_confirmed_count,
                      r.notice_rate, r.consent_rate, r.angry_rate, r.clean_rate,
                      cp.compliance, p.training_compliance_target AS compliance_target,
                      (cp.compliance IS NOT NULL AND cp.compliance >= p.training_compliance_target)::int AS is_compliant
                 FROM rates r
                 JOIN closure_plan p ON p.id = r.plan_id
                 CROSS JOIN LATERAL (
                      SELECT AVG(v) AS compliance
                        FROM (VALUES (r.notice_rate), (r.consent_rate), (r.angry_rate), (r.clean_rate)) AS x(v)
                  ) cp""")

    def _by_plan_user(self, plans, users):
        """{(plan id, user id): compliance (%)} of ``users`` in ``plans``, for
        those with something measured (a row exists only then)."""
        # figures about colleagues: the gate reads them for whoever it checks
        return {(row.plan_id.id, row.user_id.id): row.compliance
                for row in self.sudo().search([('plan_id', 'in', plans.ids), ('user_id', 'in', users.ids)])}
