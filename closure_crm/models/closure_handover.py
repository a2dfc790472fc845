from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

# the successor introduces themselves within this many days: the handbook's
# "no interaction for 3 days, send a care message" rule
HANDOVER_CALL_DAYS = 3
OPEN_PLAN_STATES = ('draft', 'in_progress')


class ClosureHandover(models.Model):
    """A departing staff member's customers handed to a named successor.

    Confirming moves every closure case the departing person owns in the
    open plans (or in one plan) to the successor, with their open
    activities, and gives the successor one checklist activity per case:
    the customer's state in the closure, open promises, open issues and key
    contacts. Each customer may be told who their new contact is."""
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
    state = fields.Selection([('draft', 'Draft'), ('done', 'Handed Over')], default='draft', required=True,
                             tracking=True, copy=False)
    lead_ids = fields.Many2many(
        'crm.lead', 'closure_handover_lead_rel', 'handover_id', 'lead_id', string='Cases Handed Over',
        readonly=True, copy=False)
    case_count = fields.Integer('Cases', compute='_compute_case_count')

    @api.depends('departing_user_id', 'successor_user_id')
    def _compute_name(self):
        for handover in self:
            handover.name = _("%(departing)s to %(successor)s", departing=handover.departing_user_id.name or '?',
                              successor=handover.successor_user_id.name or '?')

    @api.depends('state', 'lead_ids', 'departing_user_id', 'plan_id')
    def _compute_case_count(self):
        for handover in self:
            if handover.state == 'done':
                handover.case_count = len(handover.lead_ids)
            else:
                handover.case_count = self.env['crm.lead'].search_count(handover._case_domain())

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

    def _case_domain(self):
        self.ensure_one()
        domain = [('user_id', '=', self.departing_user_id.id), ('closure_plan_id', '!=', False),
                  ('closure_plan_id.state', 'in', OPEN_PLAN_STATES),
                  ('closure_plan_id.company_id', '=', self.company_id.id)]
        if self.plan_id:
            domain.append(('closure_plan_id', '=', self.plan_id.id))
        return domain

    def action_view_cases(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('id', 'in', self.lead_ids.ids)] if self.state == 'done' else self._case_domain()
        action['context'] = {}
        return action

    def action_confirm(self):
        """Hand the cases over, all at once or not at all."""
        for handover in self:
            if handover.state != 'draft':
                raise UserError(_("%(handover)s is already done.", handover=handover.name))
            cases = handover._lock_cases()
            if not cases:
                raise UserError(_("%(user)s owns no case in a closure plan under way: nothing to hand over.",
                                  user=handover.departing_user_id.name))
            moved = handover._move_cases(cases)
            handover._schedule_checklists(cases, moved)
            if handover.notify_customers:
                handover._notify_customers(cases)
            handover.write({'state': 'done', 'lead_ids': [(6, 0, cases.ids)]})
            handover.message_post(body=_(
                "%(count)s cases handed over from %(departing)s to %(successor)s, with %(activities)s open "
                "activities.", count=len(cases), departing=handover.departing_user_id.name,
                successor=handover.successor_user_id.name, activities=moved))
        return True

    def _lock_cases(self):
        """The cases to hand over, locked: a second hand-over of the same
        person waits, then finds them moved."""
        query = self.env['crm.lead']._search(self._case_domain())
        # execute_query flushes the fields the domain reads (an owner just written, say)
        rows = self.env.execute_query(SQL("%s FOR UPDATE OF crm_lead", query.select('crm_lead.id')))
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
        notes. Values are escaped by Markup's % operator."""
        env = self.env

        def date(value):
            return format_date(env, value)

        def items(lines):
            return Markup('').join(Markup('<li>%s</li>') % line for line in lines)

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

        none = Markup('<li>%s</li>') % _("None")
        body = Markup(
            '<p><b>%s</b></p><ul>%s</ul><p><b>%s</b></p><ul>%s</ul>'
            '<p><b>%s</b></p><ul>%s</ul><p><b>%s</b></p><ul>%s</ul>') % (
            _("State in the closure"), items(state),
            _("Open promises"), items(promises) or none,
            _("Open issues"), items(issues) or none,
            _("Key contacts"), items(contacts) or none,
        )
        if self.note:
            body += Markup('<p><b>%s</b></p><p>%s</p>') % (
                _("From %(user)s", user=self.departing_user_id.name), self.note)
        body += Markup('<p>%s</p>') % _("Introduce yourself to the customer within %(days)s days.",
                                        days=HANDOVER_CALL_DAYS)
        return body

    def _notify_customers(self, cases):
        """The 'new contact' mail to every customer with an address, rendered
        in batch in each customer's language and posted on each case, from
        the successor (mail composer in batch comment mode)."""
        template = self.env['mail.template']._closure_find('handover')
        cases = cases.filtered(lambda lead: lead.partner_id.email)
        if not template or not cases:
            return
        composer = self.env['mail.compose.message'].with_context(mail_create_nosubscribe=True).create({
            'composition_mode': 'comment',
            'model': 'crm.lead',
            'res_ids': repr(cases.ids),
            'template_id': template.id,
            # both, or the composer computes neither from the template
            'email_from': template.email_from,
            'author_id': self.successor_user_id.partner_id.id,
            'subtype_id': self.env.ref('mail.mt_comment').id,
        })
        composer._action_send_mail()
