from collections import defaultdict

from odoo import _, api, fields, models

from .closure_training_track import TRAINING_LAYERS, TRAINING_ROLES


class ClosureTrainingParticipant(models.Model):
    """A member of a closure plan's team in the plan's training: role, layer of
    the 3-3-3 model, customer load, and the courses that follow from them."""

    _name = 'closure.training.participant'
    _description = 'Closure Training Participant'
    _inherit = ['mail.thread']
    _order = 'plan_id, layer, case_count desc, id'
    _rec_name = 'user_id'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, index=True, ondelete='cascade')
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    user_id = fields.Many2one(
        'res.users', 'Staff Member', required=True, index=True, ondelete='cascade',
        domain="[('share', '=', False)]")
    partner_id = fields.Many2one(related='user_id.partner_id')
    role = fields.Selection(
        TRAINING_ROLES, required=True, default='frontline', tracking=True,
        help="Chooses the role track: front-line staff learn wording, procedures and emotions; "
             "managers the legal boundaries and allocation; departing staff the hand-over.")
    layer = fields.Selection(
        TRAINING_LAYERS, tracking=True,
        help="The 3-3-3 layer: core staff become internal trainers, workshop staff role-play "
             "scenarios, the others take 15-minute micro-lessons. Proposed from role and "
             "customer load; a manager may change it.")
    is_layer_manual = fields.Boolean(
        'Layer Set by Hand', tracking=True,
        help="Set when a manager chose the layer: the automatic proposal leaves it alone.")
    case_count = fields.Integer(
        'Customer Load', readonly=True,
        help="Closure cases this person owns in the plan, when the layers were last proposed.")
    enrolled_date = fields.Datetime('Enrolled On', readonly=True)
    course_ids = fields.Many2many('slide.channel', string='Required Courses', compute='_compute_progress')
    course_count = fields.Integer('Courses', compute='_compute_progress')
    completed_course_count = fields.Integer('Courses Finished', compute='_compute_progress')
    is_certified = fields.Boolean('Certified', compute='_compute_progress',
                                  help="Passed the plan's closure certification.")
    is_trainer_certified = fields.Boolean('Certified Trainer', compute='_compute_progress')
    practice_streak = fields.Integer('Practice Streak (days)', compute='_compute_progress')

    _sql_constraints = [
        ('plan_user_uniq', 'unique(plan_id, user_id)', 'A staff member takes part once per plan.'),
    ]

    def _compute_display_name(self):
        for participant in self:
            participant.display_name = f'{participant.user_id.name} ({participant.plan_id.name})'

    @api.depends('role', 'layer', 'user_id')
    def _compute_progress(self):
        required = self._required_courses()
        partners = self.user_id.partner_id
        # course memberships of all these people: one query
        completed = defaultdict(set)
        for channel, partner, _status in self.env['slide.channel.partner'].sudo()._read_group(
                [('partner_id', 'in', partners.ids), ('member_status', '=', 'completed')],
                ['channel_id', 'partner_id', 'member_status']):
            completed[partner.id].add(channel.id)
        certified = self.plan_id._training_certified_partner_ids(partners)
        trainer = self.plan_id._training_certified_partner_ids(partners, trainer=True)
        streaks = self.env['closure.training.practice']._current_streaks(self.user_id)
        for participant in self:
            courses = required[participant]
            partner_id = participant.user_id.partner_id.id
            participant.course_ids = courses
            participant.course_count = len(courses)
            participant.completed_course_count = len(set(courses.ids) & completed[partner_id])
            participant.is_certified = partner_id in certified.get(participant.plan_id.id, ())
            participant.is_trainer_certified = partner_id in trainer.get(participant.plan_id.id, ())
            participant.practice_streak = streaks.get(participant.user_id.id, 0)

    # ------------------------------------------------------------------
    # CRUD: a new participant is enrolled at once; a manager's layer sticks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (
                vals.get('layer')
                and 'is_layer_manual' not in vals
                and not self.env.context.get('closure_training_auto_layer')
            ):
                vals['is_layer_manual'] = True
        participants = super().create(vals_list)
        participants.plan_id._training_propose_layers()
        participants._training_enroll()
        return participants

    def write(self, vals):
        if (
            'layer' in vals
            and 'is_layer_manual' not in vals
            and not self.env.context.get('closure_training_auto_layer')
        ):
            vals['is_layer_manual'] = True
        res = super().write(vals)
        if 'role' in vals or vals.get('is_layer_manual') is False:
            self.plan_id._training_propose_layers()
        if {'role', 'layer', 'user_id'} & set(vals):
            self._training_enroll()
        return res

    def action_reset_layer(self):
        """Give the layer back to the automatic proposal."""
        self.write({'is_layer_manual': False})
        return True

    def action_view_courses(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('website_slides.slide_channel_action_overview')
        action['domain'] = [('id', 'in', self.course_ids.ids)]
        action['name'] = _('Courses of %s', self.user_id.name)
        return action

    def _required_courses(self):
        """{participant: slide.channel} from the role and layer tracks."""
        courses = self.env['closure.training.track']._courses_by_role_layer()
        empty = self.env['slide.channel']
        return {
            participant: courses.get(('role', participant.role), empty)
            | courses.get(('layer', participant.layer), empty)
            for participant in self
        }

    # ------------------------------------------------------------------
    # Enrolment
    # ------------------------------------------------------------------
    def _training_enroll(self):
        """Enrol each participant in the courses of their role and layer tracks:
        one ``_action_add_members`` per course for all its new attendees."""
        partners_by_course = defaultdict(lambda: self.env['res.partner'])
        for participant, courses in self._required_courses().items():
            for course in courses:
                partners_by_course[course] |= participant.user_id.partner_id
        for course, partners in partners_by_course.items():
            # enrolment is automatic: whoever adds a team member need not be an eLearning officer
            course.sudo()._action_add_members(partners)
        self.filtered(lambda p: not p.enrolled_date).sudo().enrolled_date = fields.Datetime.now()
        return True
