"""The customer's data moves from closure_crm into its own add-on,
closure_crm_data (18.0.1.3.0, issue 23): the copy of the customer's data and
the erasure of a plan's customer data (closure.erasure, its batches, preview,
certificate, scheduled job, legal hold and open dispute on the case). The
plan's timeline (data export deadline, data erasure date) and the case's
``closure_erased_date`` stay in closure_crm. An update of closure_crm brings
the add-on along, with its data intact.

The steps (external ids and constraints moved, the add-on loaded as an
update, keeping the noupdate records an admin may have edited: record rules,
the cron's schedule) are closure_crm/tools/addon_split.py's. Here: the seam's
names, and the plan form's guide view, which moved the erasure's header
buttons, emptied (closure_crm's update writes its new arch)."""

from odoo.addons.closure_crm.tools.addon_split import empty_view, move_to_addon, prefixed

# records declared in closure_crm_data's files
NAMES = (
    'action_report_closure_erasure', 'action_report_closure_erasure_preview',
    'report_closure_erasure', 'report_closure_erasure_preview',
    'closure_answer_page_data_export', 'closure_plan_view_form_erasure', 'crm_lead_view_form_closure_data',
    'closure_plan_action_server_preview_erasure', 'demo_plan_erased',
)
# records whose name starts so: the models, their fields, selections and
# constraints, views, rules and access rights, the cron (and its server
# action), the demo's erased customers
PREFIXES = (
    'model_closure_erasure', 'model_inherit__closure_erasure', 'field_closure_erasure',
    'selection__closure_erasure', 'constraint_closure_erasure', 'closure_erasure_', 'access_closure_erasure',
    'ir_cron_closure_erasure', 'demo_erased_', 'selection__closure_plan__erasure_state',
)
# fields closure_crm_data adds to closure_crm's models
FIELDS = {
    'crm_lead': ('closure_legal_hold', 'closure_legal_hold_reason', 'closure_dispute_open', 'closure_erasure_id',
                 'closure_erasure_skip_reason', 'closure_export_window_start', 'closure_export_window_count'),
    'closure_plan': ('erasure_ids', 'erasure_id', 'erasure_state'),
}


def migrate(cr, version):
    names = list(NAMES) + [f'field_{model}__{fname}' for model, fnames in FIELDS.items() for fname in fnames]
    env = move_to_addon(cr, version, 'closure_crm_data', names=names, patterns=prefixed(*PREFIXES),
                        constraints=prefixed('closure_erasure'))
    if env:
        empty_view(env, 'closure_crm.closure_plan_view_form_guide')
