from odoo import models


class IrModuleModule(models.Model):
    _inherit = 'ir.module.module'

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Plans copy the template closure stages into their own team; a language
        loaded afterwards only translates the template. Give each team stage the
        new translations of its template stage while it still has the template's
        name (a stage renamed by an admin keeps its name)."""
        res = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if 'closure_crm' in modules:
            self.env['crm.stage']._closure_sync_stage_translations(langs)
        return res
