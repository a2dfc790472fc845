import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    """The receivers a case's customer may choose between on their page,
    computed once and kept.

    Ranking a case against its plan's receivers loads every receiver of the
    plan; the page is opened again and again, and most customers open it
    within hours of the notices. So the ranked suggestions are kept on the
    case, with the plan's suggestion stamp they were computed under, and
    computed again only when something they depend on changed:

    - the case's needs (industry, region, segment, size, services, plan):
      the stored compute below empties the kept set;
    - the case's transfers change state (a receiver declined is never
      offered again): ``closure.transfer.write`` empties it;
    - the plan's receivers (a capacity line added, changed or removed, a
      receiver's profile changed, a receiver becoming full or having room
      again): they bump the plan's stamp (``closure.plan._closure_bump_suggestions``),
      and every kept set of the plan is stale at once, without touching the cases.

    The receivers' acceptance record and room left weigh in the ranking as
    they were when the set was computed."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    # {'stamp': the plan's suggestion stamp, 'ids': receiving partners, best first}
    closure_suggestion_cache = fields.Json(
        'Kept Receiver Suggestions', compute='_compute_closure_suggestion_cache', store=True, readonly=True,
        copy=False, groups='base.group_system')

    @api.depends('closure_plan_id', 'closure_industry_id', 'country_id', 'state_id', 'closure_segment',
                 'closure_customer_size', 'closure_service_ids')
    def _compute_closure_suggestion_cache(self):
        # the needs changed: computed again at the next view
        self.closure_suggestion_cache = False

    def _closure_suggested_receivers(self, limit=3):
        """The best receivers for this case with room left (``limit`` at
        most), from the kept set when it is current; else ranked now
        (closure.transfer.matcher._suggest) and kept."""
        self.ensure_one()
        plan = self.closure_plan_id
        kept = self.sudo().closure_suggestion_cache  # bookkeeping of the page, not shown to staff
        if kept and kept.get('stamp') == plan.suggestion_stamp and kept.get('limit', 0) >= limit:
            return self.env['res.partner'].browse(kept['ids'][:limit])
        stamp = plan.suggestion_stamp
        suggestions = self.env['closure.transfer.matcher']._suggest(self, limit=limit)
        ids = [suggestion['receiver_id'] for suggestion in suggestions]
        self._closure_keep_suggestions({'stamp': stamp, 'limit': limit, 'ids': ids})
        return self.env['res.partner'].browse(ids)

    def _closure_keep_suggestions(self, value):
        """Store the ranked set, unless another transaction holds the case
        (an answer being recorded): then the next view stores it. Never waits,
        never fails the page, and leaves the case's write date alone."""
        self.ensure_one()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id))
                if cr.fetchone():
                    cr.execute(SQL("UPDATE crm_lead SET closure_suggestion_cache = %s WHERE id = %s",
                                   self._fields['closure_suggestion_cache'].convert_to_column(value, self), self.id))
        except psycopg2.errors.SerializationFailure:
            _logger.debug("Case %s changed meanwhile: its receiver suggestions are kept at the next view", self.id)
            return
        self.invalidate_recordset(['closure_suggestion_cache'])

    def _closure_forget_suggestions(self):
        """Empty the kept sets of these cases (one UPDATE of those holding one)."""
        if self.ids:
            self.env.cr.execute(SQL(
                "UPDATE crm_lead SET closure_suggestion_cache = NULL "
                "WHERE id IN %s AND closure_suggestion_cache IS NOT NULL", tuple(self.ids)))
            self.invalidate_recordset(['closure_suggestion_cache'])
