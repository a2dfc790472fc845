from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..tools.trust import is_trusted, trusted

# the successor introduces themselves within this many days: the handbook's
# "no interaction for 3 days, send a care message" rule
HANDOVER_CALL_DAYS = 3
OPEN_PLAN_STATES = ('draft', 'in_progress')
# cases moved per transaction of the scheduled job (closure.handover._cron_process_handovers)
HANDOVER_BATCH = 500
# context key of the hand-over's own steps (action_confirm, the job), the only writers of its state
STATE_KEY = 'closure_handover_state'


class ClosureHandover(models.Model):
    """A departing staff member's customers handed to a named successor.

    Confirming queues the hand-over (the request does nothing else); the
    scheduled job then moves every closure case the departing person owns in
    the open plans (or in one plan) to the successor, in batches, with their
    open activities, and gives the successor one checklist activity per
    case: the customer's state in the closure, open promises, open issues
    and key contacts. Each customer may be told who their new contact is.
    Each batch is all or nothing; the progress shows on the hand-over."""

    _name = 'closure.handover'
    _description = 'Staff Hand-over of Closure Cases'
    _inherit = ['mail.thread']
    _order = 'date desc, id desc'
    _check_company_auto = True

    name = fields.Char('Hand-over', compute='_compute_name', store=True)
    company_id = fields.Many2one('res.company', required=True, default=lambda self: self.env.company)
    plan_id = fields.Many2one(
        'closure.plan', 'Closure Plan', check_company=True, domain="[('state', 'in', ('draft', 'in_progress'))]",
        help="Only this plan's cases; empty: the cases of every plan under way.")
    departing_user_id = fields.Many2one(
        'res.users', 'Departing', required=True, tracking=True, domain="[('share', '=', False)]")
    successor_user_id = fields.Many2one(
        'res.users', 'Successor', required=True, tracking=True, domain="[('share', '=', False)]",
        help="Takes over the cases, their open activities and the checklists.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text('Notes for the Successor', help="Goes into every checklist.")
    notify_customers = fields.Boolean(
        'Tell the Customers', default=True,
        help="Send each customer the 'new contact' mail, in their language, from the successor.")
    state = fields.Selection([('draft', 'Draft'), ('queued', 'Handing Over'), ('done', 'Handed Over')],
                             default='draft', required=True, tracking=True, copy=False, readonly=True)
    lead_ids = fields.Many2many(
        'crm.lead', 'closure_handover_lead_rel', 'handover_id', 'lead_id', string='Cases Handed Over',
        readonly=True, copy=False)
    case_count = fields.Integer('Cases', compute='_compute_case_count')
    done_count = fields.Integer('Cases Moved', compute='_compute_case_count')
    activity_moved_count = fields.Integer('Open Activities Moved', readonly=True, copy=False)
    progress = fields.Float('Progress (%)', compute='_compute_case_count')

    @api.depends('departing_user_id', 'successor_user_id')
    def _compute_name(self):
        for handover in self:
            handover.name = _("%(departing)s to %(successor)s", departing=handover.departing_user_id.name or '?',
                              successor=handover.successor_user_id.name or '?')

    @api.depends('state', 'lead_ids', 'departing_user_id', 'plan_id')
    def _compute_case_count(self):
        done_counts = {}
        if self._origin.ids:
            self.flush_model(['lead_ids'])
            self.env.cr.execute(SQL(
                """SELECT handover_id, COUNT(*) FROM closure_handover_lead_rel
                    WHERE handover_id IN %s GROUP BY handover_id""", tuple(self._origin.ids)))
            done_counts = dict(self.env.cr.fetchall())
        for handover in self:
            done = done_counts.get(handover._origin.id, 0)
            remaining = 0 if handover.state == 'done' else \
                self.env['crm.lead'].search_count(handover._case_domain())
            handover.done_count = done
            handover.case_count = done + remaining
            handover.progress = 100.0 * done / handover.case_count if handover.case_count else 0.0

    @api.constrains('departing_user_id', 'successor_user_id')
    def _check_users(self):
        for handover in self:
            if handover.departing_user_id == handover.successor_user_id:
                raise ValidationError(_("Successor: choose someone other than %(user)s, who is leaving.",
                                        user=handover.departing_user_id.name))
            if not handover.successor_user_id.has_group('closure_crm.group_closure_user'):
                raise ValidationError(_(
                    "Successor: %(user)s is not a Closure User and could not work the cases. "
                    "Give them the access first.", user=handover.successor_user_id.name))

    def write(self, vals):
        # queued by *Hand Over* after its checks, done by the job: never written by a client
        if 'state' in vals and not is_trusted(self.env, STATE_KEY) \
                and any(handover.state != vals['state'] for handover in self):
            raise UserError(_("The status of a hand-over changes through its *Hand Over* button only."))
        return super().write(vals)

    def action_view_cases(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('id', 'in', self.lead_ids.ids)] if self.state == 'done' else self._case_domain()
        action['context'] = {}
        return action

    def action_confirm(self):
        """The *Hand Over* button: check and queue the hand-over; the
        scheduled job moves the cases (``_process_batch``). Extend this
        method for what must happen when a hand-over is confirmed."""
        for handover in self:
            if handover.state != 'draft':
                raise UserError(_("%(handover)s is already queued or done.", handover=handover.name))
            if not self.env['crm.lead'].search_count(handover._case_domain(), limit=1):
                raise UserError(_("%(user)s owns no case in a closure plan under way: nothing to hand over.",
                                  user=handover.departing_user_id.name))
        self.with_context(**trusted(STATE_KEY)).write({'state': 'queued'})
        for handover in self:
            handover.message_post(body=_(
                "Hand-over of %(count)s cases from %(departing)s to %(successor)s queued: the cases move in "
                "the background, the progress shows here.", count=handover.case_count,
                departing=handover.departing_user_id.name, successor=handover.successor_user_id.name))
        self.env.ref('closure_crm.ir_cron_closure_handover')._trigger()
        return True

    def _case_domain(self):
        self.ensure_one()
        domain = [('user_id', '=', self.departing_user_id.id), ('closure_plan_id', '!=', False),
                  ('closure_plan_id.state', 'in', OPEN_PLAN_STATES),
                  ('closure_plan_id.company_id', '=', self.company_id.id)]
        if self.plan_id:
            domain.append(('closure_plan_id', '=', self.plan_id.id))
        return domain

    @api.model
    def _cron_process_handovers(self):
        """Scheduled job: one batch of the first queued hand-over that no
        other worker holds, on the closure jobs' batch protocol
        (``ir.cron._closure_run_batch``: savepoint, a retry on a
        serialization failure, progress, triggered again while cases remain)."""
        self.env.ref('closure_crm.ir_cron_closure_handover')._closure_run_batch(
            self._closure_handover_batch, self._closure_handover_remaining)

    @api.model
    def _closure_handover_batch(self):
        for handover in self.search([('state', '=', 'queued')], order='id'):
            if not handover._claim():
                continue  # another worker is moving its batch
            done = handover._process_batch()
            if not self.env['crm.lead'].search_count(handover._case_domain(), limit=1):
                handover._finish()
            return done
        return 0

    @api.model
    def _closure_handover_remaining(self):
        return sum(self.env['crm.lead'].search_count(handover._case_domain())
                   for handover in self.search([('state', '=', 'queued')]))

    def _claim(self):
        """Lock the hand-over for this transaction, or False when another
        worker holds it (its batch is under way)."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "SELECT id FROM closure_handover WHERE id = %s AND state = 'queued' FOR NO KEY UPDATE SKIP LOCKED",
            self.id))
        return bool(self.env.cr.fetchone())

    def _process_batch(self, limit=None):
        """Move one batch of the departing person's cases to the successor,
        with their activities, checklists and the customers' mails; return
        how many cases moved. All of it in the caller's transaction."""
        self.ensure_one()
        cases = self._lock_cases(limit or HANDOVER_BATCH)
        if not cases:
            return 0
        moved = self._move_cases(cases)
        self._schedule_checklists(cases, moved)
        if self.notify_customers:
            self._notify_customers(cases)
        self.write({'lead_ids': [(4, case.id) for case in cases],
                    'activity_moved_count': self.activity_moved_count + moved})
        return len(cases)

    def _finish(self):
        """Nothing left to move: the hand-over is done."""
        self.ensure_one()
        self.with_context(**trusted(STATE_KEY)).write({'state': 'done'})
        self.message_post(body=_(
            "%(count)s cases handed over from %(departing)s to %(successor)s, with %(activities)s open "
            "activities.", count=self.done_count, departing=self.departing_user_id.name,
            successor=self.successor_user_id.name, activities=self.activity_moved_count))

    def _lock_cases(self, limit=None):
        """Up to ``limit`` cases to hand over, locked; cases another
        transaction holds are skipped (they are taken in a later batch)."""
        query = self.env['crm.lead']._search(self._case_domain(), order='id', limit=limit)
        # execute_query flushes the fields the domain reads (an owner just written, say)
        rows = self.env.execute_query(SQL("%s FOR UPDATE OF crm_lead SKIP LOCKED", query.select('crm_lead.id')))
        return self.env['crm.lead'].browse([row[0] for row in rows])

    def _move_cases(self, cases):
        """The cases and their open activities to the successor; returns how
        many activities moved. crm's tracking logs the new salesperson on
        each case. The team is written too: crm would otherwise move a case
        to the successor's own sales team."""
        successor = self.successor_user_id
        for team, team_cases in cases.grouped('team_id').items():
            team_cases.write({'user_id': successor.id, 'team_id': team.id})
        activities = self.env['mail.activity'].search([
            ('res_model', '=', 'crm.lead'), ('res_id', 'in', cases.ids),
            ('user_id', '=', self.departing_user_id.id)])
        activities.write({'user_id': successor.id})
        return len(activities)

    def _schedule_checklists(self, cases, moved):
        deadline = fields.Date.add(fields.Date.context_today(self), days=HANDOVER_CALL_DAYS)
        transfers = cases._closure_live_transfers()
        open_activities = dict(self.env['mail.activity']._read_group(
            [('res_model', '=', 'crm.lead'), ('res_id', 'in', cases.ids)], ['res_id'], ['__count']))
        Activity = self.env['mail.activity'].with_context(mail_activity_quick_update=True)
        activity_type = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        # written for the successor, in their language
        handover = self.with_context(lang=self.successor_user_id.lang or self.env.lang)
        values = []
        for case in cases.with_env(handover.env):
            transfer = transfers.get(case.id)
            values.append({
                'res_model_id': self.env['ir.model']._get_id('crm.lead'),
                'res_id': case.id,
                'activity_type_id': activity_type.id if activity_type else False,
                'summary': handover.env._("Hand-over checklist: %(customer)s", customer=case.partner_id.display_name),
                'note': handover._checklist(case, transfer and transfer.with_env(handover.env),
                                            open_activities.get(case.id, 0)),
                'date_deadline': deadline,
                'user_id': self.successor_user_id.id,
            })
        Activity.create(values)

    def _checklist(self, case, transfer, open_activity_count):
        """The checklist for one case: its state in the closure, the open
        promises, the open issues, the key contacts, the departing person's
        notes; rendered by the QWeb template closure_crm.handover_checklist."""
        env = self.env

        def date(value):
            return format_date(env, value)

        state = [_("Closure step: %(step)s", step=case.stage_id.name)]
        if case.closure_tier:
            tiers = dict(case._fields['closure_tier']._description_selection(env))
            state.append(_("Tier: %(tier)s", tier=tiers[case.closure_tier]))
        state.append(_("Notified on: %(date)s", date=date(case.closure_notified_date)) if case.closure_notified_date
                     else _("Not notified yet"))
        if case.closure_claim_deadline:
            state.append(_("Claim deadline: %(date)s", date=date(case.closure_claim_deadline)))

        promises = []
        for obligation in case.closure_obligation_ids.filtered(lambda o: o.state == 'open'):
            label = dict(obligation._fields['obligation_type']._description_selection(env))[obligation.obligation_type]
            line = f"{label}: {obligation.name}"
            if obligation.amount:
                line += f" ({format_amount(env, obligation.amount, obligation.currency_id)})"
            if obligation.due_date:
                line += " " + _("due %(date)s", date=date(obligation.due_date))
            promises.append(line)

        issues = []
        if case.closure_reply_mood and case.closure_reply_mood != 'neutral':
            mood = dict(case._fields['closure_reply_mood']._description_selection(env))[case.closure_reply_mood]
            issues.append(_("Last reply: %(mood)s (%(terms)s)", mood=mood, terms=case.closure_reply_terms or '-'))
        if case.closure_refund_requested_date:
            issues.append(_("Refund requested on %(date)s, due by %(due)s",
                            date=date(case.closure_refund_requested_date), due=date(case.closure_refund_due_date)))
        if case.closure_export_requested_date:
            issues.append(_("Data copy requested on %(date)s", date=date(case.closure_export_requested_date)))
        if transfer:
            issues.append(_("Transfer to %(receiver)s: %(state)s", receiver=transfer.receiver_id.display_name,
                            state=transfer._state_label()))
        elif case.closure_transfer_declined:
            issues.append(_("Declines any transfer: no data goes to any receiver"))
        if open_activity_count:
            issues.append(_("Open activities, now yours: %(count)s", count=open_activity_count))

        contacts = []
        for contact in (case.partner_id | case.partner_id.child_ids).filtered('active'):
            details = ', '.join(filter(None, [contact.function, contact.email, contact.phone or contact.mobile]))
            contacts.append(f"{contact.name} ({details})" if details else contact.name)

        return env['ir.qweb']._render('closure_crm.handover_checklist', {
            'sections': [
                {'title': _("State in the closure"), 'lines': state},
                {'title': _("Open promises"), 'lines': promises},
                {'title': _("Open issues"), 'lines': issues},
                {'title': _("Key contacts"), 'lines': contacts},
            ],
            'none_label': _("None"),
            'note': self.note,
            'note_title': _("From %(user)s", user=self.departing_user_id.name),
            'call_hint': _("Introduce yourself to the customer within %(days)s days.", days=HANDOVER_CALL_DAYS),
        })

    def _notify_customers(self, cases):
        """The 'new contact' mail to every customer with an address, rendered
        in batch in each customer's language and posted on each case, from
        the successor (crm.lead._closure_send_new_contact)."""
        cases._closure_send_new_contact(self.successor_user_id)
