import base64
import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext

from ..tools.trust import is_trusted, trusted

TRANSFER_STATES = [
    ('proposed', 'Proposed'),
    ('introduced', 'Introduced'),
    ('customer_accepted', 'Customer Accepted'),
    ('customer_declined', 'Customer Declined'),
    ('receiver_accepted', 'Receiver Accepted'),
    ('receiver_declined', 'Receiver Declined'),
    ('handed_over', 'Data Handed Over'),
    ('completed', 'Completed'),
    ('cancelled', 'Cancelled'),
]
# a live transfer holds a slot of the receiver's capacity; a case has one at most
LIVE_STATES = ('proposed', 'introduced', 'customer_accepted', 'receiver_accepted', 'handed_over', 'completed')
# the customer may still answer (accept, pick another, decline)
OPEN_STATES = ('proposed', 'introduced', 'customer_accepted', 'receiver_accepted')
ACCEPTED_STATES = ('receiver_accepted', 'handed_over', 'completed')
DECLINED_STATES = ('customer_declined', 'receiver_declined')
# the parts of a data package that hold a data category's content
PACKAGE_CATEGORY_KEYS = ('contact', 'open_business', 'notes')
# introduced once: a proposal, or a receiver the customer picked themselves
INTRODUCE_STATES = ('proposed', 'customer_accepted')

CUSTOMER_SIZES = [
    ('micro', 'Micro (< 10 staff)'),
    ('small', 'Small (10-49)'),
    ('medium', 'Medium (50-249)'),
    ('large', 'Large (250+)'),
]
SIZE_RANK = {code: rank for rank, (code, _label) in enumerate(CUSTOMER_SIZES, start=1)}

TRANSFER_ISSUES = [
    ('no_receiver', 'No receiver in this plan'),
    ('segment', 'No receiver takes this segment'),
    ('declined', 'Every fitting receiver was declined'),
    ('low_score', 'No receiver matches well enough'),
    ('capacity', 'Fitting receivers are full'),
]

INTRODUCTION_BATCH = 200
# written by the workflow methods only (``_workflow``), never by a client
WORKFLOW_FIELDS = (
    'state', 'date_proposed', 'date_introduced', 'date_customer_answer', 'date_receiver_answer',
    'date_handed_over', 'date_completed', 'consent_id', 'package_attachment_id', 'package_category_ids',
    'handover_user_id', 'capacity_id', 'origin', 'rank', 'score', 'score_industry', 'score_region',
    'score_services', 'score_segment', 'score_capacity', 'score_acceptance', 'fee_expected', 'currency_id',
    'introduction_pending',
)
# written by the cancellation only (_cancel), never by a client
CANCEL_FIELDS = ('cancel_reason', 'cancel_user_id')
WORKFLOW_KEY = 'closure_transfer_workflow'


