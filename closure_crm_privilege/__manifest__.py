{
    'name': 'Closure CRM: Customer Privileges',
    'version': '18.0.1.0.0',
    'category': 'Sales/CRM',
    'summary': "Priority rights and an advisory circle for high-value customers, on the terms the plan approved",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm'],
    'data': [
        'security/ir.model.access.csv',
        'security/closure_privilege_security.xml',
        'data/closure_privilege_templates.xml',
        'views/closure_privilege_views.xml',
        'views/closure_answer_templates.xml',
    ],
    'demo': [
        'demo/closure_privilege_demo.xml',
    ],
    'auto_install': True,
    'installable': True,
}
