{
    'name': 'Closure CRM - Sales',
    'version': '18.0.1.0.0',
    'category': 'Hidden',
    'summary': 'A closure case is no opportunity: no quotation from it',
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm', 'sale_crm'],
    'data': [
        'views/crm_lead_views.xml',
    ],
    'auto_install': True,
    'installable': True,
}
