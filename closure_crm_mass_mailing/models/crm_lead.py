from odoo import models


class CrmLead(models.Model):
    """A customer who says yes (or no) to news on their page joins (or
    leaves) the plan's mailing list at once."""
    _inherit = 'crm.lead'

    def write(self, vals):
        res = super().write(vals)
        if 'closure_news_opt_in' in vals and not self.env.context.get('closure_news_no_sync'):
            cases = self.filtered('closure_plan_id')
            if cases:
                resubscribe = cases if vals['closure_news_opt_in'] else self.browse()
                # these customers' addresses only: an answer on the page does not sync the whole plan
                emails = {email for email in cases.partner_id.mapped('email_normalized') if email}
                cases.closure_plan_id._closure_sync_news_list(resubscribe=resubscribe, emails=emails)
        return res
