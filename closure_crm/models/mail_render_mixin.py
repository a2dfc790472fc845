from odoo import api, models


class MailRenderMixin(models.AbstractModel):
    _inherit = 'mail.render.mixin'

    @api.model
    def _render_template(self, template_src, model, res_ids, engine='inline_template',
                         add_context=None, options=None):
        # a closure case's link is rendered with a placeholder for its secret:
        # rendered copies are kept (history, mails, letters); the outgoing
        # mail to the customer gets the token (mail.mail). An SMS, which keeps
        # no copy, asks for the token with closure_answer_real_token.
        if model == 'crm.lead' and not self.env.context.get('closure_answer_real_token') \
                and not self.env.context.get('closure_answer_placeholder'):
            self = self.with_context(closure_answer_placeholder=True)
        return super()._render_template(template_src, model, res_ids, engine=engine,
                                        add_context=add_context, options=options)