class ClosureTransfer(models.Model):
    """The proposal to hand one customer over to one receiving partner, from
    the three-way introduction to the recorded data hand-over."""

    _name = 'closure.transfer'
    _description = 'Customer Transfer'
    _inherit = ['portal.mixin', 'mail.thread', 'mail.activity.mixin']
    _order = 'id desc'
    _check_company_auto = True

    # the case, its customer and owner, the consent and the free-text reasons
    # are for staff (groups): a receiver's portal user reads the pseudonymous
    # profile of _portal_customer_view() until the customer consents (PIPL Art. 23)
    lead_id = fields.Many2one(
        'crm.lead', 'Case', required=True, index=True, ondelete='cascade', check_company=True,
        domain="[('closure_plan_id', '!=', False)]", groups='base.group_user')
    plan_id = fields.Many2one(related='lead_id.closure_plan_id', store=True, index=True, string='Closure Plan')
    partner_id = fields.Many2one(related='lead_id.partner_id', store=True, index=True, string='Customer',
                                 groups='base.group_user')
    user_id = fields.Many2one(related='lead_id.user_id', store=True, string='Case Owner', groups='base.group_user')
    company_id = fields.Many2one(
        'res.company', compute='_compute_company_id', store=True, precompute=True, index=True)
    receiver_id = fields.Many2one(
        'res.partner', required=True, index=True, ondelete='restrict', tracking=True,
        check_company=True, domain="[('closure_is_receiver', '=', True)]")
    receiver_contact_id = fields.Many2one(
        related='receiver_id.closure_transfer_contact_id', string='Receiver Contact')
    capacity_id = fields.Many2one(
        'closure.receiver.capacity', 'Capacity Line', index=True, ondelete='restrict', readonly=True,
        copy=False, check_company=True)
    state = fields.Selection(
        TRANSFER_STATES, 'Status', default='proposed', required=True, index=True,
        tracking=True, copy=False, readonly=True)
    origin = fields.Selection([
        ('suggestion', 'Picked from suggestions'),
        ('bulk', 'Bulk assignment'),
        ('customer', "Customer's choice"),
    ], default='suggestion', required=True, readonly=True, copy=False)
    rank = fields.Integer('Suggestion Rank', readonly=True, copy=False)
    score = fields.Float('Match Score', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_industry = fields.Float('Industry', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_region = fields.Float('Region', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_services = fields.Float('Services', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_segment = fields.Float('Segment and Size', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_capacity = fields.Float('Remaining Capacity', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    score_acceptance = fields.Float('Past Acceptance', digits=(5, 1), readonly=True, copy=False, aggregator='avg')
    currency_id = fields.Many2one('res.currency', readonly=True, copy=False)
    fee_expected = fields.Monetary(
        'Expected Referral Fee', currency_field='currency_id', readonly=True, copy=False,
        help="From the receiver's fee terms when the transfer was proposed.")
    date_proposed = fields.Datetime('Proposed On', default=fields.Datetime.now, readonly=True, copy=False)
    date_introduced = fields.Datetime('Introduced On', readonly=True, copy=False)
    date_customer_answer = fields.Datetime('Customer Answered On', readonly=True, copy=False)
    date_receiver_answer = fields.Datetime('Receiver Answered On', readonly=True, copy=False)
    date_handed_over = fields.Datetime('Handed Over On', readonly=True, copy=False)
    date_completed = fields.Datetime('Completed On', readonly=True, copy=False)
    decline_reason = fields.Text(copy=False, groups='base.group_user')
    introduction_pending = fields.Boolean(
        'Introduction Queued', readonly=True, copy=False,
        help="Set while the scheduled job sends the introduction mails in batches.")
    consent_id = fields.Many2one(
        'closure.consent', readonly=True, copy=False, check_company=True, groups='base.group_user',
        help="The customer's recorded answer that allows this transfer: the consent the hand-over rests on.")
    consent_category_ids = fields.Many2many(
        related='consent_id.data_category_ids', string='Data Consented')
    package_attachment_id = fields.Many2one(
        'ir.attachment', 'Data Package', readonly=True, copy=False, groups='base.group_user',
        index='btree_not_null')
    package_category_ids = fields.Many2many(
        'closure.data.category', 'closure_transfer_package_category_rel', 'transfer_id', 'category_id',
        string='Data Handed Over', readonly=True, copy=False)
    handover_user_id = fields.Many2one('res.users', 'Handed Over By', readonly=True, copy=False)
    cancel_reason = fields.Text(
        'Cancellation Reason', readonly=True, copy=False, groups='base.group_user',
        help="Why a closure manager cancelled a transfer that the customer and the receiver had both accepted.")
    cancel_user_id = fields.Many2one('res.users', 'Cancelled By', readonly=True, copy=False)

    @api.depends('lead_id.company_id', 'lead_id.closure_plan_id.company_id')
    def _compute_company_id(self):
        for transfer in self:
            transfer.company_id = transfer.lead_id.company_id or transfer.lead_id.closure_plan_id.company_id

    @api.depends('partner_id', 'receiver_id', 'state')
    @api.depends_context('uid')
    def _compute_display_name(self):
        # a receiver's portal user learns who the customer is with their consent only
        share = self.env.user.share
        for transfer in self:
            transfer_sudo = transfer.sudo()  # the customer's name, shown to whom may see it
            customer = transfer_sudo.partner_id.display_name or ''
            if share and not transfer_sudo._identity_consented():
                customer = transfer._portal_reference()
            transfer.display_name = _(
                "%(customer)s to %(receiver)s", customer=customer, receiver=transfer.receiver_id.display_name or '')

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for transfer in self:
            transfer.access_url = f'/my/closure/transfers/{transfer.id}'
        return res

    @api.constrains('package_attachment_id')
    def _check_package_attachment(self):
        for transfer in self.filtered('package_attachment_id'):
            attachment = transfer.sudo().package_attachment_id  # the owner of the file, whoever reads it
            if attachment.res_model != self._name or attachment.res_id != transfer.id:
                raise ValidationError(_(
                    "The data package of %(transfer)s must be the file recorded on this transfer at the "
                    "hand-over, not %(attachment)s.", transfer=transfer.display_name, attachment=attachment.name))

    def init(self):
        res = super().init()
        # never two live transfers for one case, whatever runs at the same time
        self.env.cr.execute(SQL(
            """CREATE UNIQUE INDEX IF NOT EXISTS closure_transfer_live_case_uniq
                   ON closure_transfer (lead_id) WHERE state IN %s""", LIVE_STATES))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_workflow():
            for vals in vals_list:
                if vals.get('state', 'proposed') != 'proposed':
                    raise UserError(_(
                        "A transfer starts as a proposal: it is introduced, answered and handed over by its "
                        "actions, not created as '%(state)s'.", state=vals['state']))
                self._check_workflow_fields(
                    set(vals) - {'state'},
                    _("A transfer is created as a proposal of a case to a receiver: '%(field)s' is set by the "
                      "transfer's actions, not given."))
        leads = self.env['crm.lead'].browse([vals['lead_id'] for vals in vals_list if vals.get('lead_id')])
        capacities = self.env['closure.receiver.capacity']
        Matcher = self.env['closure.transfer.matcher']
        for vals in vals_list:
            lead = leads.browse(vals.get('lead_id'))
            if 'score' not in vals and vals.get('receiver_id'):
                # picked by hand: score and fee as a suggestion would show them
                for key, value in Matcher._transfer_values(
                    lead, self.env['res.partner'].browse(vals['receiver_id'])
                ).items():
                    vals.setdefault(key, value)
            if not vals.get('capacity_id'):
                capacity = self._find_capacity(lead, self.env['res.partner'].browse(vals.get('receiver_id')))
                vals['capacity_id'] = capacity.id
            capacities |= capacities.browse(vals['capacity_id'])
            vals.setdefault('currency_id', (lead.company_id or self.env.company).currency_id.id)
        capacities._lock()
        self._check_one_live_transfer(leads, [vals.get('state', 'proposed') for vals in vals_list])
        transfers = super().create(vals_list)
        capacities._sync_usage()
        transfers.lead_id.filtered('closure_transfer_issue').write({'closure_transfer_issue': False})
        return transfers

    def write(self, vals):
        self._check_workflow_fields(vals, _(
            "'%(field)s' of a transfer is written by its actions (introduce, record the answers, hand over, "
            "cancel), never directly."))
        if 'receiver_id' in vals and any(t.receiver_id.id != vals['receiver_id'] for t in self):
            raise UserError(_("A transfer keeps its receiver: cancel it and propose another receiver instead."))
        if 'lead_id' in vals and any(t.lead_id.id != vals['lead_id'] for t in self):
            raise UserError(_("A transfer keeps its case: cancel it and propose the other case instead."))
        if 'state' not in vals and 'capacity_id' not in vals:
            return super().write(vals)
        capacities = self.capacity_id
        res = super().write(vals)
        (capacities | self.capacity_id)._sync_usage()
        # a receiver declined is never suggested to the case again
        self.lead_id._closure_forget_suggestions()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_introduced(self):
        """A transfer past its proposal is the record of an introduction, an
        answer or a hand-over: cancel it instead."""
        for transfer in self:
            if transfer.date_introduced or transfer.consent_id or transfer.state not in ('proposed', 'cancelled') \
                    or transfer.sudo().package_attachment_id:
                raise UserError(_(
                    "%(transfer)s records an introduction, an answer or a hand-over (status: %(state)s): "
                    "it cannot be deleted. Cancel it instead.",
                    transfer=transfer.display_name, state=transfer._state_label()))
        if self.env['closure.consent'].sudo().search_count([('transfer_id', 'in', self.ids)], limit=1):
            raise UserError(_("A transfer that a customer answered cannot be deleted: cancel it instead."))

    def action_introduce(self):
        """Send the three-way introduction of proposed transfers: at once for
        a few, queued to the scheduled job (batches) for many. A transfer is
        introduced once: the ones already introduced are skipped."""
        to_introduce = self.filtered(lambda t: t.state in INTRODUCE_STATES and not t.date_introduced)
        if len(to_introduce) <= INTRODUCTION_BATCH:
            # one transfer: say why it cannot go; several: skip those, noted on each
            to_introduce._send_introduction(raise_if_missing=len(self) == 1)
        else:
            to_introduce._workflow().write({'introduction_pending': True})
            self.env.ref('closure_crm.ir_cron_closure_transfer_introduce')._trigger()
        return True

    def action_receiver_accept(self):
        self._check_manager(_("Only a closure manager records a receiver's answer; receivers answer on their portal."))
        self._receiver_answer(True)

    def action_receiver_decline(self):
        self._check_manager(_("Only a closure manager records a receiver's answer; receivers answer on their portal."))
        self._receiver_answer(False)

    def action_record_consent(self):
        """Open a new consent record for the customer's answer."""
        self.ensure_one()
        decision = self.env.context.get('consent_decision', 'accept')
        return {
            'type': 'ir.actions.act_window',
            'name': _("Customer's Answer"),
            'res_model': 'closure.consent',
            'view_mode': 'form',
            'target': 'new',
            'context': {
                'default_lead_id': self.lead_id.id,
                'default_transfer_id': self.id,
                'default_decision': decision,
                'default_receiver_id': self.receiver_id.id if decision == 'accept' else False,
            },
        }

    def action_hand_over(self):
        """Hand the customer's data package to the receiver: exactly the
        categories the customer consented to, as an attachment recorded on
        the transfer. Refused without the customer's recorded consent
        (PIPL Art. 22, GDPR Art. 6 and 13/14)."""
        self._check_manager(_("Only a closure manager hands customer data over to a receiver."))
        for transfer in self:
            if transfer.state != 'receiver_accepted':
                raise UserError(_(
                    "%(transfer)s: data is handed over once the customer and the receiver both accepted "
                    "(status: %(state)s).", transfer=transfer.display_name, state=transfer._state_label()))
            consent = transfer._valid_consent()
            if not consent:
                raise UserError(_(
                    "No data goes to %(receiver)s without the recorded consent of %(customer)s "
                    "(PIPL Art. 22, GDPR Art. 6 and 13/14). Record the customer's answer first: "
                    "channel, date, the data categories they agree to share and the evidence.",
                    receiver=transfer.receiver_id.display_name, customer=transfer.partner_id.display_name))
            if not transfer.receiver_id.closure_dpa_date:
                raise UserError(_(
                    "%(receiver)s has not signed its data-protection commitment: record the date it "
                    "was signed on the receiver before handing data over.",
                    receiver=transfer.receiver_id.display_name))
            transfer.plan_id._check_closure_gate('confirm_handover')
            package = transfer._build_package(consent)
            attachment = self.env['ir.attachment'].create({
                'name': f"transfer-{transfer.id}-data-package.json",
                'res_model': transfer._name,
                'res_id': transfer.id,
                'mimetype': 'application/json',
                'raw': json.dumps(package, ensure_ascii=False, indent=2, default=str).encode(),
            })
            transfer._workflow().write({
                'state': 'handed_over',
                'date_handed_over': fields.Datetime.now(),
                'handover_user_id': self.env.user.id,
                'package_attachment_id': attachment.id,
                'package_category_ids': [fields.Command.set(consent.data_category_ids.ids)],
                'consent_id': consent.id,
            })
            transfer.message_post(
                body=_("Data package handed over to %(receiver)s: %(categories)s.",
                       receiver=transfer.receiver_id.display_name,
                       categories=', '.join(consent.data_category_ids.mapped('name'))),
                attachment_ids=attachment.ids)
        return True

    # ------------------------------------------------------------------
    # Completion, cancellation
    # ------------------------------------------------------------------
    def action_complete(self):
        for transfer in self:
            if transfer.state != 'handed_over':
                raise UserError(_(
                    "%(transfer)s is completed after the data hand-over (status: %(state)s).",
                    transfer=transfer.display_name, state=transfer._state_label()))
        self._workflow().write({'state': 'completed', 'date_completed': fields.Datetime.now()})
        self.env['closure.obligation']._closure_take_over(self)
        self.lead_id._closure_set_stage('transferred')
        return True

    def action_cancel(self):
        """Cancel the transfers. One that the customer and the receiver both
        accepted is an agreement: only a closure manager cancels it, giving
        the reason (the cancellation wizard asks for it)."""
        agreed = self.filtered(lambda t: t.state == 'receiver_accepted')
        if agreed:
            agreed._check_cancel_agreed()
            return {
                'type': 'ir.actions.act_window',
                'name': _('Cancel Agreed Transfers'),
                'res_model': 'closure.transfer.cancel',
                'view_mode': 'form',
                'target': 'new',
                'context': {'default_transfer_ids': [fields.Command.set(self.ids)]},
            }
        return self._cancel()

    def _cancel(self, reason=False):
        """Cancel the transfers after the checks: never once the data is
        handed over; an agreed one (both sides accepted) by a closure
        manager with a reason, kept on the transfer and in its history."""
        for transfer in self:
            if transfer.state in ('handed_over', 'completed'):
                raise UserError(_(
                    "%(transfer)s: the data is already handed over, the transfer cannot be cancelled. "
                    "Ask the receiver to delete the data if the customer asks (PIPL Art. 47).",
                    transfer=transfer.display_name))
        agreed = self.filtered(lambda t: t.state == 'receiver_accepted')
        reason = (reason or '').strip()
        if agreed:
            agreed._check_cancel_agreed()
            if not reason:
                raise UserError(_(
                    "%(transfer)s was accepted by the customer and the receiver: give the reason for cancelling "
                    "it (Cancellation Reason).", transfer=agreed[0].display_name))
        self.filtered(lambda t: t.state != 'cancelled')._workflow().write({
            'state': 'cancelled', 'introduction_pending': False,
            'cancel_reason': reason or False, 'cancel_user_id': self.env.user.id,
        })
        for transfer in agreed:
            transfer.message_post(body=_(
                "Cancelled by %(user)s although the customer and the receiver had accepted: %(reason)s",
                user=self.env.user.name, reason=reason))
        return True

    def _check_cancel_agreed(self):
        if not self.env.su and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_(
                "%(transfer)s was accepted by the customer and the receiver: only a closure manager may cancel "
                "it, with a reason.", transfer=self[:1].display_name))

    # ------------------------------------------------------------------
    # CRUD: proposals only, capacity and the one-live-transfer rule
    # ------------------------------------------------------------------
    def _workflow(self):
        """These transfers, allowed to write the workflow fields: for the
        workflow methods, after their checks."""
        return self.with_context(**trusted(WORKFLOW_KEY))

    def _is_workflow(self):
        return self.env.su or is_trusted(self.env, WORKFLOW_KEY)

    def _check_workflow_fields(self, fnames, message):
        """Refuse a client's value for a workflow field, naming it."""
        forbidden = [fname for fname in WORKFLOW_FIELDS + CANCEL_FIELDS if fname in fnames]
        if forbidden and not self._is_workflow():
            raise UserError(message % {'field': self._fields[forbidden[0]]._description_string(self.env)})

    @api.model
    def _find_capacity(self, lead, receiver):
        if not lead.closure_plan_id:
            raise UserError(_("%(case)s is not a closure case.", case=lead.display_name))
        capacity = self.env['closure.receiver.capacity'].search(
            [('plan_id', '=', lead.closure_plan_id.id), ('partner_id', '=', receiver.id)], limit=1)
        if not capacity:
            raise UserError(_(
                "%(receiver)s has no capacity in %(plan)s. Add a capacity line for this plan on the receiver first.",
                receiver=receiver.display_name, plan=lead.closure_plan_id.name))
        return capacity

    @api.model
    def _check_one_live_transfer(self, leads, states):
        """A clear message before the unique index would refuse a second live
        transfer for a case (the index still guards concurrent requests)."""
        new_live = [lead.id for lead, state in zip(leads, states, strict=True) if state in LIVE_STATES]
        duplicates = {lead_id for lead_id in new_live if new_live.count(lead_id) > 1}
        if new_live:
            self.flush_model(['lead_id', 'state'])
            self.env.cr.execute(SQL(
                "SELECT lead_id FROM closure_transfer WHERE lead_id IN %s AND state IN %s",
                tuple(new_live), LIVE_STATES))
            duplicates |= {row[0] for row in self.env.cr.fetchall()}
        if duplicates:
            lead = self.env['crm.lead'].browse(sorted(duplicates)[0])
            raise UserError(_(
                "%(case)s already has a transfer under way. Cancel it before proposing another receiver.",
                case=lead.display_name))

    # ------------------------------------------------------------------
    # Introduction
    # ------------------------------------------------------------------
    def _introduction_partners(self):
        """Who gets the introduction naming the receiver: the customer and
        the case owner. The receiver gets the pseudonymous proposal instead
        (_receiver_partner), and learns who the customer is with their consent."""
        self.ensure_one()
        return (self.partner_id | self.user_id.partner_id).filtered('email')

    def _receiver_partner(self):
        """The receiver's side of the introduction: its transfer contact, or the company."""
        self.ensure_one()
        return (self.receiver_contact_id or self.receiver_id).filtered('email')

    def _send_introduction(self, raise_if_missing=False):
        """Queue one introduction mail per transfer (mail.mail, the mail queue
        sends it) and mark the transfers introduced. Transfers whose customer
        or receiver contact has no email address are left proposed, with a
        note (or an error with ``raise_if_missing``)."""
        missing = self.filtered(lambda t: not t.partner_id.email or not (t.receiver_contact_id or t.receiver_id).email)
        if missing:
            message = _("Cannot introduce %(transfer)s: the customer and the receiver's contact both need "
                        "an email address.", transfer=missing[0].display_name)
            if raise_if_missing:
                raise UserError(message)
            missing._workflow().write({'introduction_pending': False})
            for transfer in missing:
                transfer.message_post(body=_(
                    "Not introduced: the customer and the receiver's contact both need an email address."))
        transfers = self - missing
        if not transfers:
            return transfers
        self.env.ref('closure_crm.mail_template_transfer_introduction').send_mail_batch(transfers.ids)
        self.env.ref('closure_crm.mail_template_transfer_receiver_proposal').send_mail_batch(transfers.ids)
        self.env['mail.mail']._closure_trigger_queue()
        now = fields.Datetime.now()
        # a receiver the customer picked themselves keeps the customer's acceptance
        proposed = transfers.filtered(lambda t: t.state == 'proposed')
        proposed._workflow().write({'state': 'introduced'})
        transfers._workflow().write({'date_introduced': now, 'introduction_pending': False})
        for transfer in transfers:
            transfer.message_post(body=_(
                "Introduction sent to %(names)s; the receiver's contact %(receiver)s got the customer's profile "
                "without their identity, which follows their consent.",
                names=', '.join(transfer._introduction_partners().mapped('display_name')),
                receiver=transfer._receiver_partner().display_name))
        return transfers

    @api.model
    def _cron_send_introductions(self):
        """Scheduled job: send the queued introductions, one batch per call,
        on the closure jobs' batch protocol (``ir.cron._closure_run_batch``).
        The transfers are claimed with SKIP LOCKED, so two servers never
        mail the same one twice."""
        self.env.ref('closure_crm.ir_cron_closure_transfer_introduce')._closure_run_batch(
            self._send_introductions_batch, self._count_introductions_queued)

    @api.model
    def _send_introductions_batch(self):
        """Claim up to INTRODUCTION_BATCH queued transfers no other worker
        holds and introduce them (the ones without an address are noted and
        taken off the queue). Returns the transfers handled."""
        self.flush_model(['introduction_pending', 'state', 'date_introduced'])
        self.env.cr.execute(SQL(
            """SELECT id FROM closure_transfer
                WHERE introduction_pending AND state IN %s AND date_introduced IS NULL
                ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED""", INTRODUCE_STATES, INTRODUCTION_BATCH))
        transfers = self.browse([row[0] for row in self.env.cr.fetchall()])
        transfers._send_introduction()
        return len(transfers)

    @api.model
    def _count_introductions_queued(self):
        return self.search_count([('introduction_pending', '=', True), ('state', 'in', INTRODUCE_STATES),
                                  ('date_introduced', '=', False)])

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------
    def _record_customer_answer(self, consent, decision=None):
        """Apply the customer's recorded answer (closure.consent) to this
        transfer: accepted (with the consent that allows the hand-over) or
        declined (``decision='decline'``: they picked another receiver).
        Accepting moves the case to 'Transfer Agreed'."""
        self.ensure_one()
        decision = decision or consent.decision
        if self.state not in OPEN_STATES:
            raise UserError(_(
                "The customer can no longer answer %(transfer)s (status: %(state)s).",
                transfer=self.display_name, state=self._state_label()))
        if decision != 'decline':
            state = 'receiver_accepted' if self.state == 'receiver_accepted' else 'customer_accepted'
            self._workflow().write({'state': state, 'consent_id': consent.id, 'date_customer_answer': consent.date})
            self.lead_id._closure_set_stage('transfer_agreed')
            if self.date_introduced and self._receiver_partner() and self._identity_consented():
                # the receiver learns who the customer is, and what they agreed to, with the consent
                self.env.ref('closure_crm.mail_template_transfer_receiver_consent').send_mail(self.id)
                self.env['mail.mail']._closure_trigger_queue()
        else:
            self._workflow().write({'state': 'customer_declined', 'date_customer_answer': consent.date})
        self.message_post(body=_(
            "The customer answered: %(decision)s (%(channel)s, recorded by %(user)s).",
            decision=dict(consent._fields['decision']._description_selection(self.env))[decision],
            channel=consent._channel_label(), user=consent.user_id.display_name))

    def _receiver_answer(self, accept, reason=False, author=None):
        """The receiver's answer, from its portal or recorded by a manager.
        It accepts once the customer has; it may decline any time before the
        hand-over. A decline frees the slot; the next bulk run proposes
        another receiver. Only the receiver's own portal users answer, or a
        closure manager recording what the receiver said."""
        self._check_receiver_answer_user()
        for transfer in self:
            if accept and transfer.state != 'customer_accepted':
                raise UserError(_(
                    "%(transfer)s: the receiver accepts once the customer has accepted (status: %(state)s).",
                    transfer=transfer.display_name, state=transfer._state_label()))
            if not accept and transfer.state not in ('proposed', 'introduced', 'customer_accepted'):
                raise UserError(_(
                    "%(transfer)s can no longer be declined (status: %(state)s).",
                    transfer=transfer.display_name, state=transfer._state_label()))
            transfer._workflow().write({
                'state': 'receiver_accepted' if accept else 'receiver_declined',
                'date_receiver_answer': fields.Datetime.now(),
                'decline_reason': False if accept else reason,
            })
            # a note for the staff who follow the case, in the case owner's language (not the receiver's);
            # sudo: a receiver's portal user may not read who owns the case, only its language is used
            owner_lang = (transfer.sudo().user_id or transfer.sudo().plan_id.user_id).lang
            staff_env = transfer.with_context(lang=owner_lang).env if owner_lang else transfer.env
            if accept:
                body = staff_env._("%(receiver)s accepted the customer.", receiver=transfer.receiver_id.display_name)
            else:
                body = staff_env._("%(receiver)s declined the customer: %(reason)s",
                                   receiver=transfer.receiver_id.display_name,
                                   reason=reason or staff_env._("no reason given"))
            transfer.message_post(body=body, author_id=author.id if author else None)
        return True

    def _check_receiver_answer_user(self):
        """Who may answer in the receiver's name: a portal user of the
        receiver company, or a closure manager recording its answer. Not a
        rep, not another receiver's user (whatever environment calls)."""
        user = self.env.user
        if user._is_superuser() or user.has_group('closure_crm.group_closure_manager'):
            return
        for transfer in self:
            if not user.share or user.partner_id.commercial_partner_id != transfer.receiver_id.commercial_partner_id:
                raise AccessError(_(
                    "Only the portal users of %(receiver)s answer for it (or a closure manager records its "
                    "answer): %(user)s cannot.", receiver=transfer.receiver_id.display_name, user=user.name))

    def _check_manager(self, message):
        if not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(message)

    # ------------------------------------------------------------------
    # Hand-over
    # ------------------------------------------------------------------
    def _valid_consent(self):
        """The consent the hand-over rests on: the transfer's own recorded
        consent (set when the customer's answer was applied to it), when it
        allows handing data to this receiver and is not dated in the future;
        else an empty recordset. A later answer (decline, another receiver) is
        applied to the transfer too: it declines it or replaces its consent."""
        self.ensure_one()
        consent = self.consent_id
        if consent and consent.lead_id == self.lead_id and consent.decision in ('accept', 'pick_another') \
                and consent.receiver_id == self.receiver_id and consent.data_category_ids \
                and consent.date <= fields.Datetime.now():
            return consent
        return self.env['closure.consent']

    def _build_package(self, consent):
        """The data package: only the consented categories, machine-readable
        (GDPR Art. 20), with the consent it rests on."""
        self.ensure_one()
        lead, customer = self.lead_id, self.partner_id.commercial_partner_id
        codes = set(consent.data_category_ids.mapped('code'))
        package = {
            'transfer': self.id,
            'from_company': self.company_id.name,
            'receiver': self.receiver_id.name,
            'customer_reference': lead.id,
            'consent': {
                'date': consent.date,
                'channel': consent.channel,
                'categories': sorted(codes),
            },
        }
        if 'contact' in codes:
            def contact(partner):
                return {
                    'name': partner.name, 'function': partner.function, 'email': partner.email,
                    'phone': partner.phone, 'mobile': partner.mobile,
                }
            package['contact'] = dict(
                contact(customer), is_company=customer.is_company, street=customer.street,
                street2=customer.street2, zip=customer.zip, city=customer.city,
                state=customer.state_id.name, country=customer.country_id.name, website=customer.website,
                lang=customer.lang, contacts=[contact(child) for child in customer.child_ids if child.active])
        if 'open_business' in codes:
            package['open_business'] = {
                'obligations': [{
                    'type': obligation.obligation_type, 'name': obligation.name,
                    'amount': obligation.amount, 'currency': obligation.currency_id.name,
                    'due_date': obligation.due_date,
                } for obligation in lead.closure_obligation_ids if obligation.state == 'open'],
                'opportunities': [{
                    'name': opportunity.name, 'expected_revenue': opportunity.expected_revenue,
                    'stage': opportunity.stage_id.name, 'deadline': opportunity.date_deadline,
                } for opportunity in self.env['crm.lead'].search([
                    ('partner_id', 'child_of', customer.id), ('closure_plan_id', '=', False),
                    ('type', '=', 'opportunity'), ('stage_id.is_won', '=', False)])],
            }
        if 'notes' in codes:
            package['notes'] = {
                'industry': lead.closure_industry_id.name,
                'size': lead.closure_customer_size,
                'services': lead.closure_service_ids.mapped('name'),
                'process_dependencies': lead.closure_process_dependencies,
                'replacement_needs': lead.closure_replacement_needs,
                'notes': html2plaintext(lead.description or ''),
            }
        return package

    def _state_label(self):
        return dict(self._fields['state']._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------
    # Receiver portal
    # ------------------------------------------------------------------
    def _identity_consented(self):
        """Whether the receiver may know who the customer is: once the
        customer accepted this very receiver (PIPL Art. 23: separate consent
        before personal information goes to another handler)."""
        self.ensure_one()
        transfer = self.sudo()  # the consent is staff data; the answer here is a yes or no
        return transfer.state in ('customer_accepted',) + ACCEPTED_STATES and bool(transfer._valid_consent())

    def _portal_reference(self):
        """The pseudonym a receiver knows the customer by before their consent."""
        self.ensure_one()
        return _("Proposed customer #%(reference)s", reference=self.id)

    def _portal_profile(self):
        """The pseudonymous profile of the customer: what a receiver decides
        on before the customer consents. Industry, region, size band and
        services; no name, no contact, no free text."""
        self.ensure_one()
        lead = self.sudo().lead_id  # portal user: the case itself stays out of reach
        return {
            'industry': lead.closure_industry_id.name or '',
            'region': ', '.join(filter(None, [lead.state_id.name, lead.country_id.name])),
            'services': lead.closure_service_ids.mapped('name'),
            'size': dict(lead._fields['closure_customer_size']._description_selection(self.env)).get(
                lead.closure_customer_size, ''
            ),
        }

    def _portal_customer_view(self):
        """What the receiver's portal shows of the customer. Before the
        customer consents: the pseudonymous profile only (_portal_profile).
        With the consent: who the customer is and the categories they agreed
        to. The customer's data (contact, open business, notes) only once it
        has been handed over, and only the categories consented to."""
        self.ensure_one()
        lead = self.sudo().lead_id  # portal user: the case itself stays out of reach
        view = dict(self._portal_profile(), customer_name=self._portal_reference(), segment='',
                    open_milestones=0, categories=[], identified=False, package={})
        if self._identity_consented():
            view.update({
                'customer_name': lead.partner_id.commercial_partner_id.name,
                'segment': dict(lead._fields['closure_segment']._description_selection(self.env)).get(
                    lead.closure_segment, ''),
                'open_milestones': lead.closure_open_milestone_count,
                'categories': self.sudo().consent_id.data_category_ids.mapped('name'),
                'identified': True,
            })
        view['package'] = self._portal_package()
        return view

    def _portal_customer_label(self):
        """The customer as the receiver's transfer list names them."""
        self.ensure_one()
        if self._identity_consented():
            return self.sudo().partner_id.commercial_partner_id.name
        return self._portal_reference()

    def _portal_package(self):
        """The data package as the receiver gets it: the file recorded on
        this transfer at the hand-over, with only the categories the customer
        consented to, whatever the file holds. Empty before the hand-over."""
        attachment = self._portal_package_attachment()
        if not attachment:
            return {}
        package = json.loads(base64.b64decode(attachment.datas or b'{}') or '{}')
        consented = set(self.sudo().consent_id.data_category_ids.mapped('code'))
        return {key: value for key, value in package.items()
                if key not in PACKAGE_CATEGORY_KEYS or key in consented}

    def _portal_package_attachment(self):
        """The data package the receiver may download: once handed over,
        and only the file recorded on this very transfer."""
        self.ensure_one()
        attachment = self.sudo().package_attachment_id  # the receiver's user reads it through the transfer
        if self.state not in ('handed_over', 'completed') or not attachment \
                or attachment.res_model != self._name or attachment.res_id != self.id:
            return self.env['ir.attachment']
        return attachment

    def _portal_can_answer(self):
        self.ensure_one()
        return {
            'accept': self.state == 'customer_accepted',
            'decline': self.state in ('introduced', 'customer_accepted'),
        }

    # ------------------------------------------------------------------
    # Statistics (receiver registry, matching)
    # ------------------------------------------------------------------
    @api.model
    def _receiver_stats(self, receiver_ids):
        """{receiver id: (offered, accepted, completed, declined)} over every
        plan, in one query. Offered counts transfers past the proposal."""
        if not receiver_ids:
            return {}
        self.flush_model(['receiver_id', 'state'])
        self.env.cr.execute(SQL(
            """SELECT receiver_id,
                      COUNT(*) FILTER (WHERE state NOT IN ('proposed', 'cancelled')),
                      COUNT(*) FILTER (WHERE state IN %(accepted)s),
                      COUNT(*) FILTER (WHERE state = 'completed'),
                      COUNT(*) FILTER (WHERE state = 'receiver_declined')
                 FROM closure_transfer
                WHERE receiver_id IN %(ids)s
                GROUP BY receiver_id""",
            accepted=ACCEPTED_STATES, ids=tuple(receiver_ids)))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}
