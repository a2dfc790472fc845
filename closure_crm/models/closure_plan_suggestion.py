from odoo import fields, models
from odoo.tools import SQL


class ClosurePlan(models.Model):
    """The version of the plan's receivers that the receiver suggestions
    kept on its cases were computed under (crm.lead.closure_suggestion_cache)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    suggestion_stamp = fields.Integer(
        'Receivers Version', readonly=True, copy=False, default=0,
        help="Goes up whenever the plan's receivers change (capacity lines, a receiver's profile, a receiver "
             "full or with room again): the receiver suggestions kept on the cases are computed again.")

    def _closure_bump_suggestions(self):
        """The plan's receivers changed: every kept suggestion of its cases is stale."""
        if self.ids:
            self.env.cr.execute(SQL(
                "UPDATE closure_plan SET suggestion_stamp = COALESCE(suggestion_stamp, 0) + 1 WHERE id IN %s",
                tuple(self.ids)))
            self.invalidate_recordset(['suggestion_stamp'])
