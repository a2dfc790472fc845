from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .closure_transfer import LIVE_STATES


class ClosureReceiverCapacity(models.Model):
    """How many customers a receiving partner takes in one closure plan.

    ``used_count`` counts the plan's live transfers to the receiver (proposed
    up to completed). It is kept by ``_sync_usage`` under a row lock in the
    transaction that changes the transfers, and the database refuses a count
    above the capacity: no receiver ever takes more than it agreed to, even
    with two managers assigning at once."""
    _name = 'closure.receiver.capacity'
    _description = 'Receiver Capacity in a Closure Plan'
    _order = 'plan_id, partner_id'
    _check_company_auto = True

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', required=True, index=True, ondelete='cascade')
    partner_id = fields.Many2one(
        'res.partner', 'Receiver', required=True, index=True, ondelete='cascade', check_company=True,
        domain="[('closure_is_receiver', '=', True)]")
    company_id = fields.Many2one(related='plan_id.company_id', store=True)
    capacity = fields.Integer(
        required=True, default=10,
        help="How many customers of this plan the receiver agreed to take.")
    used_count = fields.Integer(
        'Used', readonly=True, default=0, copy=False,
        help="Customers proposed to the receiver in this plan and not declined or cancelled.")
    remaining_count = fields.Integer('Remaining', compute='_compute_remaining_count')

    _sql_constraints = [
        ('plan_partner_uniq', 'UNIQUE(plan_id, partner_id)',
         'A receiver has one capacity line per closure plan.'),
        ('capacity_positive', 'CHECK(capacity >= 0)', 'A capacity cannot be negative.'),
        ('capacity_respected', 'CHECK(used_count <= capacity)',
         'A receiver cannot take more customers than its capacity in the plan.'),
    ]

    @api.depends('capacity', 'used_count')
    def _compute_remaining_count(self):
        for line in self:
            line.remaining_count = max(line.capacity - line.used_count, 0)

    @api.depends('partner_id', 'plan_id')
    def _compute_display_name(self):
        for line in self:
            if line.partner_id and line.plan_id:
                line.display_name = _("%(receiver)s in %(plan)s", receiver=line.partner_id.display_name,
                                      plan=line.plan_id.name)
            else:
                # a new line: what is chosen so far, never "False (False)"
                line.display_name = line.partner_id.display_name or line.plan_id.name or _("New Receiver Capacity")

    @api.constrains('capacity')
    def _check_capacity(self):
        for line in self:
            if line.capacity < line.used_count:
                raise ValidationError(_(
                    "The capacity of %(receiver)s in %(plan)s cannot be %(capacity)s: "
                    "%(used)s customers are already proposed to it.",
                    receiver=line.partner_id.display_name, plan=line.plan_id.name,
                    capacity=line.capacity, used=line.used_count))

    @api.constrains('partner_id')
    def _check_receiver(self):
        for line in self:
            if not line.partner_id.closure_is_receiver:
                raise ValidationError(_(
                    "%(partner)s is not a receiving partner: tick 'Receiving Partner' on the contact first.",
                    partner=line.partner_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.plan_id._closure_bump_suggestions()
        return lines

    def write(self, vals):
        plans = self.plan_id
        res = super().write(vals)
        if {'capacity', 'partner_id', 'plan_id'} & set(vals):
            (plans | self.plan_id)._closure_bump_suggestions()
        return res

    def unlink(self):
        plans = self.plan_id
        res = super().unlink()
        plans._closure_bump_suggestions()
        return res

    def _lock(self):
        """Lock the capacity rows (by id, so two lockers never deadlock)
        until the end of the transaction."""
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM closure_receiver_capacity WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                tuple(self.ids)))

    def _sync_usage(self):
        """Recount the live transfers of these capacity lines, refusing the
        change when a receiver would go above its capacity. Locks the rows
        first: two transactions changing the same receiver's transfers are
        serialised (the second one sees the first's transfers or is retried)."""
        if not self.ids:
            return
        self._lock()
        self.env['closure.transfer'].flush_model(['capacity_id', 'state'])
        self.env.cr.execute(SQL(
            """SELECT c.id, c.capacity, COUNT(t.id)
                 FROM closure_receiver_capacity c
                 LEFT JOIN closure_transfer t ON t.capacity_id = c.id AND t.state IN %(live)s
                WHERE c.id IN %(ids)s
                GROUP BY c.id""",
            live=LIVE_STATES, ids=tuple(self.ids)))
        rows = self.env.cr.fetchall()
        over = [(line_id, capacity, used) for line_id, capacity, used in rows if used > capacity]
        if over:
            line = self.browse(over[0][0])
            raise UserError(_(
                "%(receiver)s has no capacity left in %(plan)s: it takes %(capacity)s customers "
                "and %(used)s would be proposed to it. Raise its capacity or choose another receiver.",
                receiver=line.partner_id.display_name, plan=line.plan_id.name,
                capacity=over[0][1], used=over[0][2]))
        self.env.cr.execute(SQL(
            """UPDATE closure_receiver_capacity c
                  SET used_count = v.used
                 FROM (SELECT n.id, n.used, o.used_count AS before
                         FROM unnest(%(ids)s::int[], %(used)s::int[]) AS n(id, used)
                         JOIN closure_receiver_capacity o ON o.id = n.id) v
                WHERE c.id = v.id AND c.used_count IS DISTINCT FROM v.used
            RETURNING c.plan_id, (v.used >= c.capacity) IS DISTINCT FROM (v.before >= c.capacity)""",
            ids=[row[0] for row in rows], used=[row[2] for row in rows]))
        # a receiver full, or with room again: the plan's kept suggestions are stale
        flipped = {plan_id for plan_id, changed in self.env.cr.fetchall() if changed}
        self.invalidate_recordset(['used_count', 'remaining_count'])
        self.env['closure.plan'].browse(sorted(flipped))._closure_bump_suggestions()
