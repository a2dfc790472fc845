import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CLOSURE_STAGE_CODES = [
    ('to_notify', 'To Notify'),
    ('notified', 'Notified'),
    ('answered', 'Answered'),
    ('transfer_agreed', 'Transfer Agreed'),
    ('transferred', 'Transferred'),
    ('settled', 'Refunded / Settled'),
    ('closed', 'Closed'),
]
# the (archived) team owning the one closure pipeline: crm shows a stage with
# a team_id only in that team's pipeline, so no sales team sees these stages
CLOSURE_PIPELINE_TEAM = 'closure_crm.stage_template_team'


class CrmStage(models.Model):
    _inherit = 'crm.stage'

    closure_stage_code = fields.Selection(
        CLOSURE_STAGE_CODES, string='Closure Step', copy=True,
        help="The step of the closure this stage stands for. The add-on moves cases "
             "between stages by this step (e.g. to 'Notified' when the notice is sent), "
             "so the stage itself can be renamed freely.")
    is_closure_stage = fields.Boolean(
        'Closure Pipeline Stage', compute='_compute_is_closure_stage', store=True, readonly=False,
        index='btree_not_null',
        help="The stage belongs to the closure pipeline, shared by every closure plan (the cases are "
             "filtered by plan). Closure teams show these stages only; sales teams never show them.")

    @api.depends('closure_stage_code')
    def _compute_is_closure_stage(self):
        for stage in self:
            stage.is_closure_stage = stage.is_closure_stage or bool(stage.closure_stage_code)

    @api.constrains('is_closure_stage', 'is_won', 'closure_stage_code')
    def _check_closure_stage(self):
        for stage in self:
            if stage.is_closure_stage and stage.is_won:
                raise ValidationError(_(
                    "The closure stage '%(stage)s' cannot be a won stage: a closure case is never won or lost.",
                    stage=stage.name))
            if stage.closure_stage_code and not stage.is_closure_stage:
                raise ValidationError(_(
                    "The stage '%(stage)s' has the closure step '%(step)s': it must stay in the closure pipeline.",
                    stage=stage.name,
                    step=dict(self._fields['closure_stage_code']._description_selection(self.env))[
                        stage.closure_stage_code]))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if 'is_closure_stage' not in vals and self.env.context.get('default_is_closure_stage'):
                vals['is_closure_stage'] = True  # created from Closure > Configuration > Stages
            self._closure_pipeline_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._closure_pipeline_vals(vals)
        return super().write(vals)

    @api.model
    def _closure_pipeline_vals(self, vals):
        """A stage put in the closure pipeline belongs to its team, so that no
        sales team's pipeline shows it (crm.stage.team_id); taken out of it,
        it becomes an ordinary stage again."""
        if vals.get('is_closure_stage') or vals.get('closure_stage_code'):
            vals['is_closure_stage'] = True
            vals['team_id'] = self._closure_pipeline_team().id
        elif 'is_closure_stage' in vals and 'team_id' not in vals:
            vals['team_id'] = False

    @api.model
    def _closure_pipeline_team(self):
        # configuration record, read whoever moves a case (a rep is no sales admin)
        return self.env.ref(CLOSURE_PIPELINE_TEAM).sudo()

    @api.model
    def _closure_stages(self):
        """The stages of the closure pipeline, in their order."""
        return self.search([('is_closure_stage', '=', True)])

    @api.model
    def _closure_merge_plan_stages(self):
        """Move everything on the per-plan copies of the closure stages (made
        before 18.0.1.2.0: one copy per plan's team) onto the shared stage of
        the same step, then delete the copies. Every reference to a stage
        (the cases, the contacts' current stage, the waves' stages...) is
        followed through the database's foreign keys: one statement per
        column for all the copies. Returns the number of copies removed."""
        cr = self.env.cr
        pipeline = self._closure_pipeline_team()
        self.env.flush_all()
        cr.execute(SQL(
            """SELECT c.id, (SELECT t.id FROM crm_stage t
                              WHERE t.team_id = %(pipeline)s AND t.closure_stage_code = c.closure_stage_code
                              ORDER BY t.sequence, t.id LIMIT 1)
                 FROM crm_stage c
                WHERE c.closure_stage_code IS NOT NULL AND c.team_id IS DISTINCT FROM %(pipeline)s""",
            pipeline=pipeline.id))
        mapping = {copy: shared for copy, shared in cr.fetchall() if shared}
        if not mapping:
            return 0
        moves = SQL(', ').join(SQL('(%s, %s)', copy, shared) for copy, shared in mapping.items())
        cr.execute(SQL(
            """SELECT cl.relname, a.attname,
                      (SELECT array_agg(a2.attname) FROM pg_attribute a2
                        WHERE a2.attrelid = cl.oid AND a2.attnum > 0 AND NOT a2.attisdropped)
                 FROM pg_constraint co
                 JOIN pg_class cl ON cl.oid = co.conrelid
                 JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
                WHERE co.contype = 'f' AND co.confrelid = 'crm_stage'::regclass"""))
        for table, column, columns in cr.fetchall():
            others = [name for name in columns if name != column]
            if 'id' not in columns and len(others) == 1:
                # a many2many table: (other, copy) becomes (other, shared) unless already there
                other = SQL.identifier(others[0])
                cr.execute(SQL(
                    """INSERT INTO %(table)s (%(other)s, %(column)s)
                       SELECT r.%(other)s, m.shared FROM %(table)s r JOIN (VALUES %(moves)s) m(copy, shared)
                           ON r.%(column)s = m.copy
                       ON CONFLICT DO NOTHING""",
                    table=SQL.identifier(table), other=other, column=SQL.identifier(column), moves=moves))
                cr.execute(SQL("DELETE FROM %s WHERE %s IN %s",
                               SQL.identifier(table), SQL.identifier(column), tuple(mapping)))
            else:
                cr.execute(SQL(
                    """UPDATE %(table)s r SET %(column)s = m.shared FROM (VALUES %(moves)s) m(copy, shared)
                        WHERE r.%(column)s = m.copy""",
                    table=SQL.identifier(table), column=SQL.identifier(column), moves=moves))
        self.env.invalidate_all()
        copies = self.browse(list(mapping))
        _logger.info("closure_crm: merged %d per-plan closure stage(s) into the shared closure pipeline",
                     len(copies))
        copies.unlink()
        return len(copies)

    def _closure_sync_stage_translations(self, langs):
        """Copy ``langs`` translations of the template closure stages to the
        plan teams' stages of the same step that still carry the template's
        English name and have no name of their own in that language: one UPDATE.
        (Before 18.0.1.2.0 each plan's team had copies of the stages; the
        migration merges them into the shared ones, so this finds none left.)"""
        template_team = self.env.ref(CLOSURE_PIPELINE_TEAM, raise_if_not_found=False)
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
