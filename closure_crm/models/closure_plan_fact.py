from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# The legal facts of a liquidation, in the order they happen. Each is recorded
# on the plan with its date, who recorded it and its evidence; everything the
# law attaches to a step runs from the recorded day (see closure.plan).
FACT_TYPES = [
    ('dissolution_published', 'Dissolution published (Art. 229)'),
    ('shareholder_commitment', "Shareholders' commitment: no debts (Art. 240)"),
    ('liquidation_formed', 'Liquidation group formed (Art. 232)'),
    ('creditor_notices_sent', 'Creditor notices sent (Art. 235)'),
    ('announcement_published', 'Announcement published (Art. 235)'),
    ('plan_confirmed', 'Liquidation plan confirmed (Art. 236)'),
    ('deregistered', 'Deregistered (Art. 239, 240)'),
]


class ClosurePlanFact(models.Model):
    """One legal step of a liquidation as it really happened: the day, who
    recorded it, the evidence (a file or a link). A recorded fact is
    evidence: never edited nor deleted; a correction is a new record of the
    same kind, and the newest record of each kind is the one that counts."""

    _name = 'closure.plan.fact'
    _description = 'Closure Legal Fact'
    _order = 'plan_id, date desc, id desc'
    _check_company_auto = True

    plan_id = fields.Many2one('closure.plan', required=True, index=True, ondelete='cascade')
    company_id = fields.Many2one(related='plan_id.company_id', store=True, index=True)
    fact_type = fields.Selection(FACT_TYPES, 'Fact', required=True)
    date = fields.Date('Happened On', required=True)
    user_id = fields.Many2one('res.users', 'Recorded By', required=True, readonly=True,
                              default=lambda self: self.env.user)
    evidence_file = fields.Binary(attachment=True)
    evidence_filename = fields.Char('Evidence File Name')
    evidence_url = fields.Char(
        'Evidence Link', help="Where the evidence can be seen, e.g. the publicity system's page.")
    note = fields.Text()
    # the liquidation group (liquidation_formed)
    leader_name = fields.Char('Group Leader')
    member_names = fields.Char('Group Members')
    creditor_contact = fields.Char(
        'Contact for Creditors', help="How creditors reach the liquidation group: address, phone, email.")
    # where it was published (dissolution, announcement)
    published_in = fields.Selection([
        ('newspaper', 'Newspaper'),
        ('gsxt', 'National Enterprise Credit Information Publicity System'),
    ])
    # the liquidation plan (plan_confirmed)
    confirmed_by = fields.Selection([
        ('shareholders', "Shareholders' meeting"),
        ('court', 'Court'),
    ])
    payment_date = fields.Date('Claims Paid From', help="The liquidation plan's payment date for creditors.")
    is_current = fields.Boolean('Counts', compute='_compute_is_current',
                                help="The newest record of this fact on the plan: the one that counts.")
    supersedes_id = fields.Many2one(
        'closure.plan.fact', 'Corrects', compute='_compute_is_current',
        help="The earlier record of the same fact this one corrects.")

    @api.depends('plan_id', 'fact_type')
    def _compute_is_current(self):
        facts = self.search([('plan_id', 'in', self.plan_id.ids)], order='id')
        previous, last = {}, {}
        for fact in facts:
            key = (fact.plan_id.id, fact.fact_type)
            previous[fact.id] = last.get(key, self.browse())
            last[key] = fact
        for fact in self:
            key = (fact.plan_id.id, fact.fact_type)
            fact.is_current = last.get(key) == fact
            fact.supersedes_id = previous.get(fact.id, self.browse())

    @api.depends('fact_type', 'date')
    def _compute_display_name(self):
        labels = dict(self._fields['fact_type']._description_selection(self.env))
        for fact in self:
            fact.display_name = f"{labels.get(fact.fact_type, '')} ({fact.date or ''})"

    @api.constrains('date')
    def _check_date(self):
        today = fields.Date.context_today(self)
        for fact in self:
            if fact.date > today:
                raise ValidationError(_("%(fact)s: Happened On (%(date)s) cannot be in the future.",
                                        fact=fact.display_name, date=fact.date))
            if fact.plan_id.decision_date and fact.date < fact.plan_id.decision_date:
                raise ValidationError(_(
                    "%(fact)s: Happened On (%(date)s) cannot be before the dissolution decision (%(decision)s).",
                    fact=fact.display_name, date=fact.date, decision=fact.plan_id.decision_date))

    @api.constrains('evidence_file', 'evidence_url', 'fact_type', 'leader_name', 'creditor_contact',
                    'confirmed_by')
    def _check_evidence(self):
        for fact in self:
            if not (fact.evidence_file or (fact.evidence_url or '').strip()):
                raise ValidationError(_("%(fact)s: give its evidence, a file or a link.", fact=fact.display_name))
            if fact.fact_type == 'liquidation_formed' and not (fact.leader_name and fact.creditor_contact):
                raise ValidationError(_(
                    "%(fact)s: name the group leader and the contact creditors use.", fact=fact.display_name))
            if fact.fact_type == 'plan_confirmed' and not fact.confirmed_by:
                raise ValidationError(_(
                    "%(fact)s: say who confirmed the liquidation plan (shareholders or a court).",
                    fact=fact.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        if not (self.env.is_superuser() or self.env.user.has_group('closure_crm.group_closure_manager')):
            raise AccessError(_("Only a closure manager records the legal facts of a liquidation."))
        for vals in vals_list:
            # the recorder is whoever records it, never a name typed in
            vals['user_id'] = self.env.uid
        facts = super().create(vals_list)
        # the dates that follow the facts must still make a lawful timeline
        facts.plan_id._check_timeline()
        for fact in facts:
            fact.plan_id.message_post(body=_(
                "Fact recorded: %(fact)s by %(user)s.", fact=fact.display_name, user=fact.user_id.name))
        return facts

    def copy(self, default=None):
        if self:
            raise UserError(_("A recorded fact is not copied: record the new fact with its own evidence."))
        return super().copy(default)

    def write(self, vals):
        if self:
            raise UserError(_("A recorded fact is evidence and cannot be changed: record a correction "
                              "(a new record of the same fact), which then counts."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        if self:
            raise UserError(_("A recorded fact is evidence and cannot be deleted: record a correction "
                              "(a new record of the same fact), which then counts."))
