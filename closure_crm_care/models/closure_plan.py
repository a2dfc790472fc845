from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# the trend compares the last TREND_DAYS days with the TREND_DAYS before
TREND_DAYS = 30


class ClosurePlan(models.Model):
    """Customer care on the plan: the three-day rule's setting (a customer
    waiting for an answer gets a care message and their case an activity),
    the complaint rate, and satisfaction measured: CSAT (1-5) and NPS (0-10)
    from the plan's survey, their trend, beside the complaint rate and the
    share transferred, each against its target (settings with the domain's
    example figures as defaults). The dashboard gets the complaints chart."""
    _inherit = 'closure.plan'

    care_silence_days = fields.Integer(
        'Care Message After (days)', default=3,
        help="A customer whose answer, complaint or question has had no contact from us for this many days "
             "gets a care message (email, SMS when installed) and their case an activity, once per silence. "
             "0: off.")
    cb_complaint_count = fields.Integer(
        'Angry Replies', compute='_compute_complaint_rate',
        help="Cases with a complaint (opened by an angry reply or recorded by a rep): the complaints to prevent.")
    cb_complaint_rate = fields.Float(
        'Complaint Rate', compute='_compute_complaint_rate', digits=(5, 4),
        help="Angry replies per notified customer.")
    satisfaction_survey_id = fields.Many2one(
        'survey.survey',
        default=lambda self: self.env.ref('closure_crm_care.survey_closure_satisfaction', raise_if_not_found=False),
        help="Sent after a transfer completes and after a case is settled. Its first scale question 1-5 is "
             "the CSAT, its scale question 0-10 the NPS.")
    sat_response_count = fields.Integer('Survey Answers', compute='_compute_satisfaction')
    sat_csat = fields.Float('CSAT (1-5)', digits=(3, 2), compute='_compute_satisfaction',
                            help="Average answer to the satisfaction question, 1 to 5.")
    sat_csat_rate = fields.Float('Satisfied (4-5)', digits=(5, 4), compute='_compute_satisfaction',
                                 help="Share of answers 4 or 5: the usual CSAT percentage.")
    sat_nps = fields.Integer('NPS', compute='_compute_satisfaction',
                             help="Promoters (9-10) minus detractors (0-6), in % of answers: -100 to 100.")
    sat_csat_trend = fields.Float('CSAT Trend', digits=(3, 2), compute='_compute_satisfaction',
                                  help="CSAT of the last 30 days minus the 30 days before.")
    sat_nps_trend = fields.Integer('NPS Trend', compute='_compute_satisfaction',
                                   help="NPS of the last 30 days minus the 30 days before.")
    target_csat_rate = fields.Float('Target: Satisfied', default=0.8, digits=(5, 4))
    target_nps = fields.Integer('Target: NPS', default=0)
    target_complaint_rate = fields.Float(
        'Target: Complaint Rate', default=0.18, digits=(5, 4),
        help="The domain's example: 35% expected without care, 18% achieved.")
    target_transferred_rate = fields.Float(
        'Target: Share Transferred', default=0.8, digits=(5, 4),
        help="The domain's examples: 80% (B2C) to 85% (B2B) of customers transferred.")

    def _compute_complaint_rate(self):
        """All plans' complaint rates in one grouped query: cases with a
        complaint per notified case."""
        self.env['crm.lead'].flush_model(['closure_plan_id', 'closure_notified_date'])
        self.env['closure.complaint'].flush_model(['lead_id'])
        self.env.cr.execute(SQL("""
            SELECT lead.closure_plan_id,
                   count(*) FILTER (WHERE lead.closure_notified_date IS NOT NULL),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM closure_complaint complaint
                                                  WHERE complaint.lead_id = lead.id))
              FROM crm_lead lead
             WHERE lead.closure_plan_id IN %s
          GROUP BY lead.closure_plan_id""", tuple(self.ids) or (0,)))
        cases = {plan_id: (notified, angry) for plan_id, notified, angry in self.env.cr.fetchall()}
        for plan in self:
            notified, angry = cases.get(plan.id, (0, 0))
            plan.cb_complaint_count = angry
            plan.cb_complaint_rate = angry / notified if notified else 0.0

    def _compute_satisfaction(self):
        """All plans' figures in one grouped query over the answer lines."""
        # the figures are the plan's; the survey itself is Surveys' (closure managers have no rights there)
        surveys = self.env['survey.survey'].union(*(plan._closure_satisfaction_survey() for plan in self))
        questions = self._closure_satisfaction_questions(surveys)
        csat_ids = tuple(q[0] for q in questions.values() if q[0]) or (0,)
        nps_ids = tuple(q[1] for q in questions.values() if q[1]) or (0,)
        self.env['survey.user_input'].flush_model()
        self.env['survey.user_input.line'].flush_model()
        self.env['survey.question'].flush_model(['scale_min', 'scale_max'])
        self.env.cr.execute(SQL("""
            SELECT answer.closure_plan_id,
                   COALESCE(answer.end_datetime, answer.create_date)
                       >= (now() at time zone 'UTC') - make_interval(days => %(days)s) AS recent,
                   COALESCE(answer.end_datetime, answer.create_date)
                       >= (now() at time zone 'UTC') - make_interval(days => %(days2)s) AS in_window,
                   count(*) FILTER (WHERE line.question_id IN %(csat)s),
                   sum(line.value_scale) FILTER (WHERE line.question_id IN %(csat)s),
                   count(*) FILTER (WHERE line.question_id IN %(csat)s AND line.value_scale >= 4),
                   count(*) FILTER (WHERE line.question_id IN %(nps)s),
                   count(*) FILTER (WHERE line.question_id IN %(nps)s AND line.value_scale >= 9),
                   count(*) FILTER (WHERE line.question_id IN %(nps)s AND line.value_scale <= 6),
                   count(DISTINCT answer.id)
              FROM survey_user_input_line line
              JOIN survey_user_input answer ON answer.id = line.user_input_id
              -- an answer outside the question's scale (written past the survey page) counts for nothing
              JOIN survey_question question ON question.id = line.question_id
                   AND line.value_scale BETWEEN question.scale_min AND question.scale_max
             WHERE answer.closure_plan_id IN %(plans)s AND NOT COALESCE(line.skipped, FALSE)
               AND line.answer_type = 'scale' AND (line.question_id IN %(csat)s OR line.question_id IN %(nps)s)
          GROUP BY answer.closure_plan_id, recent, in_window""",
            days=TREND_DAYS, days2=2 * TREND_DAYS, csat=csat_ids, nps=nps_ids, plans=tuple(self.ids) or (0,)))
        totals = {}
        for plan_id, recent, in_window, *figures_row in self.env.cr.fetchall():
            period = 'recent' if recent else ('previous' if in_window else 'older')
            n_csat, sum_csat, n_sat, n_nps, n_pro, n_det, n_answers = figures_row
            totals.setdefault(plan_id, {})[period] = (n_csat, sum_csat or 0, n_sat, n_nps, n_pro, n_det, n_answers)

        def figures(rows):
            sums = (sum(values) for values in zip(*rows, strict=True)) if rows else (0,) * 7
            n_csat, sum_csat, n_sat, n_nps, n_pro, n_det, n_answers = sums
            return {
                'answers': n_answers,
                'csat': sum_csat / n_csat if n_csat else 0.0,
                'csat_rate': n_sat / n_csat if n_csat else 0.0,
                'nps': round(100.0 * (n_pro - n_det) / n_nps) if n_nps else 0,
                'has_csat': bool(n_csat), 'has_nps': bool(n_nps),
            }
        for plan in self:
            periods = totals.get(plan.id, {})
            whole = figures(list(periods.values()))
            recent, previous = figures([periods['recent']] if 'recent' in periods else []), \
                figures([periods['previous']] if 'previous' in periods else [])
            plan.sat_response_count = whole['answers']
            plan.sat_csat = whole['csat']
            plan.sat_csat_rate = whole['csat_rate']
            plan.sat_nps = whole['nps']
            both_csat = recent['has_csat'] and previous['has_csat']
            both_nps = recent['has_nps'] and previous['has_nps']
            plan.sat_csat_trend = recent['csat'] - previous['csat'] if both_csat else 0.0
            plan.sat_nps_trend = recent['nps'] - previous['nps'] if both_nps else 0

    @api.constrains('care_silence_days')
    def _check_care_silence_days(self):
        for plan in self:
            if plan.care_silence_days < 0:
                raise ValidationError(_(
                    "Care Message After (days) of %(plan)s must be 0 (off) or more (got %(days)s).",
                    plan=plan.name, days=plan.care_silence_days))

    def action_dashboard_complaints(self):
        return self._action_dashboard_chart('complaints')

    def _dashboard_charts(self):
        return dict(super()._dashboard_charts(),
                    complaints=('closure_crm_care.action_closure_dashboard_complaints', 'plan_id', []))

    def _closure_satisfaction_survey(self):
        """The plan's survey; plans made before the setting existed use the shipped one."""
        self.ensure_one()
        return self.sudo().satisfaction_survey_id or self.env.ref(
            'closure_crm_care.survey_closure_satisfaction', raise_if_not_found=False) or self.env['survey.survey']

    @api.model
    def _closure_satisfaction_questions(self, surveys):
        """{survey id: (CSAT question id, NPS question id)}: the first scale
        question 1-5 and the first scale question 0-10 of each survey."""
        questions = self.env['survey.question'].sudo().search(
            [('survey_id', 'in', surveys.ids), ('question_type', '=', 'scale')], order='sequence, id')
        result = {}
        for survey in surveys:
            mine = questions.filtered(lambda q, survey=survey: q.survey_id == survey)
            csat = mine.filtered(lambda q: q.scale_min == 1 and q.scale_max == 5)[:1]
            nps = mine.filtered(lambda q: q.scale_min == 0 and q.scale_max == 10)[:1]
            result[survey.id] = (csat.id or 0, nps.id or 0)
        return result
