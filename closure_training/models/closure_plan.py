from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

CLOSURE_GATES = [
    ('send_wave', 'Send notice waves'),
    ('own_tier_a', 'Own A-tier cases'),
    ('confirm_handover', 'Confirm hand-overs'),
]
# layer proposal: who goes first into the core, then the workshop layer
ROLE_PRIORITY = {'manager': 0, 'frontline': 1, 'departing': 2}
LAYER_ORDER = ['core', 'workshop', 'micro']


def _share_param(env, layer, default):
    return float(env['ir.config_parameter'].sudo().get_param(f'closure_training.{layer}_share', default))


class ClosurePlan(models.Model):
    _inherit = 'closure.plan'

    training_participant_ids = fields.One2many(
        'closure.training.participant', 'plan_id', string='Training Participants')
    training_participant_count = fields.Integer('Staff in Training', compute='_compute_training_stats')
    training_certified_count = fields.Integer('Certified Staff', compute='_compute_training_stats')
    training_exemption_ids = fields.One2many('closure.training.exemption', 'plan_id', string='Gate Exemptions')
    training_exemption_count = fields.Integer('Exemptions', compute='_compute_training_stats')
    training_core_share = fields.Float(
        'Core Layer Target (%)', default=lambda self: _share_param(self.env, 'core', 30.0),
        help="Share of the staff certified as internal trainers (3-3-3 model: 30%).")
    training_workshop_share = fields.Float(
        'Workshop Layer Target (%)', default=lambda self: _share_param(self.env, 'workshop', 30.0),
        help="Share of the staff in scenario role-play workshops (3-3-3 model: 30%).")
    training_micro_share = fields.Float(
        'Micro-lesson Layer Target (%)', default=lambda self: _share_param(self.env, 'micro', 40.0),
        help="Share of the staff taking 15-minute micro-lessons (3-3-3 model: 40%).")
    training_certification_id = fields.Many2one(
        'survey.survey', 'Required Certification', tracking=True,
        domain="[('certification', '=', True)]",
        default=lambda self: self.env.ref('closure_training.survey_closure_communication', raise_if_not_found=False),
        help="The certification a staff member must pass to go through the gates below.")
    training_trainer_certification_id = fields.Many2one(
        'survey.survey', 'Trainer Certification',
        domain="[('certification', '=', True)]",
        default=lambda self: self.env.ref('closure_training.survey_trainer_certification', raise_if_not_found=False),
        help="The certification of the core layer's internal trainers.")
    training_gate_send_wave = fields.Boolean(
        'Gate: Send Notice Waves', tracking=True,
        help="Only certified staff (or staff with an exemption) may send notice waves.")
    training_gate_own_tier_a = fields.Boolean(
        'Gate: Own A-tier Cases', tracking=True,
        help="Only certified staff (or staff with an exemption) may own A-tier cases.")
    training_gate_confirm_handover = fields.Boolean(
        'Gate: Confirm Hand-overs', tracking=True,
        help="Only certified staff (or staff with an exemption) may confirm a data hand-over.")
    training_compliance_target = fields.Float(
        'Compliance Target (%)', tracking=True,
        default=lambda self: float(self.env['ir.config_parameter'].sudo().get_param(
            'closure_training.compliance_target', 92.0)),
        help="Procedure compliance expected of each person, measured from the CRM (notices on time, consent "
             "before hand-over, angry customers answered the same day, no taboo phrase). The handbook's "
             "example: 92% of staff followed procedure after training.")
    training_compliance_gate = fields.Boolean(
        'Gates Require Compliance', tracking=True,
        help="At the certification gates, a certified person whose measured procedure compliance is below "
             "the target is stopped like an uncertified one (an exemption still lets them through).")

    _sql_constraints = [
        ('training_compliance_target',
         'CHECK(training_compliance_target >= 0 AND training_compliance_target <= 100)',
         'The compliance target is a percentage between 0 and 100.'),
        ('training_shares',
         'CHECK(training_core_share >= 0 AND training_workshop_share >= 0 AND training_micro_share >= 0)',
         'Training layer targets cannot be negative.'),
    ]

    @api.depends('training_participant_ids', 'training_exemption_ids')
    def _compute_training_stats(self):
        participants = {
            plan.id: count for plan, count in self.env['closure.training.participant']._read_group(
                [('plan_id', 'in', self.ids)], ['plan_id'], ['__count'])}
        exemptions = {
            plan.id: count for plan, count in self.env['closure.training.exemption']._read_group(
                [('plan_id', 'in', self.ids)], ['plan_id'], ['__count'])}
        partners = self.training_participant_ids.user_id.partner_id
        certified = self._training_certified_partner_ids(partners)
        for plan in self:
            plan.training_participant_count = participants.get(plan.id, 0)
            plan.training_exemption_count = exemptions.get(plan.id, 0)
            plan_partners = set(plan.training_participant_ids.user_id.partner_id.ids)
            plan.training_certified_count = len(plan_partners & certified.get(plan.id, set()))

    @api.constrains('training_certification_id', 'training_gate_send_wave', 'training_gate_own_tier_a',
                    'training_gate_confirm_handover')
    def _check_training_certification_gates(self):
        """A gate asks for the certification that tests the action it guards:
        a certification whose questions name their gates (closure_gate) must
        hold questions for every gate the plan turns on."""
        gate_labels = dict(self.env['closure.training.exemption']._fields['gate']._description_selection(self.env))
        for plan in self.filtered('training_certification_id'):
            # which gates a certification covers is no secret to whoever configures the plan
            questions = plan.training_certification_id.sudo().question_ids
            covered = set(questions.filtered(lambda q: not q.is_page).mapped('closure_gate')) - {False}
            if not covered:
                continue  # a certification of another kind: its questions say nothing about gates
            missing = [gate for gate, _label in CLOSURE_GATES if plan[f'training_gate_{gate}'] and gate not in covered]
            if missing:
                raise ValidationError(_(
                    "Plan %(plan)s: the certification \"%(certification)s\" asks nothing about %(gates)s; "
                    "choose a certification with questions on the action each gate guards.",
                    plan=plan.name, certification=plan.training_certification_id.sudo().title,
                    gates=', '.join(gate_labels[gate] for gate in missing)))

    @api.constrains('training_core_share', 'training_workshop_share', 'training_micro_share')
    def _check_training_shares(self):
        for plan in self:
            total = plan.training_core_share + plan.training_workshop_share + plan.training_micro_share
            if abs(total - 100.0) > 0.01:
                raise ValidationError(_(
                    "Plan %(plan)s: the layer targets (core %(core)s%%, workshop %(workshop)s%%, "
                    "micro-lessons %(micro)s%%) must add up to 100%% (they add up to %(total)s%%).",
                    plan=plan.name, core=plan.training_core_share, workshop=plan.training_workshop_share,
                    micro=plan.training_micro_share, total=round(total, 2)))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        res = super().write(vals)
        if vals.get('team_id'):
            self._training_sync_team()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_training_sync_team(self):
        self._training_sync_team()
        return True

    def action_training_propose_layers(self):
        self._training_propose_layers()
        return True

    def action_view_training_participants(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_training.action_closure_training_participant')
        action['domain'] = [('plan_id', '=', self.id)]
        action['context'] = {'default_plan_id': self.id}
        return action

    def action_view_training_exemptions(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_training.action_closure_training_exemption')
        action['domain'] = [('plan_id', '=', self.id)]
        action['context'] = {'default_plan_id': self.id}
        return action

    def action_view_training_dashboard(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_training.action_closure_training_report')
        action['domain'] = [('plan_id', '=', self.id)]
        return action

    def _compute_tiers(self):
        """After tiering, tell the plan's manager which owners of A-tier cases
        the A-tier gate would stop (the cases stay assigned: a person decides)."""
        res = super()._compute_tiers()
        for plan in self.filtered('training_gate_own_tier_a'):
            owners = self.env['crm.lead'].sudo()._read_group(
                [('closure_plan_id', '=', plan.id), ('closure_tier', '=', 'a'), ('user_id', '!=', False)],
                ['user_id'])
            blocked = plan._training_blocked_users('own_tier_a', self.env['res.users'].browse([u.id for u, in owners]))
            if blocked:
                plan.message_post(body=_(
                    "After tiering, these owners of A-tier cases lack the certification \"%(certification)s\": "
                    "%(users)s. Reassign their A-tier cases or grant an exemption.",
                    certification=plan._training_certification_title(), users=', '.join(blocked.mapped('name'))))
        return res

    # ------------------------------------------------------------------
    # Team -> participants -> layers -> enrolment
    # ------------------------------------------------------------------
    def _training_sync_team(self):
        """Make every member (and the leader) of the plan's team a participant;
        new participants are given a layer and enrolled at once."""
        Participant = self.env[
            'closure.training.participant'
        ].sudo()  # enrolment follows team membership, whoever edits the team
        vals_list = []
        for plan in self.filtered(lambda p: p.team_id and p.state not in ('closed', 'cancel')):
            team = plan.team_id.sudo()
            users = (team.crm_team_member_ids.filtered('active').user_id | team.user_id).filtered(
                lambda u: not u.share and u.active)
            existing = set(plan.training_participant_ids.sudo().user_id.ids)
            managers = users.filtered(lambda u: u.has_group('closure_crm.group_closure_manager')) | team.user_id
            vals_list += [{
                'plan_id': plan.id,
                'user_id': user.id,
                'role': 'manager' if user in managers else 'frontline',
            } for user in users if user.id not in existing]
        if vals_list:
            Participant.with_context(closure_training_auto_layer=True).create(vals_list)
        return True

    def _training_refresh_case_load(self):
        """Customer load of each participant: closure cases owned in the plan (one query)."""
        loads = {
            (plan.id, user.id): count
            for plan, user, count in self.env['crm.lead'].sudo().with_context(active_test=False)._read_group(
                [('closure_plan_id', 'in', self.ids), ('user_id', '!=', False)],
                ['closure_plan_id', 'user_id'], ['__count'])}
        for participant in self.training_participant_ids.sudo():
            count = loads.get((participant.plan_id.id, participant.user_id.id), 0)
            if participant.case_count != count:
                participant.case_count = count

    def _training_layer_targets(self, count):
        """Head-counts per layer for ``count`` staff: the plan's shares rounded by
        largest remainder so that they add up to ``count``."""
        self.ensure_one()
        shares = {'core': self.training_core_share, 'workshop': self.training_workshop_share,
                  'micro': self.training_micro_share}
        exact = {layer: count * share / 100.0 for layer, share in shares.items()}
        targets = {layer: int(value) for layer, value in exact.items()}
        leftover = count - sum(targets.values())
        for layer in sorted(LAYER_ORDER, key=lambda lay: (-(exact[lay] - targets[lay]), LAYER_ORDER.index(lay)))[
            :leftover
        ]:
            targets[layer] += 1
        return targets

    def _training_propose_layers(self):
        """Propose the 3-3-3 layer of every participant whose layer was not set
        by hand: rank by role (managers first, departing staff last) and by
        customer load (cases owned in the plan), then fill the core layer to its
        target, then the workshop layer, the rest take micro-lessons. Layers set
        by a manager count toward the targets and are kept."""
        self._training_refresh_case_load()
        for plan in self:
            participants = plan.training_participant_ids.sudo()
            targets = plan._training_layer_targets(len(participants))
            manual = participants.filtered('is_layer_manual')
            for participant in manual.filtered('layer'):
                targets[participant.layer] -= 1
            auto = (participants - manual).sorted(
                lambda p: (ROLE_PRIORITY.get(p.role, 9), -p.case_count, p.user_id.id))
            proposal = defaultdict(lambda: self.env['closure.training.participant'])
            index = 0
            for layer in LAYER_ORDER:
                take = max(targets[layer], 0) if layer != 'micro' else len(auto)
                for participant in auto[index:index + take]:
                    if participant.role == 'departing':
                        proposal['micro'] |= participant  # leaving soon: short lessons and the hand-over
                    else:
                        proposal[layer] |= participant
                index += take
            for layer, members in proposal.items():
                members.filtered(lambda p, layer=layer: p.layer != layer).with_context(
                    closure_training_auto_layer=True).write({'layer': layer})
        return True

    # ------------------------------------------------------------------
    # Certification and gates
    # ------------------------------------------------------------------
    def _training_certified_partner_ids(self, partners, trainer=False):
        """{plan id: set of partner ids} of ``partners`` who passed the plan's
        certification (or trainer certification): one query for all plans."""
        field = 'training_trainer_certification_id' if trainer else 'training_certification_id'
        plans = self.sudo()  # staff may not read surveys; which one a plan requires is no secret
        surveys = plans.mapped(field)
        if not surveys or not partners:
            return {}
        # certification results are private to each person; the gate reads them for everyone
        passed = defaultdict(set)
        for survey, partner in self.env['survey.user_input'].sudo()._read_group(
                [('survey_id', 'in', surveys.ids), ('partner_id', 'in', partners.ids),
                 ('scoring_success', '=', True), ('test_entry', '=', False)],
                ['survey_id', 'partner_id']):
            passed[survey.id].add(partner.id)
        return {plan.id: passed.get(plan[field].id, set()) for plan in plans}

    def _training_certification_title(self):
        self.ensure_one()
        # the person stopped by a gate must learn which certification to pass, even without survey rights
        return self.sudo().training_certification_id.title or _('(none configured)')

    def _training_gate_enabled(self, gate):
        self.ensure_one()
        return bool(self[f'training_gate_{gate}'])

    def _training_blocked_users(self, gate, users):
        """The ``users`` the gate stops in this plan: neither certified nor
        holding an exemption valid today for this gate."""
        self.ensure_one()
        if not self._training_gate_enabled(gate):
            return users.browse()
        users = users.filtered(lambda u: not u._is_superuser())  # the system itself (crons) is no trainee
        certified = self._training_certified_partner_ids(users.partner_id).get(self.id, set())
        low = self._training_low_compliance_users(users)
        exempted = self.env['closure.training.exemption'].sudo()._exempted_users(self, gate, users)
        return users.filtered(lambda u: (u.partner_id.id not in certified or u in low) and u not in exempted)

    def _training_low_compliance_users(self, users):
        """The ``users`` whose measured procedure compliance in this plan is
        below its target, when the plan's gates require compliance."""
        self.ensure_one()
        if not self.training_compliance_gate or not users:
            return users.browse()
        compliance = self.env['closure.training.compliance']._by_plan_user(self, users)
        return users.filtered(lambda u: compliance.get((self.id, u.id), 100.0) < self.training_compliance_target)

    def _check_closure_gate(self, gate, users=None):
        res = super()._check_closure_gate(gate, users=users)
        if gate not in dict(CLOSURE_GATES):
            return res
        users = users if users is not None else self.env.user
        for plan in self:
            blocked = plan._training_blocked_users(gate, users)
            low = blocked & plan._training_low_compliance_users(blocked)
            certified = plan._training_certified_partner_ids(low.partner_id).get(plan.id, set())
            low = low.filtered(lambda u, certified=certified: u.partner_id.id in certified)
            if low and low == blocked:
                raise UserError(_(
                    "%(users)s may not %(gate)s in the plan \"%(plan)s\": their procedure compliance is below "
                    "the plan's target of %(target)s%%. See Training > Procedure Compliance, or ask a closure "
                    "manager for a dated exemption.",
                    users=', '.join(low.mapped('name')),
                    gate=dict(self.env['closure.training.exemption']._fields['gate']._description_selection(self.env))[gate].lower(),
                    plan=plan.name, target=plan.training_compliance_target))
            blocked -= low
            if blocked:
                raise UserError(_(
                    "%(users)s may not %(gate)s in the plan \"%(plan)s\": the certification "
                    "\"%(certification)s\" is missing. Pass it in eLearning, or ask a closure "
                    "manager for a dated exemption.",
                    users=', '.join(blocked.mapped('name')),
                    gate=dict(self.env['closure.training.exemption']._fields['gate']._description_selection(self.env))[gate].lower(),
                    plan=plan.name,
                    certification=plan._training_certification_title()))
        return res
