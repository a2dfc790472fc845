from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

COMPLAINT_STEPS = ('listened', 'apologised', 'options', 'followed_up')


class ClosureComplaint(models.Model):
    """A complaint on a closure case, handled in the handbook's four steps:
    listen and empathise; apologise and name the cause; offer two or three
    concrete options; follow up within 24 hours. Opened by an angry reply
    (the reply triage), or by a rep; the plan's complaint rate counts these."""
    _name = 'closure.complaint'
    _description = 'Closure Complaint'
    _inherit = ['closure.case.mixin', 'mail.thread']
    _order = 'date_opened desc, id desc'
    _rec_name = 'lead_id'
    _check_company_auto = True

    # the case and its customer, plan and company: closure.case.mixin
    user_id = fields.Many2one(related='lead_id.user_id', string='Case Owner')
    message_id = fields.Many2one('mail.message', 'Angry Reply', readonly=True, ondelete='set null')
    reply_excerpt = fields.Text('What the Customer Said', readonly=True)
    date_opened = fields.Datetime('Opened On', required=True, readonly=True, default=fields.Datetime.now)
    follow_up_deadline = fields.Datetime(
        'Follow Up By', compute='_compute_follow_up_deadline', store=True,
        help="Within 24 hours of the complaint.")
    listened = fields.Boolean('1. Listened and Empathised', tracking=True)
    apologised = fields.Boolean('2. Apologised and Named the Cause', tracking=True)
    cause = fields.Text('Cause Named', help="The cause we named to the customer when apologising.")
    options_offered = fields.Boolean('3. Offered Two or Three Options', tracking=True)
    options = fields.Text('Options Offered', help="One concrete option per line: two or three.")
    followed_up = fields.Boolean('4. Followed Up', tracking=True)
    follow_up_date = fields.Datetime('Followed Up On', readonly=True)
    state = fields.Selection(
        [('open', 'Open'), ('done', 'Resolved')], 'Status', compute='_compute_state', store=True, index=True)
    is_follow_up_late = fields.Boolean('Follow-up Late', compute='_compute_state', store=True)

    @api.depends('date_opened')
    def _compute_follow_up_deadline(self):
        for complaint in self:
            complaint.follow_up_deadline = complaint.date_opened and complaint.date_opened + timedelta(hours=24)

    @api.depends('listened', 'apologised', 'options_offered', 'followed_up', 'follow_up_date', 'follow_up_deadline')
    def _compute_state(self):
        for complaint in self:
            complaint.state = 'done' if all(complaint[step] for step in COMPLAINT_STEPS) else 'open'
            complaint.is_follow_up_late = bool(complaint.follow_up_deadline) and (
                complaint.follow_up_date or fields.Datetime.now()) > complaint.follow_up_deadline

    @api.constrains(*COMPLAINT_STEPS, 'cause', 'options')
    def _check_steps(self):
        labels = {name: self._fields[name]._description_string(self.env) for name in COMPLAINT_STEPS}
        for complaint in self:
            done = [complaint[step] for step in COMPLAINT_STEPS]
            for index, step in enumerate(COMPLAINT_STEPS[1:], start=1):
                if complaint[step] and not all(done[:index]):
                    raise ValidationError(_(
                        "Complaint of %(customer)s: '%(step)s' comes after '%(previous)s'.",
                        customer=complaint.partner_id.display_name, step=labels[step],
                        previous=labels[COMPLAINT_STEPS[index - 1]]))
            if complaint.apologised and not (complaint.cause or '').strip():
                raise ValidationError(_(
                    "Complaint of %(customer)s: write down the cause you named when apologising (field 'Cause Named').",
                    customer=complaint.partner_id.display_name))
            options = [line for line in (complaint.options or '').splitlines() if line.strip()]
            if complaint.options_offered and not 2 <= len(options) <= 3:
                raise ValidationError(_(
                    "Complaint of %(customer)s: offer two or three concrete options, one per line "
                    "(field 'Options Offered' holds %(count)s).",
                    customer=complaint.partner_id.display_name, count=len(options)))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # what the customer said comes from their own message, set by the
            # reply triage (a trusted step, as superuser), never typed by staff
            for fname in ('message_id', 'reply_excerpt'):
                if vals.get(fname) and not self.env.su:
                    raise UserError(_(
                        "'%(field)s' is taken from the customer's own message by the reply triage: it cannot be "
                        "written when recording a complaint. Write what you heard in the complaint's chatter.",
                        field=self._fields[fname]._description_string(self.env)))
            # opened now, by whoever records it: the 24 hours run from here
            vals['date_opened'] = fields.Datetime.now()
            for step in COMPLAINT_STEPS:
                vals.pop(step, None)
        complaints = super().create(vals_list)
        complaints._schedule_follow_up()
        return complaints

    def write(self, vals):
        for fname in ('lead_id', 'date_opened', 'message_id', 'reply_excerpt', 'follow_up_date'):
            if fname in vals and not self.env.su:
                raise UserError(_(
                    "A complaint keeps its case, its opening and the reply that opened it (field '%(field)s').",
                    field=self._fields[fname]._description_string(self.env)))
        if any(vals.get(step) is False for step in COMPLAINT_STEPS) and self.filtered('followed_up'):
            raise UserError(_("A complaint that was followed up keeps its steps."))
        if vals.get('followed_up'):
            vals['follow_up_date'] = fields.Datetime.now()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_(
            "A complaint is part of the plan's record (its complaint rate): it is resolved, not deleted."))

    def _schedule_follow_up(self):
        """The 24-hour follow-up, as an activity on the case for its owner."""
        for complaint in self:
            complaint.lead_id._closure_schedule_activity(
                'mail.mail_activity_data_call', _("Complaint: follow up within 24 hours"),
                _("Four steps: 1. listen and empathise; 2. apologise and name the cause; 3. offer two or three "
                  "concrete options; 4. follow up within 24 hours. Tick each step on the complaint."),
                date_deadline=fields.Date.to_date(complaint.follow_up_deadline), notify=True)
