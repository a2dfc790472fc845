from odoo import _, api, fields, models

from .crm_lead import CLOSURE_SEGMENTS, CLOSURE_TIERS

CLOSURE_TEMPLATE_KINDS = [
    ('notice', 'Customer Notice'),
    ('reminder', 'Reminder'),
    ('consent', 'Data-Migration Consent Form'),
    ('recommendation', 'Partner Recommendation Letter'),
    ('guide', 'Service Termination Guide'),
    ('refund', 'Refund Confirmation'),
    ('farewell', 'Farewell'),
    ('handover', 'New Contact After a Staff Hand-over'),
]


class MailTemplate(models.Model):
    """Closure templates are ordinary mail templates on closure cases, tagged
    with what they are for so that waves pick the notice of each case's tier
    and segment, and reminders find theirs."""
    _inherit = 'mail.template'

    closure_kind = fields.Selection(
        CLOSURE_TEMPLATE_KINDS, 'Closure Use', index='btree_not_null',
        help="What this template is for in a closure. Waves without a template send "
             "each case the notice matching its tier and segment.")
    closure_tier = fields.Selection(
        CLOSURE_TIERS, 'For Tier', help="Empty: any tier.")
    closure_segment = fields.Selection(
        CLOSURE_SEGMENTS, 'For Segment', help="Empty: any segment.")

    @api.constrains('subject', 'body_html', 'closure_kind', 'model')
    def _check_closure_taboo(self):
        """Closure templates (tagged, or on the closure's own models) never
        hold a taboo phrase, in any of their languages."""
        langs = [code for code, _name in self.env['res.lang'].get_installed()]
        for template in self.filtered(lambda t: t.closure_kind or (t.model or '').startswith('closure.')):
            texts = {}
            for lang in langs:
                translated = template.with_context(lang=lang)
                texts[_("Template %(template)s: subject (%(lang)s)", template=template.name, lang=lang)] = (
                    translated.subject
                )
                texts[_("Template %(template)s: body (%(lang)s)", template=template.name, lang=lang)] = (
                    translated.body_html
                )
            self.env['closure.phrase']._check_taboo(texts)

    @api.model
    def _closure_find(self, kind, tier=False, segment=False):
        """The best template for ``kind`` on closure cases: exact tier and
        segment first, then the tier alone, the segment alone, a generic one."""
        templates = self.search([('model', '=', 'crm.lead'), ('closure_kind', '=', kind)], order='id')

        def rank(template):
            if template.closure_tier and template.closure_tier != tier:
                return None
            if template.closure_segment and template.closure_segment != segment:
                return None
            return (bool(template.closure_tier), bool(template.closure_segment))
        ranked = [(rank(template), template) for template in templates]
        ranked = [(r, t) for r, t in ranked if r is not None]
        if not ranked:
            return self.browse()
        return max(ranked, key=lambda item: item[0])[1]
