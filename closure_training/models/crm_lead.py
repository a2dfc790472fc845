from collections import defaultdict

from odoo import api, models


class CrmLead(models.Model):
    _inherit = 'crm.lead'

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._closure_training_check_tier_a_owner()
        return leads

    def write(self, vals):
        if vals.get('user_id'):
            # refuse before writing anything
            self._closure_training_check_tier_a_owner(self.env['res.users'].browse(vals['user_id']))
        res = super().write(vals)
        if vals.get('closure_tier') == 'a' or vals.get('closure_plan_id'):
            self._closure_training_check_tier_a_owner()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_open_faq(self):
        """The handbook FAQ, searchable, opened on the case's topic."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('closure_training.action_closure_training_faq')
        topic = self._closure_faq_topic()
        action['context'] = {f'search_default_topic_{topic}': 1} if topic else {}
        action['target'] = 'new'
        return action

    def _closure_training_check_tier_a_owner(self, owner=None):
        """The 'own_tier_a' gate in the server: an A-tier case of a gated plan
        can only be owned by a certified (or exempted) person. ``owner``: the
        owner about to be set, else each case's current owner."""
        # ordinary leads first out: nothing of the closure runs on them
        cases = self.filtered(lambda lead: lead.closure_plan_id and lead.closure_tier == 'a'
                              and (owner or lead.user_id))
        # the gate is a server rule: read the plan and the owners' training as
        # superuser, whoever edits the case (a salesperson without closure rights too)
        for plan, plan_cases in cases.sudo().grouped('closure_plan_id').items():
            if plan.training_gate_own_tier_a:
                plan._check_closure_gate('own_tier_a', users=(owner or plan_cases.user_id).sudo())

    # ------------------------------------------------------------------
    # Procedure compliance: the mood of each reply (the taboo check of
    # staff messages is closure_crm's, crm_lead_notice.py)
    # ------------------------------------------------------------------
    def _closure_triage_messages(self, messages):
        """Keep the mood of each customer's reply on the message itself: the
        case holds only the last one, compliance counts every angry reply."""
        answered = super()._closure_triage_messages(messages)
        if not isinstance(messages, models.BaseModel):
            messages = self.env['mail.message'].browse(messages)
        messages = messages.filtered(lambda m: m.model == 'crm.lead').sorted('id')
        last = {message.res_id: message for message in messages}
        matchers = None
        by_mood = defaultdict(lambda: self.env['mail.message'])
        for message in messages:
            if last[message.res_id] == message:
                mood = self.browse(message.res_id).closure_reply_mood  # just classified by the triage
            else:
                matchers = matchers or self.env['closure.phrase']._get_matchers(['angry', 'anxious', 'rights'])
                mood = self.env['closure.phrase']._classify_reply(message.body, matchers)[0]
            if mood:
                by_mood[mood] |= message
        for mood, mood_messages in by_mood.items():
            mood_messages.sudo().write({'closure_reply_mood': mood})  # evidence: see mail.message.write
        return answered

    # ------------------------------------------------------------------
    # Handbook FAQ from the case
    # ------------------------------------------------------------------
    def _closure_faq_topic(self):
        """The FAQ topic the case is about now: a refund asked, a data copy
        asked, a transfer under way; else none."""
        self.ensure_one()
        if self.closure_refund_requested_date:
            return 'refund'
        if self.closure_export_requested_date:
            return 'data'
        if self.closure_transfer_count:
            return 'transfer'
        return False
