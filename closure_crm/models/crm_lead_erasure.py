from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# written by the erasure only (closure.erasure, in SQL), never by a client: a case
# marked erased by hand would keep its data past the erasure
ERASURE_FIELDS = ('closure_erased_date', 'closure_erasure_id')


class CrmLead(models.Model):
    """What the erasure of a plan needs on a case: whether its data must be
    kept longer (a legal hold with its reason, an open dispute) and whether
    it is erased already (closure.erasure)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_legal_hold = fields.Boolean(
        'Legal Hold', tracking=True, copy=False,
        help="The customer's data must be kept beyond the erasure date (a court order, an "
             "authority's request, a pending claim): the erasure skips this case and lists it.")
    closure_legal_hold_reason = fields.Text('Legal Hold Reason', copy=False)
    closure_dispute_open = fields.Boolean(
        'Open Dispute', tracking=True, copy=False,
        help="A dispute with the customer is open: the erasure skips this case until it is closed.")
    closure_erased_date = fields.Datetime('Data Erased On', readonly=True, copy=False, index='btree_not_null')
    closure_erasure_id = fields.Many2one('closure.erasure', 'Erasure', readonly=True, copy=False,
                                         ondelete='set null')

    closure_erasure_skip_reason = fields.Char(
        'Why Kept', compute='_compute_closure_erasure_skip_reason',
        help="Why the erasure keeps this case's data: a legal hold, an open dispute, or a claim still owed "
             "to the customer (an open refundable balance, a declared claim not settled).")

    @api.depends('closure_legal_hold', 'closure_legal_hold_reason', 'closure_dispute_open',
                 'closure_obligation_ids.state', 'closure_obligation_ids.refundable_amount',
                 'closure_obligation_ids.claim_declared_date')
    def _compute_closure_erasure_skip_reason(self):
        owed = self.env['closure.erasure']._owed_lead_ids(self._origin.ids)
        for lead in self:
            reasons = []
            if lead.closure_legal_hold:
                reasons.append(_("Legal hold: %(reason)s", reason=lead.closure_legal_hold_reason or ''))
            if lead.closure_dispute_open:
                reasons.append(_("Open dispute"))
            if lead._origin.id in owed:
                reasons.append(_("A claim is still owed to the customer (open refundable balance or declared "
                                 "claim not settled): kept until it is paid, taken over or waived"))
            lead.closure_erasure_skip_reason = '; '.join(reasons)

    @api.model_create_multi
    def create(self, vals_list):
        self._closure_check_erasure_fields({fname for vals in vals_list for fname in vals if vals[fname]})
        return super().create(vals_list)

    def write(self, vals):
        # a value given back unchanged (crm's merge writes every field) is no change
        self._closure_check_erasure_fields(
            {fname for fname in ERASURE_FIELDS if fname in vals and (vals[fname] or any(self.mapped(fname)))})
        return super().write(vals)

    def _closure_answer_link_expired(self):
        """A customer still owed a claim keeps their page after the data
        erasure date, until it is paid, taken over or waived: the erasure
        skips the case, and the page is where they follow the claim."""
        expired = super()._closure_answer_link_expired()
        if not expired or self.closure_erased_date:
            return expired
        return self.id not in self.env['closure.erasure']._owed_lead_ids(self.ids)

    def _closure_check_erasure_fields(self, fnames):
        forbidden = [fname for fname in ERASURE_FIELDS if fname in fnames]
        if forbidden and not self.env.su:
            raise UserError(_(
                "'%(field)s' is set by the erasure of the plan's customer data, never by hand.",
                field=self._fields[forbidden[0]]._description_string(self.env)))

    @api.constrains('closure_legal_hold', 'closure_legal_hold_reason')
    def _check_closure_legal_hold(self):
        for lead in self:
            if lead.closure_legal_hold and not (lead.closure_legal_hold_reason or '').strip():
                raise ValidationError(_(
                    "Case %(case)s: say why its data is kept longer (Legal Hold Reason).", case=lead.display_name))
