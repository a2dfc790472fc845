"""Customer care moves to its own add-on, closure_crm_care (18.0.1.3.0): the
complaints, the three-day rule and the satisfaction survey. Their tables, rows
and the records users may have edited (the care and satisfaction mail
templates, the survey, the cron, the record rules) stay as they are: their
external ids change module from closure_crm to closure_crm_care before
closure_crm loads, and the add-on is loaded as an update in the same run
(closure_crm/tools/addon_split.py). Here: the seam's names, and closure_crm's
own views that showed care fields, stripped of them."""

import re

from psycopg2.extras import Json

from odoo.addons.closure_crm.tools.addon_split import move_to_addon, prefixed

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
    for name, fnames in CORE_VIEWS.items():
        cr.execute("""
            SELECT view.id, view.arch_db FROM ir_ui_view view
              JOIN ir_model_data data ON data.res_id = view.id AND data.model = 'ir.ui.view'
             WHERE data.module = 'closure_crm' AND data.name = %s""", [name])
        care_field = re.compile(r'\s*<field name="(?:%s)"[^>]*/>' % '|'.join(fnames))
        for view_id, arch in cr.fetchall():
            arch = {lang: care_field.sub('', text) for lang, text in (arch or {}).items()}
            cr.execute("UPDATE ir_ui_view SET arch_db = %s WHERE id = %s", [Json(arch), view_id])
    move_to_addon(cr, version, 'closure_crm_care', names=names, patterns=prefixed(*PREFIXES),
                  constraints=prefixed('closure_complaint_'))
