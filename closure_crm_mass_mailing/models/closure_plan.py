from odoo import _, api, fields, models
from odoo.tools import email_normalize


class ClosurePlan(models.Model):
    """News after the closure: the customers who opted in on their page are
    kept in an Odoo mailing list, one list per plan, so the founders can write
    to them later; an opt-out on either side is honoured."""
    _inherit = 'closure.plan'

    news_list_id = fields.Many2one(
        'mailing.list', 'News Mailing List', readonly=True, copy=False, ondelete='set null',
        help="The plan's mailing list of the customers who want news after the closure.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_view_news(self):
        """The plan's mailing list, in step with the opt-ins."""
        self.ensure_one()
        self._closure_sync_news_list()
        news_list = self._closure_news_list()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'mailing.list',
            'res_id': news_list.id,
            'view_mode': 'form',
            'name': news_list.name,
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _closure_news_list(self):
        """The plan's news mailing list, created on first use."""
        self.ensure_one()
        # mailing lists are marketing configuration; the plan's manager keeps this one
        news_list = self.sudo().news_list_id
        if not news_list:
            news_list = self.env['mailing.list'].sudo().create({
                'name': _("News after the closure: %(plan)s", plan=self.name),
                'is_public': False,
            })
            self.sudo().news_list_id = news_list  # bookkeeping of the bridge
        return news_list

    def _closure_sync_news_list(self, resubscribe=None, emails=None):
        """Keep each plan's list equal to its opt-ins, set-based: customers
        who opted in are subscribed (created as mailing contacts when new),
        customers who took it back are opted out of the list, and a customer
        who unsubscribed through a mailing no longer counts as opted in.
        ``resubscribe``: cases that opted in again just now (their earlier
        opt-out of the list is lifted). ``emails``: only the cases and
        subscriptions of these (normalized) addresses, e.g. of the cases whose
        opt-in just changed; all of the plan's when None (the daily job).
        Returns {plan: (subscribed, opted out)}."""
        resubscribe = resubscribe or self.env['crm.lead']
        Lead = self.env['crm.lead'].sudo()  # the bridge reads all the plan's cases, for any user
        Subscription = self.env['mailing.subscription'].sudo()
        Contact = self.env['mailing.contact'].sudo()
        result = {}
        for plan in self:
            news_list = plan._closure_news_list()
            case_domain = [('closure_plan_id', '=', plan.id), ('partner_id.email', '!=', False)]
            subscription_domain = [('list_id', '=', news_list.id)]
            if emails is not None:
                case_domain.append(('partner_id.email_normalized', 'in', list(emails)))
                subscription_domain.append(('contact_id.email_normalized', 'in', list(emails)))
            cases = Lead.search(case_domain)
            subscriptions = Subscription.search(subscription_domain)
            by_email = {email_normalize(sub.contact_id.email): sub for sub in subscriptions}
            # a customer who unsubscribed through a mailing: honoured on the case
            opted_out = {email for email, sub in by_email.items() if sub.opt_out}
            unsubscribed = cases.filtered(lambda lead, opted_out=opted_out: lead.closure_news_opt_in
                                          and lead not in resubscribe
                                          and email_normalize(lead.partner_id.email) in opted_out)
            if unsubscribed:
                unsubscribed.with_context(closure_news_no_sync=True).write({'closure_news_opt_in': False})
            wanted = cases.filtered('closure_news_opt_in')
            to_subscribe, to_reopen, to_opt_out = [], Subscription, Subscription
            for lead in wanted:
                email = email_normalize(lead.partner_id.email)
                sub = by_email.get(email)
                if not sub:
                    to_subscribe.append(lead)
                    by_email[email] = Subscription  # one contact per address
                elif sub.opt_out and lead in resubscribe:
                    to_reopen |= sub
            wanted_emails = {email_normalize(lead.partner_id.email) for lead in wanted}
            for email, sub in by_email.items():
                if sub and email not in wanted_emails and not sub.opt_out:
                    to_opt_out |= sub
            if to_subscribe:
                existing = {email_normalize(contact.email): contact for contact in Contact.search(
                    [('email', 'in', [lead.partner_id.email for lead in to_subscribe])])}
                new_contacts = [lead for lead in to_subscribe if email_normalize(lead.partner_id.email) not in existing]
                for contact in Contact.create([{
                    'name': lead.partner_id.name,
                    'email': lead.partner_id.email,
                    'company_name': lead.partner_id.commercial_company_name or False,
                    'country_id': lead.partner_id.country_id.id,
                } for lead in new_contacts]):
                    existing[email_normalize(contact.email)] = contact
                Subscription.create([{
                    'contact_id': existing[email_normalize(lead.partner_id.email)].id,
                    'list_id': news_list.id,
                } for lead in to_subscribe])
            now = fields.Datetime.now()
            to_reopen.write({'opt_out': False, 'opt_out_datetime': False})
            to_opt_out.write({'opt_out': True, 'opt_out_datetime': now})
            result[plan] = (len(to_subscribe) + len(to_reopen), len(to_opt_out))
        return result

    @api.model
    def _cron_sync_news_lists(self):
        self.search([('state', 'in', ('in_progress', 'closed'))])._closure_sync_news_list()
