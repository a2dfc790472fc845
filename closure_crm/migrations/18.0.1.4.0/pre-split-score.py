"""The case score moves to its own add-on, closure_crm_score (18.0.1.4.0),
which installs with closure_crm: the score, need match and interactions of the
case, the plan's senior rep and the hourly job. Their columns, values and the
job's schedule stay as they are: their external ids change module from
closure_crm to closure_crm_score before closure_crm loads, and the add-on is
loaded as an update in the same run (closure_crm/tools/addon_split.py). Here:
the seam's names, and closure_crm's views that showed the score, emptied
(closure_crm's files write them again without it; the two that only showed the
score are then deleted as obsolete, the add-on's own views show it)."""

from odoo.addons.closure_crm.tools.addon_split import empty_view, move_to_addon, prefixed

NAMES = ('ir_cron_closure_scores', 'ir_cron_closure_scores_ir_actions_server')
FIELDS = {
    'crm_lead': ('closure_need_match', 'closure_interactions_7d', 'closure_score'),
    'closure_plan': ('score_senior_user_id',),
}
# the demo's interactions of a busy customer, scored by the demo
PREFIXES = ('demo_interaction_155_',)
# closure_crm's views whose stored arch names the score
CORE_VIEWS = ('crm_lead_view_form_closure_care', 'crm_lead_view_list_closure_work',
              'view_crm_case_opportunities_filter_closure_care', 'closure_plan_view_form_care')


def migrate(cr, version):
    names = list(NAMES) + [f'field_{model}__{fname}' for model, fnames in FIELDS.items() for fname in fnames]
    env = move_to_addon(cr, version, 'closure_crm_score', names=names, patterns=prefixed(*PREFIXES))
    if env:
        for xmlid in CORE_VIEWS:
            empty_view(env, f'closure_crm.{xmlid}')
