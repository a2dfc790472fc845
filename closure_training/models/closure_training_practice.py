import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PRACTICE_BATCH = 200
STREAK_BONUS_EVERY = 5      # every 5th day in a row...
STREAK_BONUS_KARMA = 10     # ...earns this extra karma


class ClosureTrainingPractice(models.Model):
    """One daily practice question sent to one trainee, and their answer."""

    _name = 'closure.training.practice'
    _description = 'Daily Practice'
    _inherit = ['mail.thread']
    _order = 'date desc, id desc'

    user_id = fields.Many2one('res.users', 'Trainee', required=True, index=True, ondelete='cascade', readonly=True)
    plan_id = fields.Many2one('closure.plan', 'Closure Plan', index=True, ondelete='set null', readonly=True)
    company_id = fields.Many2one('res.company', related='plan_id.company_id', store=True)
    date = fields.Date('Day', required=True, readonly=True, default=fields.Date.context_today)
    scenario_id = fields.Many2one('closure.training.scenario', required=True, readonly=True,
                                  ondelete='restrict')
    scenario_type = fields.Selection(related='scenario_id.scenario_type')
    question = fields.Text(related='scenario_id.question', string='Question')
    # the answer key: once answered (closure managers: always)
    model_answer = fields.Text(compute='_compute_model_answer')
    state = fields.Selection([('sent', 'Awaiting Answer'), ('answered', 'Answered')],
                             default='sent', required=True, readonly=True, index=True)
    answered_date = fields.Datetime('Answered On', readonly=True)
    option_id = fields.Many2one('closure.training.scenario.option', 'Chosen Answer', readonly=True)
    answer_text = fields.Text('Written Answer', readonly=True)
    is_correct = fields.Boolean('Good Answer', readonly=True)
    score = fields.Integer('Score (%)', readonly=True, aggregator='avg')
    feedback = fields.Html('Coach Feedback', readonly=True, sanitize=True)
    taboo_phrases = fields.Char('Taboo Phrases Found', readonly=True)
    has_empathy = fields.Boolean('Empathy', readonly=True)
    has_solution = fields.Boolean('Concrete Solution', readonly=True)
    has_next_step = fields.Boolean('Next Step', readonly=True)
    streak = fields.Integer('Streak (days)', readonly=True,
                            help="Days in a row answered, this one included.")
    karma_awarded = fields.Integer('Karma Earned', readonly=True)

    _sql_constraints = [
        # the daily question is sent once per person and day, however many workers run the job
        ('user_date_uniq', 'unique(user_id, date)', 'One practice question per person and day.'),
    ]

    @api.depends('state', 'scenario_id')
    @api.depends_context('uid')
    def _compute_model_answer(self):
        manager = self.env.user.has_group('closure_crm.group_closure_manager')
        for practice in self:
            shown = manager or practice.state == 'answered'
            # the scenario's key is the managers' field: read for the trainee who answered
            practice.model_answer = shown and practice.scenario_id.sudo().model_answer

    def _compute_display_name(self):
        for practice in self:
            practice.display_name = f'{practice.scenario_id.name} ({practice.date})'

    def action_answer(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.training.practice.answer',
            'view_mode': 'form',
            'target': 'new',
            'name': _('Answer the Scenario'),
            'context': {'default_practice_id': self.id},
        }

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _training_todo_sql(self, today):
        return SQL(
            """FROM closure_training_participant p
                 JOIN closure_plan pl ON pl.id = p.plan_id AND pl.state = 'in_progress'
                 JOIN res_users u ON u.id = p.user_id AND u.active
                WHERE NOT EXISTS (SELECT 1 FROM closure_training_practice q
                                   WHERE q.user_id = p.user_id AND q.date = %(today)s)""",
            today=today)

    @api.model
    def _cron_send_daily_questions(self, batch_size=PRACTICE_BATCH):
        """Scheduled job: send today's practice question to a batch of
        enrolled staff, one batch per call, on the closure jobs' batch
        protocol (``ir.cron._closure_run_batch``: savepoint, a retry on a
        deadlock or serialization failure, progress, triggered again while
        people remain). Nothing to do without a scenario to ask."""
        scenarios = self.env['closure.training.scenario'].search([])
        if not scenarios:
            return
        self.env.ref('closure_training.ir_cron_closure_training_daily_question')._closure_run_batch(
            lambda: len(self._send_daily_batch(scenarios, batch_size)), self._count_daily_todo)

    @api.model
    def _send_daily_batch(self, scenarios, batch_size=PRACTICE_BATCH):
        """Send today's question (the next of ``scenarios`` for each person)
        to up to ``batch_size`` people. The participants are claimed with
        SKIP LOCKED so that two workers take different people, and the row of
        the day is inserted with ON CONFLICT DO NOTHING on (user, day): a
        person already served today, by this run, an earlier one or another
        worker, gets nothing more. Returns the practices sent."""
        today = fields.Date.context_today(self)
        self._flush_daily_todo()
        self.env.cr.execute(SQL(
            """SELECT p.user_id, p.plan_id %(todo)s
                ORDER BY p.user_id, p.id LIMIT %(limit)s
                  FOR UPDATE OF p SKIP LOCKED""",
            todo=self._training_todo_sql(today), limit=batch_size))
        plan_by_user = {}
        for user_id, plan_id in self.env.cr.fetchall():
            plan_by_user.setdefault(user_id, plan_id)
        practices = self._create_daily(plan_by_user, scenarios, today)
        practices._send_question()
        _logger.info("Daily practice: %s questions sent", len(practices))
        return practices

    @api.model
    def _count_daily_todo(self):
        """The people still without today's question."""
        self._flush_daily_todo()
        self.env.cr.execute(SQL("SELECT COUNT(DISTINCT p.user_id) %s",
                                self._training_todo_sql(fields.Date.context_today(self))))
        return self.env.cr.fetchone()[0]

    @api.model
    def _flush_daily_todo(self):
        self.env['closure.training.participant'].flush_model()
        self.env['closure.plan'].flush_model(['state'])
        self.env['res.users'].flush_model(['active'])
        self.flush_model()

    @api.model
    def _create_daily(self, plan_by_user, scenarios, today):
        """Insert today's practice of each user, the next scenario of the bank
        in turn; returns only the rows this call inserted."""
        if not plan_by_user:
            return self.browse()
        sent_before = dict(self._read_group(
            [('user_id', 'in', list(plan_by_user))], ['user_id'], ['__count']))
        sent_before = {user.id: count for user, count in sent_before.items()}
        rows = [(user_id, plan_id, scenarios[sent_before.get(user_id, 0) % len(scenarios)].id)
                for user_id, plan_id in plan_by_user.items()]
        self.env.cr.execute(SQL(
            """INSERT INTO closure_training_practice
                      (user_id, plan_id, scenario_id, date, state, create_uid, create_date, write_uid, write_date)
               SELECT r.user_id, r.plan_id, r.scenario_id, %(today)s, 'sent',
                      %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                 FROM unnest(%(users)s::int[], %(plans)s::int[], %(scenarios)s::int[])
                      AS r(user_id, plan_id, scenario_id)
                   ON CONFLICT (user_id, date) DO NOTHING
            RETURNING id""",
            today=today, uid=self.env.uid,
            users=[r[0] for r in rows], plans=[r[1] for r in rows], scenarios=[r[2] for r in rows]))
        return self.browse(sorted(row[0] for row in self.env.cr.fetchall()))

    def _send_question(self):
        """Notify each trainee, in their own language, from OdooBot."""
        odoobot = self.env.ref('base.partner_root')
        for practice in self:
            lang = practice.user_id.lang or 'en_US'
            practice_lang = practice.with_context(lang=lang)
            body = self.env['ir.qweb'].with_context(lang=lang)._render(
                'closure_training.practice_question_message', {
                    'practice': practice_lang,
                    'scenario': practice_lang.scenario_id,
                    'url': f'/odoo/action-closure_training.action_closure_training_my_practice/{practice.id}',
                })
            practice_lang.sudo().message_notify(  # the job runs as the system; the trainee may not see others' rows
                partner_ids=practice.user_id.partner_id.ids,
                author_id=odoobot.id,
                subject=practice_lang.env._("Today's practice: %s", practice_lang.scenario_id.name),
                body=body,
                model_description=practice_lang.env._("Daily Practice"),
                email_layout_xmlid='mail.mail_notification_light',
            )

    # ------------------------------------------------------------------
    # Answering
    # ------------------------------------------------------------------
    def _submit_answer(self, option=None, text=None):
        """Record the trainee's answer, judge it (the chosen option, or the reply
        coach for written answers), update the streak and give karma."""
        self.ensure_one()
        if self.user_id != self.env.user and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_("Only %(user)s can answer this practice question.", user=self.user_id.name))
        if self.state == 'answered':
            raise UserError(_("This practice question (%(name)s) is already answered.", name=self.display_name))
        scenario = self.scenario_id
        vals = {'state': 'answered', 'answered_date': fields.Datetime.now()}
        if scenario.scenario_type == 'choice':
            # the key of the option is the managers' field: judged by the server
            option = option.sudo() if option else option
            if not option or option.scenario_id != scenario:
                raise UserError(_("Choose one of the answers of the scenario \"%(name)s\".", name=scenario.name))
            vals.update(option_id=option.id, is_correct=option.is_correct,
                        score=100 if option.is_correct else 0, feedback=option.explanation or False)
        else:
            if not (text or '').strip():
                raise UserError(_("Write your answer to the scenario \"%(name)s\" first.", name=scenario.name))
            coach = self.env['closure.training.coach.rule']._coach_answer(text)
            vals.update(
                answer_text=text,
                is_correct=coach['passed'],
                score=coach['score'],
                feedback=coach['feedback'],
                taboo_phrases=', '.join(name for name, _hint in coach['taboo']) or False,
                has_empathy=coach['has_empathy'],
                has_solution=coach['has_solution'],
                has_next_step=coach['has_next_step'],
            )
        previous = self.sudo().search([
            ('user_id', '=', self.user_id.id), ('state', '=', 'answered'),
            ('date', '=', self.date - timedelta(days=1))], limit=1)
        vals['streak'] = previous.streak + 1 if previous else 1
        karma = scenario.karma if vals['is_correct'] else 1
        if vals['streak'] % STREAK_BONUS_EVERY == 0:
            karma += STREAK_BONUS_KARMA
        vals['karma_awarded'] = karma
        # the trainee may not write the judgement of their own answer: the server does
        self.sudo().write(vals)
        self.user_id.sudo()._add_karma(karma, self, _("Daily practice"))
        return True

    @api.model
    def _current_streaks(self, users):
        """{user id: days in a row answered, up to today or yesterday}."""
        if not users:
            return {}
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        latest = self.sudo()._read_group(
            [('user_id', 'in', users.ids), ('state', '=', 'answered'), ('date', '>=', yesterday)],
            ['user_id'], ['streak:max'])
        return {user.id: streak for user, streak in latest}
