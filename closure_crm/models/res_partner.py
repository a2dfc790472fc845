from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .closure_transfer import CUSTOMER_SIZES
from .crm_lead import CLOSURE_TIERS

# what a receiving partner offers the customers it takes over, as the registry
# holds it: shown side by side (up to three receivers) on the customer's page and
# in the rights-focused playbook
RECEIVER_TERM_FIELDS = (
    'closure_offer_price', 'closure_offer_duration', 'closure_offer_service_level', 'closure_offer_data_handling')
# what closure.transfer.matcher reads of a receiver (the suggestions kept on cases)
RECEIVER_MATCH_FIELDS = {
    'active', 'closure_is_receiver', 'closure_industry_ids', 'closure_service_ids', 'closure_country_ids',
    'closure_state_ids', 'closure_receiver_segment', 'closure_max_customer_size', 'closure_dpa_date',
}
# what customers rely on when a receiver is proposed to them (the hand-over's
# precondition, whom they deal with, the terms they read): closure managers only
RECEIVER_TRUST_FIELDS = ('closure_dpa_date', 'closure_transfer_contact_id', *RECEIVER_TERM_FIELDS)


class ResPartner(models.Model):
    """A customer's closure cases, and the registry of receiving partners:
    what a receiver serves, its terms for the customers it takes over, its
    commitments and its record."""
    _inherit = 'res.partner'

    closure_case_ids = fields.One2many(
        'crm.lead', 'partner_id', string='Closure Cases',
        domain=[('closure_plan_id', '!=', False)])
    # not indexed on purpose, see crm_lead.set_tiering_storage
    closure_tier = fields.Selection(
        CLOSURE_TIERS, readonly=True,
        help="The tier of the customer's case in its most recent closure plan.")
    closure_stage_id = fields.Many2one(
        'crm.stage', readonly=True, index=True)
    closure_case_count = fields.Integer(compute='_compute_closure_case_count')
    # -- receiving partner of customer transfers (closure.transfer) -------
    closure_is_receiver = fields.Boolean(
        'Receiving Partner', index='btree_not_null',
        help="A company that takes over customers of a closing company.")
    closure_industry_ids = fields.Many2many(
        'res.partner.industry', 'res_partner_closure_industry_rel', 'partner_id', 'industry_id',
        string='Industries Served', help="Empty: serves every industry.")
    closure_service_ids = fields.Many2many(
        'closure.service', 'res_partner_closure_service_rel', 'partner_id', 'service_id', string='Services Offered')
    closure_country_ids = fields.Many2many(
        'res.country',
        'res_partner_closure_country_rel',
        'partner_id',
        'country_id',
        string='Countries Served',
        help="Whole countries. Leave countries and regions empty for a receiver serving anywhere.",
    )
    closure_state_ids = fields.Many2many(
        'res.country.state', 'res_partner_closure_state_rel', 'partner_id', 'state_id', string='Regions Served')
    closure_receiver_segment = fields.Selection(
        [('b2b', 'B2B'), ('b2c', 'B2C'), ('both', 'B2B and B2C')], 'Customers Taken', default='both')
    closure_max_customer_size = fields.Selection(
        CUSTOMER_SIZES, 'Largest Customer Size', help="B2B customers above this size match less well. Empty: any size.")
    closure_capacity_ids = fields.One2many('closure.receiver.capacity', 'partner_id', string='Capacity per Plan')
    closure_fee_type = fields.Selection(
        [('none', 'No fee'), ('fixed', 'Fixed per customer'), ('percent', "Share of the customer's revenue")],
        'Referral Fee', default='none')
    closure_fee_currency_id = fields.Many2one(
        'res.currency', 'Fee Currency', default=lambda self: self.env.company.currency_id)
    closure_fee_amount = fields.Monetary('Fee per Customer', currency_field='closure_fee_currency_id')
    closure_fee_percent = fields.Float(
        'Fee (% of Revenue)', help="Share of the customer's revenue in the plan's look-back window.")
    closure_fee_terms = fields.Text('Fee Terms')
    closure_transfer_contact_id = fields.Many2one(
        'res.partner', 'Transfer Contact', domain="[('parent_id', '=', id)]", tracking=True,
        help="Receives the introductions and answers on the partner portal.")
    closure_dpa_date = fields.Date(
        'Data Protection Commitment Signed', tracking=True,
        help="When the receiver signed its commitment to protect the customer data it receives. "
             "Receivers without one get no proposal and no data.")
    # the receiver's recorded term: it takes over the customers' open balances
    # (prepaid value, deposits, paid services not delivered). When a transfer to
    # it completes, those balances are its to honour, not claims on the closing
    # company (closure.obligation._closure_take_over)
    closure_takes_over_balances = fields.Boolean(
        'Takes Over Customer Balances',
        help="The receiver honours the customers' prepaid balances, deposits and paid services not delivered: "
             "when a transfer to it completes, they are taken over and leave the claims register.")
    # what the receiver offers the customers it takes over (RECEIVER_TERM_FIELDS)
    closure_offer_price = fields.Char(
        'Price or Fee for Customers', translate=True, tracking=True,
        help="What the customer pays the receiver, e.g. 'Same price as today for 12 months'.")
    closure_offer_duration = fields.Char(
        'Contract Duration', translate=True, tracking=True, help="e.g. 'Monthly, cancel any time'.")
    closure_offer_service_level = fields.Char(
        'Service Level', translate=True, tracking=True,
        help="e.g. 'Support 8-20 on working days, answer within 4 hours'.")
    closure_offer_data_handling = fields.Char(
        'Data Handling', translate=True, tracking=True,
        help="Where and how the receiver keeps the customer's data, e.g. 'Stored in China, deleted 30 days "
             "after the contract ends'.")
    closure_transfer_ids = fields.One2many('closure.transfer', 'receiver_id', string='Transfers Received')
    closure_offered_count = fields.Integer('Offered', compute='_compute_closure_receiver_stats')
    closure_accepted_count = fields.Integer('Accepted', compute='_compute_closure_receiver_stats')
    closure_completed_count = fields.Integer('Completed', compute='_compute_closure_receiver_stats')
    closure_acceptance_rate = fields.Float(
        'Acceptance Rate (%)', compute='_compute_closure_receiver_stats', digits=(5, 1),
        help="Customers the receiver accepted among those it answered, over all plans.")

    def _compute_closure_case_count(self):
        counts = dict(self.env['crm.lead']._read_group(
            [('partner_id', 'in', self.ids), ('closure_plan_id', '!=', False)],
            ['partner_id'], ['__count']))
        for partner in self:
            partner.closure_case_count = counts.get(partner, 0)

    # ------------------------------------------------------------------
    # Receiving partner (see closure.transfer)
    # ------------------------------------------------------------------
    def _compute_closure_receiver_stats(self):
        receivers = self.filtered('closure_is_receiver')
        stats = self.env['closure.transfer']._receiver_stats(receivers._origin.ids)  # SQL counts
        for partner in self:
            offered, accepted, completed, declined = stats.get(partner._origin.id, (0, 0, 0, 0))
            partner.closure_offered_count = offered
            partner.closure_accepted_count = accepted
            partner.closure_completed_count = completed
            partner.closure_acceptance_rate = 100.0 * accepted / (accepted + declined) if accepted + declined else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._closure_check_receiver_trust([fname for fname in RECEIVER_TRUST_FIELDS if vals.get(fname)])
        return super().create(vals_list)

    def write(self, vals):
        self._closure_check_receiver_trust([fname for fname in RECEIVER_TRUST_FIELDS if fname in vals])
        res = super().write(vals)
        if RECEIVER_MATCH_FIELDS & set(vals):
            receivers = self if 'closure_is_receiver' in vals else self.filtered('closure_is_receiver')
            if receivers:
                # the receiver's profile is part of every suggestion kept in its plans
                self.env['closure.receiver.capacity'].sudo().search(
                    [('partner_id', 'in', receivers.ids)]).plan_id._closure_bump_suggestions()
        return res

    @api.model
    def _closure_check_receiver_trust(self, fnames):
        """Only closure managers write what customers rely on about a receiver."""
        if fnames and not self.env.su and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_(
                "Only a closure manager sets a receiver's '%(field)s': customers rely on it when a receiver is "
                "proposed to them.", field=self._fields[fnames[0]]._description_string(self.env)))

    def action_view_closure_cases(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action['domain'] = [('partner_id', '=', self.id)]
        action['context'] = {}
        return action

    def action_closure_view_received_transfers(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_transfer')
        action['domain'] = [('receiver_id', '=', self.id)]
        action['context'] = {}
        return action

    def _closure_current_case_sql(self):
        """SQL yielding (partner_id, closure_tier, stage_id) of the current
        closure case of each of these partners: its newest active case."""
        return SQL(
            """SELECT DISTINCT ON (partner_id) partner_id, closure_tier, stage_id
                 FROM crm_lead
                WHERE partner_id = ANY(%s) AND closure_plan_id IS NOT NULL AND active
                ORDER BY partner_id, id DESC""", self._origin.ids)

    def _closure_refresh_case(self):
        """Store the tier and stage of these partners' current closure case
        (their newest active case) with one UPDATE of the rows that change.
        Called by the code that changes closure cases (crm.lead create, write,
        unlink; tiering in SQL) rather than by ORM triggers: a trigger on
        crm.lead stage or partner would run a query for every lead of every
        pipeline, closure or not. Returns the partners changed."""
        if not self:
            return self
        fnames = ['closure_tier', 'closure_stage_id']
        # every pending change of the cases at once (partner_id, closure_plan_id, closure_tier,
        # stage_id, active are read below): a stage move and what it recomputes
        # (closure_stage_code, crm's own fields) reach crm_lead in one UPDATE, not two
        self.env['crm.lead'].flush_model()
        self.flush_recordset(fnames)
        self.env.cr.execute(SQL(
            """UPDATE res_partner p
                  SET closure_tier = c.closure_tier, closure_stage_id = c.stage_id
                 FROM (SELECT p2.id, cur.closure_tier, cur.stage_id
                         FROM unnest(%(ids)s::int[]) AS p2(id)
                         LEFT JOIN (%(current)s) cur ON cur.partner_id = p2.id) c
                WHERE p.id = c.id
                  AND (p.closure_tier IS DISTINCT FROM c.closure_tier
                       OR p.closure_stage_id IS DISTINCT FROM c.stage_id)
            RETURNING p.id""",
            ids=self.ids, current=self._closure_current_case_sql()))
        changed = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_recordset(fnames)
        changed.modified(fnames)
        return changed

    def _closure_has_offer_terms(self):
        return any(partner[fname] for partner in self for fname in RECEIVER_TERM_FIELDS)
