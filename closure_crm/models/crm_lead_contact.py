from odoo import _, models


class CrmLead(models.Model):
    """Reaching the customer beyond the notices: the personal meeting of the
    case (tier A: the founder meets the customer) and the "your new contact"
    mail when their contact person changes. The news opt-in of the
    customer's answer page is a field of the case; closure_crm_mass_mailing
    keeps the plan's news list in step with it."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

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

    def _closure_send_new_contact(self, user):
        """The "your new contact" mail (template closure_kind 'handover') from
        ``user`` to these cases' customers with an address, rendered in batch
        in each customer's language and posted on each case (mail composer in
        batch comment mode). Used by the staff hand-over (and closure_crm_score's job)."""
        template = self.env['mail.template']._closure_find('handover')
        cases = self.filtered(lambda lead: lead.partner_id.email)
        if not template or not cases:
            return
        composer = self.env['mail.compose.message'].with_context(mail_create_nosubscribe=True).create({
            'composition_mode': 'comment',
            'model': 'crm.lead',
            'res_ids': repr(cases.ids),
            'template_id': template.id,
            # both, or the composer computes neither from the template
            'email_from': template.email_from,
            'author_id': user.partner_id.id,
            'subtype_id': self.env.ref('mail.mt_comment').id,
        })
        composer._action_send_mail()
