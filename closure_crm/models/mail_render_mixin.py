import logging

from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import safe_eval

_logger = logging.getLogger(__name__)


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

    # ------------------------------------------------------------------
    # One compilation per wave batch
    # ------------------------------------------------------------------
    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """With the context key ``closure_render_batch`` (the notice waves and
        reminders), a QWeb body is compiled once and run on each record.

        Odoo's ``_render_template_qweb`` hands an ``lxml`` fragment to
        ``ir.qweb._render`` for every record, and ``ir.qweb`` caches compiled
        templates only for views: the body is compiled again per record, which
        costs far more than running it (about 40 ms of a notice's 50 ms). Here
        ``ir.qweb._compile`` runs once per source and language, kept in Odoo's
        own ``templates`` cache (cleared as Odoo clears its compiled views);
        the rest is ``ir.qweb._render``'s own steps. Restricted rendering (a
        user who may not edit templates), a regex-only body and single
        records go to Odoo unchanged. test_mail_render_batch.py renders every
        template the add-ons ship both ways, in English and Chinese, and
        compares; bench/bench_notice_e2e.py measures the gain end to end."""
        restricted = (not self._unrestricted_rendering and not self.env.is_admin()
                      and not self.env.user.has_group('mail.group_mail_template_editor'))
        if (not self.env.context.get('closure_render_batch') or restricted or not template_src
                or len(res_ids or ()) < 2 or not self._has_unsafe_expression_template_qweb(template_src, model)):
            return super()._render_template_qweb(template_src, model, res_ids, add_context=add_context,
                                                 options=options)
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        options = options or {}
        qweb = self.env['ir.qweb'].with_context(**options)
        try:
            functions, def_name = qweb._prepare_environment(dict(variables))._closure_compiled_fragment(
                template_src, tuple(sorted((key, repr(value)) for key, value in options.items())))
        except Exception as e:
            _logger.info("Failed to compile template: %s", template_src, exc_info=True)
            raise UserError(_("Failed to render QWeb template: %(template_src)s\n\n%(error)s",
                              template_src=template_src, error=e)) from e
        results = {}
        for record in self.env[model].browse(res_ids):
            # ir.qweb._render's steps: a copy of the values, the environment, the checks, the run
            values = dict(variables, object=record)
            try:
                prepared = qweb._prepare_environment(values)
                safe_eval.check_values(values)
                rendered = Markup(''.join(functions[def_name](prepared, values)))
            except Exception as e:
                _logger.info("Failed to render template: %s", template_src, exc_info=True)
                raise UserError(_("Failed to render QWeb template: %(template_src)s\n\n%(error)s",
                                  template_src=template_src, error=e)) from e
            # drop the <div> wrapping the fragment, as Odoo does
            results[record.id] = rendered[5:-6]
        return results
