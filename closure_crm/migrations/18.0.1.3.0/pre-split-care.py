"""Customer care moves to its own add-on, closure_crm_care (18.0.1.3.0): the
complaints, the three-day rule and the satisfaction survey. Their tables, rows
and the records users may have edited (the care and satisfaction mail
templates, the survey, the cron, the record rules) stay as they are: their
xml ids change module from closure_crm to closure_crm_care before closure_crm
loads, so that neither module deletes what the other now declares, and the new
add-on is marked for loading in the same run, as an update ('to upgrade': the
loader's next pass in odoo/modules/loading.py loads it in 'update' mode, which
keeps the noupdate records users edited, where 'to install' would rewrite
them), with demo data when closure_crm has it."""

import logging
import re

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

NEW_MODULE = 'closure_crm_care'

# records declared in closure_crm_care's files (views, actions, menus, rules,
# access rights, cron, templates, survey, demo)
NAMES = (
    'action_closure_complaint', 'action_closure_dashboard_complaints',
    'closure_complaint_view_form', 'closure_complaint_view_list', 'closure_complaint_view_search',
    'closure_dashboard_complaint_view_graph', 'closure_dashboard_complaint_view_pivot',
    'crm_lead_view_form_closure_complaint', 'closure_plan_view_form_satisfaction',
    'menu_closure_complaints',
    'closure_complaint_rule_company', 'closure_complaint_rule_own', 'closure_complaint_rule_all',
    'closure_complaint_rule_case_team',
    'access_closure_complaint_user', 'access_closure_complaint_manager',
    'mail_template_care', 'mail_template_satisfaction',
    'survey_closure_satisfaction', 'survey_closure_question_csat', 'survey_closure_question_nps',
    'survey_closure_question_comment',
    'demo_question_waiting_004', 'demo_question_waiting_014', 'demo_question_no_contact_012',
    'model_survey_user_input',
)
# records whose name starts so: the cron (and its server action), the demo
# satisfaction answers, the model and its fields, selections and constraints
PREFIXES = (
    'ir_cron_closure_care', 'demo_satisfaction_',
    'model_closure_complaint', 'model_inherit__closure_complaint__', 'field_closure_complaint__',
    'selection__closure_complaint__',
    'constraint_closure_complaint_',
    'field_survey_user_input__closure_', 'selection__survey_user_input__closure_trigger__',
    'selection__mail_template__closure_kind__care',
)
# fields closure_crm_care adds to closure_crm's models and Odoo's
FIELDS = {
    'crm_lead': ('closure_no_contact', 'closure_care_sent_date', 'closure_complaint_ids', 'closure_complaint_open'),
    'closure_plan': (
        'care_silence_days', 'cb_complaint_count', 'cb_complaint_rate', 'satisfaction_survey_id',
        'sat_response_count', 'sat_csat', 'sat_csat_rate', 'sat_nps', 'sat_csat_trend', 'sat_nps_trend',
        'target_csat_rate', 'target_nps', 'target_complaint_rate', 'target_transferred_rate'),
}

# closure_crm's own views that showed care fields beside the score's: their new
# arch comes with their file, after the views they extend were checked against
# closure_crm's fields; until then their stored arch must not name care fields
CORE_VIEWS = {
    'closure_plan_view_form_care': ('care_silence_days',),
    'crm_lead_view_form_closure_care': ('closure_no_contact', 'closure_care_sent_date'),
}


def migrate(cr, version):
    names = list(NAMES) + [f'field_{model}__{fname}' for model, fnames in FIELDS.items() for fname in fnames]
    cr.execute("""
        UPDATE ir_model_data SET module = %s
         WHERE module = 'closure_crm'
           AND (name = ANY(%s) OR name LIKE ANY(%s))
           AND NOT EXISTS (SELECT 1 FROM ir_model_data other
                            WHERE other.module = %s AND other.name = ir_model_data.name)""",
               [NEW_MODULE, names, [prefix.replace('_', r'\_') + '%' for prefix in PREFIXES], NEW_MODULE])
    moved = cr.rowcount
    for name, fnames in CORE_VIEWS.items():
        cr.execute("""
            SELECT view.id, view.arch_db FROM ir_ui_view view
              JOIN ir_model_data data ON data.res_id = view.id AND data.model = 'ir.ui.view'
             WHERE data.module = 'closure_crm' AND data.name = %s""", [name])
        care_field = re.compile(r'\s*<field name="(?:%s)"[^>]*/>' % '|'.join(fnames))
        for view_id, arch in cr.fetchall():
            arch = {lang: care_field.sub('', text) for lang, text in (arch or {}).items()}
            cr.execute("UPDATE ir_ui_view SET arch_db = %s WHERE id = %s", [Json(arch), view_id])
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env['ir.module.module']
    care = Module.search([('name', '=', NEW_MODULE)])
    if not care:
        Module.update_list()
        care = Module.search([('name', '=', NEW_MODULE)])
    if care and care.state == 'uninstalled':
        cr.execute("SELECT demo FROM ir_module_module WHERE name = 'closure_crm'")
        demo = bool(cr.fetchone()[0])
        # 'to upgrade', not 'to install': Odoo loads a module being installed in
        # 'init' mode, which rewrites noupdate records (the templates and the
        # survey an admin may have edited); 'update' mode keeps them, as any
        # update of closure_crm did. The module's tables exist already.
        cr.execute("UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s", [demo, care.id])
        care.invalidate_recordset(['state', 'demo'])
    _logger.info("closure_crm %s: %d records moved to %s, which installs now", version, moved, NEW_MODULE)
