from lxml import html

from odoo import models, tools


class IrQweb(models.AbstractModel):
    _inherit = 'ir.qweb'

    @tools.ormcache('template_src', 'options_key',
                    'tuple(self.env.context.get(k) for k in self._get_template_cache_keys())', cache='templates')
    def _closure_compiled_fragment(self, template_src, options_key=()):
        """The compiled functions of a mail body: ``ir.qweb._compile`` of the
        fragment Odoo's mail rendering hands to ``ir.qweb._render``, kept in
        Odoo's compiled-templates cache (per source, rendering options and
        language). Used by mail.render.mixin's batch rendering."""
        return self._compile(html.fragment_fromstring(template_src, create_parent='div'))
