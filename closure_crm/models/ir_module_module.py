from odoo import Command, models


class IrModuleModule(models.Model):
    _inherit = 'ir.module.module'

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Plans copy the template closure stages into their own team; a language
        loaded afterwards only translates the template. Give each team stage the
        new translations of its template stage while it still has the template's
        name (a stage renamed by an admin keeps its name).

        The languages loaded for the add-on are also its readers' languages:
        customers read their page, receivers their portal in them. Offer them
        on the websites (the website serves only its languages: /zh_CN/my is
        a 404 on a website without Chinese). Runs when the add-on is installed
        or updated with the languages installed, and when a language is
        installed from the settings."""
        res = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if 'closure_crm' in modules:
            self.env['crm.stage']._closure_sync_stage_translations(langs)
            self._closure_offer_languages_on_websites(langs)
        return res

    def _closure_offer_languages_on_websites(self, codes):
        if 'website' not in self.env:
            return
        langs = self.env['res.lang'].search([('code', 'in', list(codes))])  # active ones only
        websites = self.env['website'].sudo().search([])  # setup code: every website, whoever loads the terms
        missing = websites.filtered(lambda website: langs - website.language_ids)
        if missing:
            missing.write({'language_ids': [Command.link(lang.id) for lang in langs]})
