{
    'name': 'Closure Training',
    'version': '18.0.1.0.0',
    'category': 'Website/eLearning',
    'summary': 'Train and certify the staff who close a company: courses, daily practice, '
               'certification gates in the closure CRM',
    'description': """
Closure Training
================
The eLearning track of a company closure, built on Odoo eLearning and
certifications: courses on farewell communication, legacy issues, the transfer
procedure, legal red lines, emotion playbooks and hand-over; role tracks and the
3-3-3 layering per plan with automatic enrolment of the plan's team; a daily
practice question with a reply coach; certification gates on the risky steps
of a closure plan; a training dashboard.
""",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm', 'website_slides', 'website_slides_survey'],
    'data': [
        'security/closure_training_security.xml',
        'security/ir.model.access.csv',
        'data/ir_cron_data.xml',
        'data/closure_training_coach_rule_data.xml',
        'data/survey_data.xml',
        'data/slide_channel_data.xml',
        'data/closure_training_track_data.xml',
        'data/closure_training_scenario_data.xml',
        'data/closure_training_message_templates.xml',
        'wizard/closure_training_practice_answer_views.xml',
        'views/closure_training_track_views.xml',
        'views/closure_training_participant_views.xml',
        'views/closure_training_scenario_views.xml',
        'views/closure_training_practice_views.xml',
        'views/closure_training_coach_rule_views.xml',
        'views/closure_training_exemption_views.xml',
        'views/closure_plan_views.xml',
        'report/closure_training_report_views.xml',
        'views/closure_training_menus.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
        'demo/closure_plan_demo.xml',
        'demo/closure_training_progress_demo.xml',
    ],
    'installable': True,
}
