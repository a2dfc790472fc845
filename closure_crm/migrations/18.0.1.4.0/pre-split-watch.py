"""The deadline watch moves to its own add-on, closure_crm_watch (18.0.1.4.0),
which installs with closure_crm: the daily check of the legal deadlines, the
warnings it sent (their keys, so that nobody is warned twice) and the banner
of the plan. The keys, the job's schedule and the banner's template stay as
they are: their external ids change module from closure_crm to
closure_crm_watch before closure_crm loads, and the add-on is loaded as an
update in the same run (closure_crm/tools/addon_split.py); closure_crm's plan
form loads again without the banner, which the add-on adds."""

from odoo.addons.closure_crm.tools.addon_split import move_to_addon

NAMES = (
    'ir_cron_closure_watch_deadlines', 'ir_cron_closure_watch_deadlines_ir_actions_server', 'plan_watch_warnings',
    'field_closure_plan__watch_warning_keys', 'field_closure_plan__watch_warning_html',
)


def migrate(cr, version):
    move_to_addon(cr, version, 'closure_crm_watch', names=NAMES)
