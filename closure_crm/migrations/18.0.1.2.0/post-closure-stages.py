"""One closure pipeline (18.0.1.2.0): up to 18.0.1.1.0 each plan's team got
its own copy of the closure stages, so the case analysis showed one 'To
Notify' column per plan. The cases (and everything else pointing at a copy)
move to the shared stage of the same step and the copies are deleted; the
pipeline's team gets its new name. A stage an admin renamed in one plan's
team takes the shared stage's name (rename the shared stage under Closure >
Configuration > Stages). Closure cases found outside the pipeline (created
without a team, or marked won or lost) go back into their plan's team."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    team = env.ref('closure_crm.stage_template_team', raise_if_not_found=False)
    if team and team.name == 'Closure Stage Template':
        team.name = 'Closure Pipeline'
    env['crm.stage']._closure_merge_plan_stages()
    # closure cases left outside the pipeline by the older versions (created
    # without a team, or marked won / lost by a sales button)
    env['crm.lead']._closure_back_into_pipeline()
