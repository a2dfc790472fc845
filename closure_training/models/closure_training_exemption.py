
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .closure_plan import CLOSURE_GATES


class ClosureTrainingExemption(models.Model):
    """A manager lets one person through one certification gate of one plan
    until a date, for a stated reason. Granting, changing and revoking are
    logged in the exemption's and the plan's chatter."""
    _name = 'closure.training.exemption'
    _description = 'Certification Gate Exemption'
    _inherit = ['mail.thread']
    _order = 'valid_until desc, id desc'
    _rec_name = 'user_id'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, index=True, ondelete='cascade',
                              tracking=True)
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    user_id = fields.Many2one('res.users', 'Staff Member', required=True, index=True, ondelete='cascade',
                              tracking=True, domain="[('share', '=', False)]")
    gate = fields.Selection(CLOSURE_GATES, required=True, tracking=True)
    valid_until = fields.Date(required=True, tracking=True,
                              help="The exemption lets the person through up to and including this day.")
    reason = fields.Text(required=True, tracking=True)
    granted_by_id = fields.Many2one('res.users', readonly=True, default=lambda self: self.env.user)
    active = fields.Boolean(default=True, tracking=True)
    is_valid = fields.Boolean('Valid Today', compute='_compute_is_valid', search='_search_is_valid')

    @api.depends('valid_until', 'active')
    def _compute_is_valid(self):
        today = fields.Date.context_today(self)
        for exemption in self:
            exemption.is_valid = exemption.active and exemption.valid_until and exemption.valid_until >= today

    def _search_is_valid(self, operator, value):
        today = fields.Date.context_today(self)
        positive = (operator == '=') == bool(value)
        return [('valid_until', '>=', today)] if positive else [('valid_until', '<', today)]

    def _compute_display_name(self):
        gates = dict(self._fields['gate']._description_selection(self.env))
        for exemption in self:
            exemption.display_name = f'{exemption.user_id.name} - {gates.get(exemption.gate, "")}'

    @api.constrains('valid_until')
    def _check_valid_until(self):
        today = fields.Date.context_today(self)
        for exemption in self:
            if exemption.valid_until < today and exemption.create_date and exemption.create_date.date() >= today:
                raise ValidationError(_(
                    "Valid Until (%(date)s) is in the past: an exemption for %(user)s must run at least until today.",
                    date=exemption.valid_until, user=exemption.user_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        exemptions = super().create(vals_list)
        gates = dict(self._fields['gate']._description_selection(self.env))
        for exemption in exemptions:
            exemption.plan_id.message_post_with_source(
                'closure_crm.message_paragraph', subtype_xmlid='mail.mt_note', render_values={'text': _(
                    "Certification gate exemption granted by %(manager)s to %(user)s for \"%(gate)s\" "
                    "until %(date)s. Reason: %(reason)s",
                    manager=exemption.granted_by_id.name, user=exemption.user_id.name,
                    gate=gates[exemption.gate], date=exemption.valid_until, reason=exemption.reason)})
        return exemptions

    def action_revoke(self):
        for exemption in self:
            exemption.plan_id.message_post(body=_(
                "Certification gate exemption of %(user)s revoked by %(manager)s.",
                user=exemption.user_id.name, manager=self.env.user.name))
        self.write({'active': False})
        return True

    @api.model
    def _exempted_users(self, plan, gate, users):
        """The ``users`` holding an exemption valid today for ``gate`` in ``plan`` (one query)."""
        if not users:
            return users
        exemptions = self.search([
            ('plan_id', '=', plan.id), ('gate', '=', gate), ('user_id', 'in', users.ids),
            ('valid_until', '>=', fields.Date.context_today(self))])
        return exemptions.user_id
