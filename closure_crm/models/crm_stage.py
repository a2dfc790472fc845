from odoo import fields, models
from odoo.tools import SQL

CLOSURE_STAGE_CODES = [
    ('to_notify', 'To Notify'),
    ('notified', 'Notified'),
    ('answered', 'Answered'),
    ('transfer_agreed', 'Transfer Agreed'),
    ('transferred', 'Transferred'),
    ('settled', 'Refunded / Settled'),
    ('closed', 'Closed'),
]


class CrmStage(models.Model):
    _inherit = 'crm.stage'

    closure_stage_code = fields.Selection(
        CLOSURE_STAGE_CODES, string='Closure Step', copy=True,
        help="The step of the closure this stage stands for. The add-on moves cases "
             "between stages by this step (e.g. to 'Notified' when the notice is sent), "
             "so the stage itself can be renamed freely.")

    def _closure_sync_stage_translations(self, langs):
        """Copy ``langs`` translations of the template closure stages to the
        plan teams' stages of the same step that still carry the template's
        English name and have no name of their own in that language: one UPDATE."""
        template_team = self.env.ref('closure_crm.stage_template_team', raise_if_not_found=False)
        if not template_team:
            return
        self.flush_model(['name'])
        for lang in langs:
            self.env.cr.execute(SQL(
                """UPDATE crm_stage s
                      SET name = s.name || jsonb_build_object(%(lang)s, t.name->>%(lang)s)
                     FROM crm_stage t
                    WHERE t.team_id = %(template)s AND s.team_id != %(template)s
                      AND s.closure_stage_code = t.closure_stage_code
                      AND s.name->>'en_US' = t.name->>'en_US'
                      AND COALESCE(s.name->>%(lang)s, s.name->>'en_US') = s.name->>'en_US'
                      AND t.name ? %(lang)s""",
                lang=lang, template=template_team.id))
        self.invalidate_model(['name'])
