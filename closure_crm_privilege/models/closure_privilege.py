from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

PRIVILEGE_KINDS = [
    ('priority', 'Priority Rights'),
    ('advisory', 'Advisory Circle'),
]
PRIVILEGE_STATES = [
    ('pending', 'Awaiting Opt-in'),
    ('opted_in', 'Opted In'),
    ('opted_out', 'Opted Out'),
]
# tiers a privilege may be granted to (domain: value transfer to high-value customers)
PRIVILEGE_TIERS = ('a', 'b')


class ClosurePrivilege(models.Model):
    """A privilege offered to a high-value customer (tier A or B): priority
    rights (first access to the founders' future offers) or an invitation to
    the advisory circle. Granted by a closure manager with the terms the
    plan's manager approved on the plan, frozen at the grant; it holds only
    once the customer opts in (closure.privilege.answer)."""
    _name = 'closure.privilege'
    _inherit = ['closure.case.mixin']
    _description = 'Customer Privilege'
    _order = 'grant_date desc, id desc'
    _rec_name = 'kind'
    _check_company_auto = True

    # the case and its customer, plan and company come from closure.case.mixin;
    # a privilege is offered on the cases of PRIVILEGE_TIERS only
    lead_id = fields.Many2one(domain="[('closure_plan_id', '!=', False), ('closure_tier', 'in', ['a', 'b'])]")
    tier = fields.Selection(related='lead_id.closure_tier')
    kind = fields.Selection(PRIVILEGE_KINDS, 'Privilege', required=True)
    terms = fields.Text(readonly=True, help="The terms the plan's manager approved, as granted.")
    granted_by_id = fields.Many2one('res.users', readonly=True, ondelete='restrict')
    grant_date = fields.Datetime('Granted On', readonly=True)
    answer_ids = fields.One2many('closure.privilege.answer', 'privilege_id', string="Customer's Answers")
    state = fields.Selection(
        PRIVILEGE_STATES, 'Opt-in', compute='_compute_state', store=True, index=True,
        help="The customer's latest answer: a privilege holds only once they opted in.")
    answer_date = fields.Datetime('Answered On', compute='_compute_state', store=True)
    answer_channel = fields.Selection(related='answer_ids.channel', string='Answered Through')

    _sql_constraints = [
        ('privilege_uniq', 'UNIQUE(lead_id, kind)', 'This privilege is already granted on this case.'),
    ]

    @api.depends('answer_ids.decision', 'answer_ids.date')
    def _compute_state(self):
        for privilege in self:
            # the latest answer (the cache does not keep the one2many's order after a create)
            last = max(privilege.answer_ids, key=lambda answer: (answer.date, answer.id), default=privilege.answer_ids)
            privilege.state = {'opt_in': 'opted_in', 'opt_out': 'opted_out'}.get(last.decision, 'pending')
            privilege.answer_date = last.date

    # ------------------------------------------------------------------
    # CRUD: granted by a closure manager, on approved terms, then frozen
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_("Only a closure manager grants priority rights or an advisory circle invitation."))
        leads = self.env['crm.lead'].browse([vals.get('lead_id') for vals in vals_list if vals.get('lead_id')])
        leads.check_access('write')
        for vals in vals_list:
            lead = self.env['crm.lead'].browse(vals.get('lead_id'))
            kind = vals.get('kind')
            self._check_grant(lead, kind)
            vals.update(
                terms=lead.closure_plan_id._closure_privilege_terms(kind),
                granted_by_id=self.env.uid,
                grant_date=fields.Datetime.now(),
            )
        privileges = super().create(vals_list)
        for privilege in privileges:
            privilege.lead_id.message_post(body=_(
                "%(privilege)s offered on the approved terms: %(terms)s. It holds once the customer opts in.",
                privilege=privilege._kind_label(), terms=privilege.terms))
        return privileges

    def write(self, vals):
        if vals:
            field = self._fields.get(next(iter(vals)))
            raise UserError(_(
                "A granted privilege keeps the terms offered (field '%(field)s'): withdraw it while the customer "
                "has not answered, or record the customer's answer.",
                field=field._description_string(self.env) if field else next(iter(vals))))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        for privilege in self:
            if privilege.answer_ids:
                raise UserError(_(
                    "%(privilege)s of %(customer)s has the customer's answer on record: it is evidence and "
                    "stays; record their opt-out instead.",
                    privilege=privilege._kind_label(), customer=privilege.partner_id.display_name))

    @api.model
    def _check_grant(self, lead, kind):
        if not lead.closure_plan_id:
            raise ValidationError(_("%(case)s is not a closure case: privileges are granted on closure cases.",
                                    case=lead.display_name))
        if lead.closure_tier not in PRIVILEGE_TIERS:
            raise ValidationError(_(
                "%(case)s is tier %(tier)s: privileges are for high-value customers (tier A or B).",
                case=lead.display_name, tier=(lead.closure_tier or '-').upper()))
        labels = dict(self._fields['kind']._description_selection(self.env))
        if kind not in labels:
            raise ValidationError(_("Unknown privilege '%(kind)s'.", kind=kind))
        if not lead.closure_plan_id._closure_privilege_terms(kind):
            raise ValidationError(_(
                "%(privilege)s is not approved on the plan %(plan)s: its manager writes the terms down and "
                "approves them first; nothing else may be promised.",
                privilege=labels[kind], plan=lead.closure_plan_id.display_name))

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------
    def _kind_label(self):
        self.ensure_one()
        return dict(self._fields['kind']._description_selection(self.env))[self.kind]

    def _record_answer(self, decision, channel, note=False, evidence=False, evidence_filename=False):
        """Record the customer's opt-in or opt-out of these privileges."""
        return self.env['closure.privilege.answer'].create([{
            'privilege_id': privilege.id,
            'decision': decision,
            'channel': channel,
            'note': note,
            'evidence': evidence,
            'evidence_filename': evidence_filename,
        } for privilege in self])
