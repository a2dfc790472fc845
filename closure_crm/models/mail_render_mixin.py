import logging

from lxml import html
from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import safe_eval
from odoo.tools.rendering_tools import parse_inline_template

_logger = logging.getLogger(__name__)

# compiled QWeb bodies, reused by the next batches of a wave (same source, same options)
_COMPILED = {}
_COMPILED_MAX = 32


def _memoize(func):
    """Cache the results of a formatting helper for one rendering call."""
    cache = {}

    def wrapper(*args, **kwargs):
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return func(*args, **kwargs)
        if key not in cache:
            cache[key] = func(*args, **kwargs)
        return cache[key]
    return wrapper


class MailRenderMixin(models.AbstractModel):
    """Render one template on many records with a single compilation.

    Odoo compiles an inline QWeb body (a mail template's ``body_html``) again
    for every record it renders, which costs far more than the rendering
    itself; it does the same for each placeholder of the inline templates
    (subject, sender, recipients, language). Notice waves render the same template on thousands of cases: with
    the context key ``closure_render_batch`` the template is compiled once (and
    kept for the next batches: same source, same options) and the compiled
    function is run on each record; each placeholder is checked and compiled
    by safe_eval's own checker once, then evaluated on each record in the same
    sandbox. The output is the one Odoo gives; without the key nothing changes.

    What it copies from Odoo 18.0, to re-read when Odoo changes them:
    - mail/models/mail_render_mixin.py, ``_render_template_qweb`` (evaluation
      context, restricted-mode options, ``<div>`` wrapper stripped, error
      messages) and ``_render_template_inline_template`` (placeholder loop,
      defaults, error messages);
    - odoo/addons/base/models/ir_qweb.py, ``_render`` / ``_compile`` /
      ``_prepare_environment`` / ``_get_template_cache_keys`` (how a template
      is compiled and run; we keep the compiled function across records);
    - odoo/tools/safe_eval.py, ``safe_eval`` (``check_values``, ``test_expr``
      with ``_SAFE_OPCODES``, ``unsafe_eval`` with ``_BUILTINS``: what
      safe_eval does per call, done once per placeholder here).
    closure_crm/tests/test_mail_render_fast_path.py renders every shipped
    template both ways, in English and Chinese, and compares.
    """
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

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if (not self.env.context.get('closure_render_batch') or not template_src
                or not res_ids or len(res_ids) < 2
                or not self._has_unsafe_expression_template_qweb(template_src, model)):
            return super()._render_template_qweb(template_src, model, res_ids, add_context=add_context, options=options)

        variables = self._render_eval_context()
        # the same dates and amounts come back on every record: format each once
        for helper in ('format_date', 'format_amount'):
            if helper in variables:
                variables[helper] = _memoize(variables[helper])
        if add_context:
            variables.update(**add_context)
        options = dict(options or {})
        is_restricted = (not self._unrestricted_rendering and not self.env.is_admin()
                         and not self.env.user.has_group('mail.group_mail_template_editor'))
        if is_restricted:
            options['raise_on_forbidden_code_for_model'] = model
            # restricted rendering checks every expression: leave it to Odoo
            return super()._render_template_qweb(template_src, model, res_ids, add_context=add_context, options=options)

        qweb = self.env['ir.qweb'].with_context(**options)
        variables = dict(variables)
        qweb = qweb._prepare_environment(variables)
        safe_eval.check_values(variables)
        key = (self.env.cr.dbname, template_src,
               tuple((name, str(qweb.env.context.get(name))) for name in qweb._get_template_cache_keys()))
        compiled = _COMPILED.get(key)
        if compiled:
            functions, def_name = compiled
        else:
            try:
                functions, def_name = qweb._compile(html.fragment_fromstring(template_src, create_parent='div'))
            except Exception as e:
                _logger.info("Failed to compile template: %s", template_src, exc_info=True)
                raise UserError(_("Failed to render QWeb template: %(template_src)s\n\n%(error)s",
                                  template_src=template_src, error=e)) from e
            if len(_COMPILED) >= _COMPILED_MAX:
                _COMPILED.clear()  # plain dict operations: safe between threads
            _COMPILED[key] = (functions, def_name)
        render = functions[def_name]

        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            try:
                rendered = Markup(''.join(render(qweb, values)))
            except Exception as e:
                _logger.info("Failed to render template: %s", template_src, exc_info=True)
                raise UserError(_("Failed to render QWeb template: %(template_src)s\n\n%(error)s",
                                  template_src=template_src, error=e)) from e
            # drop the <div> wrapping the fragment, as Odoo does
            results[record.id] = rendered[5:-6]
        return results

    @api.model
    def _render_template_inline_template(self, template_txt, model, res_ids, add_context=None, options=None):
        if (not self.env.context.get('closure_render_batch') or not template_txt
                or not res_ids or len(res_ids) < 2
                or not self._has_unsafe_expression_template_inline_template(str(template_txt), model)
                or (not self._unrestricted_rendering and not self.env.is_admin()
                    and not self.env.user.has_group('mail.group_mail_template_editor'))):
            return super()._render_template_inline_template(
                template_txt, model, res_ids, add_context=add_context, options=options)

        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        safe_eval.check_values(variables)
        try:
            # safe_eval's checks (opcodes, names), once per placeholder
            instructions = [
                (string, expression and safe_eval.test_expr(expression, safe_eval._SAFE_OPCODES, mode='eval'), default)
                for string, expression, default in parse_inline_template(str(template_txt))
            ]
        except Exception as e:
            _logger.info("Failed to render inline_template: \n%s", str(template_txt), exc_info=True)
            raise UserError(_("Failed to render inline_template template: %(template_txt)s",
                              template_txt=template_txt)) from e
        builtins = dict(safe_eval._BUILTINS)
        results = {}
        for record in self.env[model].browse(res_ids):
            scope = dict(variables, object=record, __builtins__=builtins)
            parts = []
            try:
                for string, code, default in instructions:
                    parts.append(string)
                    if code:
                        value = safe_eval.unsafe_eval(code, scope) or default
                        if value:
                            parts.append(str(value))
            except Exception as e:
                _logger.info("Failed to render inline_template: \n%s", str(template_txt), exc_info=True)
                raise UserError(_("Failed to render inline_template template: %(template_txt)s",
                                  template_txt=template_txt)) from e
            results[record.id] = ''.join(parts)
        return results
