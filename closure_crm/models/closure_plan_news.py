from odoo import _, api, fields, models
from odoo.tools import email_normalize


class ClosurePlan(models.Model):
    """News after the closure: the customers who opted in on their page are
    kept in an Odoo mailing list (mass_mailing, when installed), one list per
    plan, so the founders can write to them later; an opt-out on either side
    is honoured. Without mass_mailing the opt-ins stay exportable from the
    list of cases. closure_crm does not depend on mass_mailing: the bridge
    checks for it at run time."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'closure.plan'

    news_list_ref = fields.Integer(
        'News Mailing List', readonly=True, copy=False,
        help="Id of the plan's mailing list of the customers who want news (mass_mailing).")
    news_opt_in_count = fields.Integer('Customers Wanting News', compute='_compute_news_opt_in_count')

    def _compute_news_opt_in_count(self):
        counts = dict(self.env['crm.lead']._read_group(
            [('closure_plan_id', 'in', self.ids), ('closure_news_opt_in', '=', True)],
            ['closure_plan_id'], ['__count']))
        for plan in self:
            plan.news_opt_in_count = counts.get(plan, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_closure_view_news(self):
        """The plan's mailing list when mass_mailing is installed, else the
        cases that opted in (exportable with the list's Export)."""
        self.ensure_one()
        if self._closure_has_mailing():
            news_list = self._closure_news_list()
            self._closure_sync_news_list()
            return {
                'type': 'ir.actions.act_window',
                'res_model': 'mailing.list',
                'res_id': news_list.id,
                'view_mode': 'form',
                'name': news_list.name,
            }
        action = self.env['ir.actions.act_window']._for_xml_id('closure_crm.action_closure_case')
        action.update({
            'name': _("Customers Wanting News"),
            'domain': [('closure_plan_id', '=', self.id), ('closure_news_opt_in', '=', True)],
            'view_mode': 'list,form',
            'views': [(False, 'list'), (False, 'form')],
        })
        return action

    # ------------------------------------------------------------------
    # The mass_mailing bridge
    # ------------------------------------------------------------------
    @api.model
    def _closure_has_mailing(self):
        return 'mailing.list' in self.env and 'mailing.subscription' in self.env

    def _closure_news_list(self):
        """The plan's news mailing list, created on first use."""
        self.ensure_one()
        # mailing lists are marketing configuration; the plan's manager keeps this one
        List = self.env['mailing.list'].sudo()
        news_list = List.browse(self.news_list_ref).exists() if self.news_list_ref else List
        if not news_list:
            news_list = List.create({
                'name': _("News after the closure: %(plan)s", plan=self.name),
                'is_public': False,
            })
            self.sudo().news_list_ref = news_list.id  # bookkeeping of the bridge
        return news_list

    def _closure_sync_news_list(self, resubscribe=None):
        """Keep each plan's list equal to its opt-ins, set-based: customers
        who opted in are subscribed (created as mailing contacts when new),
        customers who took it back are opted out of the list, and a customer
        who unsubscribed through a mailing no longer counts as opted in.
        ``resubscribe``: cases that opted in again just now (their earlier
        opt-out of the list is lifted). Returns {plan: (subscribed, opted out)}."""
        if not self._closure_has_mailing():
            return {}
        resubscribe = resubscribe or self.env['crm.lead']
        Lead = self.env['crm.lead'].sudo()  # the bridge reads all the plan's cases, for any user
        Subscription = self.env['mailing.subscription'].sudo()
        Contact = self.env['mailing.contact'].sudo()
        result = {}
        for plan in self:
            news_list = plan._closure_news_list()
            cases = Lead.search([('closure_plan_id', '=', plan.id), ('partner_id.email', '!=', False)])
            subscriptions = Subscription.search([('list_id', '=', news_list.id)])
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
