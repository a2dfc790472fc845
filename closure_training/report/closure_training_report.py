from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.closure_training_track import TRAINING_LAYERS, TRAINING_ROLES


class ClosureTrainingReport(models.Model):
    """Training dashboard: one row per participant of a plan, with figures
    that add up (counts) or average (percentages) per plan and per layer."""
    _name = 'closure.training.report'
    _description = 'Closure Training Analysis'
    _auto = False
    _rec_name = 'user_id'
    _order = 'plan_id, layer, user_id'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    user_id = fields.Many2one('res.users', 'Staff Member', readonly=True)
    role = fields.Selection(TRAINING_ROLES, readonly=True)
    layer = fields.Selection(TRAINING_LAYERS, readonly=True)
    staff_count = fields.Integer('Staff', readonly=True)
    course_count = fields.Integer('Required Courses', readonly=True)
    enrolled = fields.Integer(readonly=True, help="1 when enrolled in every required course.")
    completed = fields.Integer(readonly=True, help="1 when every required course is finished.")
    certified = fields.Integer(readonly=True, help="1 when the plan's certification is passed.")
    trainer_certified = fields.Integer('Certified Trainers', readonly=True)
    coverage = fields.Float('Coverage (%)', readonly=True, aggregator='avg',
                            help="Share of the staff who finished every required course. Target: 100%.")
    certified_rate = fields.Float('Certified (%)', readonly=True, aggregator='avg')
    target_share = fields.Float('Layer Target (%)', readonly=True, aggregator='avg',
                                help="The plan's target share of staff in this layer (3-3-3: 30/30/40).")
    practice_sent = fields.Integer('Practice Questions Sent', readonly=True)
    practice_answered = fields.Integer('Practice Questions Answered', readonly=True)
    practice_participation = fields.Float(
        'Practice Participation (%)', readonly=True, aggregator='avg',
        help="Share of the daily questions of the last 30 days that were answered.")
    quiz_score = fields.Float(
        'Average Quiz Score (%)', readonly=True, aggregator='avg',
        help="Lesson quizzes of the required courses: 100% at the first attempt, then the "
             "share of the first-attempt karma that the attempt earned (Odoo's quiz rewards).")
    blocked = fields.Integer('Blocked by a Gate', readonly=True,
                             help="1 when a gate of the plan stops this person: not certified, no valid exemption.")
    blocked_gate_count = fields.Integer('Gates Blocking', readonly=True)
    compliance = fields.Float(
        'Procedure Compliance (%)', readonly=True, aggregator='avg',
        help="Measured from the CRM: notices on time, consent before hand-over, angry customers answered "
             "the same day, outgoing messages without taboo phrases (see Procedure Compliance).")
    compliance_target = fields.Float('Compliance Target (%)', readonly=True, aggregator='avg')
    compliant = fields.Integer('Meets the Compliance Target', readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def _query(self):
        return SQL(
            """WITH compliance AS (%s
               ), required AS (
                   SELECT DISTINCT p.id AS participant_id, rel.channel_id
                     FROM closure_training_participant p
                     JOIN closure_training_track t
                       ON t.active AND ((t.track_type = 'role' AND t.role = p.role)
                                        OR (t.track_type = 'layer' AND t.layer = p.layer))
                     JOIN closure_training_track_slide_channel_rel rel ON rel.track_id = t.id
               ), progress AS (
                   SELECT r.participant_id,
                          COUNT(*) AS course_count,
                          COUNT(scp.id) AS enrolled_count,
                          COUNT(scp.id) FILTER (WHERE scp.member_status = 'completed') AS completed_count
                     FROM required r
                     JOIN closure_training_participant p ON p.id = r.participant_id
                     JOIN res_users u ON u.id = p.user_id
                     LEFT JOIN slide_channel_partner scp
                       ON scp.channel_id = r.channel_id AND scp.partner_id = u.partner_id AND scp.active
                    GROUP BY r.participant_id
               ), quiz AS (
                   SELECT r.participant_id,
                          AVG(100.0 * (CASE ssp.quiz_attempts_count
                                           WHEN 1 THEN s.quiz_first_attempt_reward
                                           WHEN 2 THEN s.quiz_second_attempt_reward
                                           WHEN 3 THEN s.quiz_third_attempt_reward
                                           ELSE s.quiz_fourth_attempt_reward END)
                              / NULLIF(s.quiz_first_attempt_reward, 0)) AS score
                     FROM required r
                     JOIN closure_training_participant p ON p.id = r.participant_id
                     JOIN res_users u ON u.id = p.user_id
                     JOIN slide_slide_partner ssp ON ssp.channel_id = r.channel_id AND ssp.partner_id = u.partner_id
                     JOIN slide_slide s ON s.id = ssp.slide_id
                    WHERE ssp.completed AND ssp.quiz_attempts_count > 0
                      AND EXISTS (SELECT 1 FROM slide_question q WHERE q.slide_id = s.id)
                    GROUP BY r.participant_id
               ), passed AS (
                   SELECT DISTINCT ui.survey_id, ui.partner_id
                     FROM survey_user_input ui
                    WHERE ui.scoring_success AND NOT COALESCE(ui.test_entry, FALSE)
               ), practice AS (
                   SELECT q.user_id,
                          COUNT(*) AS sent,
                          COUNT(*) FILTER (WHERE q.state = 'answered') AS answered,
                          COUNT(*) FILTER (WHERE q.date > CURRENT_DATE - 30) AS sent_30,
                          COUNT(*) FILTER (WHERE q.date > CURRENT_DATE - 30 AND q.state = 'answered') AS answered_30
                     FROM closure_training_practice q
                    GROUP BY q.user_id
               ), base AS (
                   SELECT p.id, p.plan_id, pl.company_id, p.user_id, p.role, p.layer,
                          COALESCE(pr.course_count, 0) AS course_count,
                          COALESCE(pr.course_count, 0) > 0 AND pr.enrolled_count = pr.course_count AS is_enrolled,
                          COALESCE(pr.course_count, 0) > 0 AND pr.completed_count = pr.course_count AS is_completed,
                          cert.partner_id IS NOT NULL AS is_certified,
                          trainer.partner_id IS NOT NULL AS is_trainer,
                          CASE p.layer WHEN 'core' THEN pl.training_core_share
                                       WHEN 'workshop' THEN pl.training_workshop_share
                                       WHEN 'micro' THEN pl.training_micro_share END AS target_share,
                          COALESCE(pc.sent, 0) AS sent, COALESCE(pc.answered, 0) AS answered,
                          CASE WHEN pc.sent_30 > 0 THEN 100.0 * pc.answered_30 / pc.sent_30 END AS participation,
                          qz.score AS quiz_score,
                          cm.compliance, pl.training_compliance_target AS compliance_target,
                          CASE WHEN cert.partner_id IS NOT NULL
                                    AND NOT (COALESCE(pl.training_compliance_gate, FALSE)
                                             AND COALESCE(cm.compliance < pl.training_compliance_target, FALSE))
                               THEN 0 ELSE
                              (SELECT COUNT(*) FROM (VALUES ('send_wave', pl.training_gate_send_wave),
                                                            ('own_tier_a', pl.training_gate_own_tier_a),
                                                            ('confirm_handover', pl.training_gate_confirm_handover)
                                                    ) AS g(gate, enabled)
                                WHERE g.enabled AND NOT EXISTS (
                                      SELECT 1 FROM closure_training_exemption e
                                       WHERE e.active AND e.plan_id = p.plan_id AND e.user_id = p.user_id
                                         AND e.gate = g.gate AND e.valid_until >= CURRENT_DATE))
                          END AS blocked_gate_count
                     FROM closure_training_participant p
                     JOIN closure_plan pl ON pl.id = p.plan_id
                     JOIN res_users u ON u.id = p.user_id
                     LEFT JOIN progress pr ON pr.participant_id = p.id
                     LEFT JOIN quiz qz ON qz.participant_id = p.id
                     LEFT JOIN passed cert
                            ON cert.survey_id = pl.training_certification_id AND cert.partner_id = u.partner_id
                     LEFT JOIN passed trainer ON trainer.survey_id = pl.training_trainer_certification_id
                                             AND trainer.partner_id = u.partner_id
                     LEFT JOIN practice pc ON pc.user_id = p.user_id
                     LEFT JOIN compliance cm ON cm.plan_id = p.plan_id AND cm.user_id = p.user_id
               )
               SELECT id, plan_id, company_id, user_id, role, layer,
                      1 AS staff_count, course_count,
                      is_enrolled::int AS enrolled, is_completed::int AS completed,
                      is_certified::int AS certified, is_trainer::int AS trainer_certified,
                      CASE WHEN is_completed THEN 100.0 ELSE 0.0 END AS coverage,
                      CASE WHEN is_certified THEN 100.0 ELSE 0.0 END AS certified_rate,
                      target_share, sent AS practice_sent, answered AS practice_answered,
                      participation AS practice_participation, quiz_score,
                      (blocked_gate_count > 0)::int AS blocked, blocked_gate_count,
                      compliance, compliance_target,
                      (compliance IS NOT NULL AND compliance >= compliance_target)::int AS compliant
                 FROM base""",
            self.env['closure.training.compliance']._query(),
        )
