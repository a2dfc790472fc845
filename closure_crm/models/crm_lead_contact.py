from odoo import _, models


class CrmLead(models.Model):
    """Reaching the customer beyond the notices: the news opt-in of the
    customer's answer page kept in step with the plan's news list, and the
    personal meeting of the case (tier A: the founder meets the customer)."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    def write(self, vals):
        res = super().write(vals)
        if 'closure_news_opt_in' in vals and not self.env.context.get('closure_news_no_sync'):
            cases = self.filtered('closure_plan_id')
            if cases:
                resubscribe = cases if vals['closure_news_opt_in'] else self.browse()
                cases.closure_plan_id._closure_sync_news_list(resubscribe=resubscribe)
        return res

    def action_closure_book_meeting(self):
        """Book the personal meeting of the case in the calendar, as crm's
        own button does, with the plan's manager or signatory (tier A: the
        founder meets the customer) as organiser and attendee."""
        self.ensure_one()
        action = self.action_schedule_meeting()
        host = self._closure_personal_contact_user()
        partner_ids = list(dict.fromkeys(host.partner_id.ids + self.env.user.partner_id.ids + self.partner_id.ids))
        action['context'] = dict(
            action['context'],
            default_partner_ids=partner_ids,
            default_user_id=host.id,
            default_name=_("Personal meeting: %(customer)s", customer=self.partner_id.display_name),
        )
        return action

    def _closure_personal_contact_user(self):
        """Who contacts the customer personally: for a tier A case the plan's
        signatory (the founder) or manager, for the others the case's owner."""
        self.ensure_one()
        if self.closure_tier == 'a':
            return self.closure_plan_id._closure_personal_contact_user()
        return self.user_id or self.closure_plan_id.user_id or self.env.user
