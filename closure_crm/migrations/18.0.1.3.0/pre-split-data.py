"""The customer's data moves from closure_crm into its own add-on,
closure_crm_data (18.0.1.3.0, issue 23): the copy of the customer's data and
the erasure of a plan's customer data (closure.erasure, its batches, preview,
certificate, scheduled job, legal hold and open dispute on the case). The
plan's timeline (data export deadline, data erasure date) and the case's
``closure_erased_date`` stay in closure_crm. An update of closure_crm brings
the add-on along, with its data intact.

Before closure_crm's new code loads: (1) the external ids of the seam move
from module closure_crm to closure_crm_data (models, fields, selections,
constraints, views and templates, reports, the server action, the cron,
access rights, record rules, demo), with the database constraints of its
tables, so that closure_crm's update does not delete them as obsolete; (2)
the plan form's guide view, which moved the erasure's header buttons, is
emptied: its old arch would fail closure_crm's view checks before its file
rewrites it (the erasure's views load later, with their add-on); (3) the new
add-on is marked to be loaded in the same run, as an update ('to upgrade'),
which keeps the noupdate records an admin may have edited (record rules, the
cron's schedule), where 'to install' would rewrite them."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

NEW_MODULE = 'closure_crm_data'

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
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env['ir.module.module']
    new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        Module.update_list()
        new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        _logger.error("closure_crm %s: add-on %s not found in the addons path: the customer data's export "
                      "and erasure are not loaded", version, NEW_MODULE)
        return
    names = list(NAMES) + [f'field_{model}__{fname}' for model, fnames in FIELDS.items() for fname in fnames]
    cr.execute(SQL(
        """UPDATE ir_model_data SET module = %(new)s
            WHERE module = 'closure_crm'
              AND (name = ANY(%(names)s) OR name LIKE ANY(%(prefixes)s))
              AND NOT EXISTS (SELECT 1 FROM ir_model_data other
                               WHERE other.module = %(new)s AND other.name = ir_model_data.name)""",
        new=NEW_MODULE, names=names, prefixes=[prefix.replace('_', r'\_') + '%' for prefix in PREFIXES]))
    moved = cr.rowcount
    # the database constraints of its tables
    cr.execute(SQL(
        """UPDATE ir_model_constraint SET module = %(new_id)s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = 'closure_crm')
              AND name LIKE %(tables)s""",
        new_id=new.id, tables='closure\\_erasure%'))
    # the guide view's old arch moved the erasure's header buttons (see the docstring)
    guide = env.ref('closure_crm.closure_plan_view_form_guide', raise_if_not_found=False)
    if guide:
        cr.execute(SQL("""UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>') WHERE id = %s""",
                       guide.id))
    if new.state in ('uninstalled', 'to install'):
        closure_crm = Module.search([('name', '=', 'closure_crm')])
        cr.execute(SQL(
            "UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s",
            closure_crm.demo, new.id))
        Module.invalidate_model(['state', 'demo'])
    _logger.info("closure_crm %s: %s external ids moved to %s, which is loaded in this update",
                 version, moved, NEW_MODULE)
