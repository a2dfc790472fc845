{
    'name': 'Closure CRM: Case Scores',
    'version': '18.0.1.0.0',
    'category': 'Sales/CRM',
    'summary': "The handbook's case score orders the closure work; 80 and above goes to the plan's senior rep",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm'],
    'data': [
        'data/ir_cron_data.xml',
        'views/crm_lead_views.xml',
        'views/closure_plan_views.xml',
    ],
    'demo': [
        'demo/closure_score_demo.xml',
    ],
    'auto_install': True,
    'installable': True,
}
