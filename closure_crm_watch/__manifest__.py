{
    'name': 'Closure CRM: Deadline Watch',
    'version': '18.0.1.0.0',
    'category': 'Sales/CRM',
    'summary': "The legal deadlines watched against the recorded facts: warnings on the plan and to its manager",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm'],
    'data': [
        'data/ir_cron_data.xml',
        'data/closure_watch_templates.xml',
        'views/closure_plan_views.xml',
    ],
    'auto_install': True,
    'installable': True,
}
