from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.closure_transfer import ACCEPTED_STATES, LIVE_STATES


class ClosureTransferReport(models.Model):
    """Transfers per receiver and plan: one row per capacity line (every
    transfer has one), with what was offered, accepted, completed, declined,
    the capacity used and the referral fees expected."""
    _name = 'closure.transfer.report'
    _description = 'Transfer Analysis'
    _auto = False
    _order = 'plan_id, receiver_id'
    _rec_name = 'receiver_id'

    plan_id = fields.Many2one('closure.plan', 'Closure Plan', readonly=True)
    receiver_id = fields.Many2one('res.partner', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    capacity = fields.Integer(readonly=True)
    capacity_used = fields.Integer(readonly=True)
    capacity_remaining = fields.Integer('Capacity Left', readonly=True)
    offered_count = fields.Integer('Offered', readonly=True)
    accepted_count = fields.Integer('Accepted', readonly=True)
    completed_count = fields.Integer('Completed', readonly=True)
    declined_count = fields.Integer('Declined', readonly=True)
    customer_declined_count = fields.Integer('Declined by Customer', readonly=True)
    receiver_declined_count = fields.Integer('Declined by Receiver', readonly=True)
    fee_expected = fields.Float('Fees Expected', readonly=True)
    fee_completed = fields.Float('Fees of Completed Transfers', readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """CREATE OR REPLACE VIEW %(table)s AS (
                   SELECT c.id, c.plan_id, c.partner_id AS receiver_id, c.company_id,
                          c.capacity, c.used_count AS capacity_used,
                          GREATEST(c.capacity - c.used_count, 0) AS capacity_remaining,
                          COALESCE(t.offered, 0) AS offered_count,
                          COALESCE(t.accepted, 0) AS accepted_count,
                          COALESCE(t.completed, 0) AS completed_count,
                          COALESCE(t.customer_declined, 0) + COALESCE(t.receiver_declined, 0) AS declined_count,
                          COALESCE(t.customer_declined, 0) AS customer_declined_count,
                          COALESCE(t.receiver_declined, 0) AS receiver_declined_count,
                          COALESCE(t.fee_expected, 0) AS fee_expected,
                          COALESCE(t.fee_completed, 0) AS fee_completed
                     FROM closure_receiver_capacity c
                     LEFT JOIN (
                          SELECT capacity_id,
                                 COUNT(*) FILTER (WHERE state != 'cancelled') AS offered,
                                 COUNT(*) FILTER (WHERE state IN %(accepted)s) AS accepted,
                                 COUNT(*) FILTER (WHERE state = 'completed') AS completed,
                                 COUNT(*) FILTER (WHERE state = 'customer_declined') AS customer_declined,
                                 COUNT(*) FILTER (WHERE state = 'receiver_declined') AS receiver_declined,
                                 SUM(fee_expected) FILTER (WHERE state IN %(live)s) AS fee_expected,
                                 SUM(fee_expected) FILTER (WHERE state = 'completed') AS fee_completed
                            FROM closure_transfer
                           GROUP BY capacity_id
                     ) t ON t.capacity_id = c.id
               )""",
            table=SQL.identifier(self._table), accepted=ACCEPTED_STATES, live=LIVE_STATES))
