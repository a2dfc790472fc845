{
    'name': 'Closure CRM - Email Marketing',
    'version': '18.0.1.0.0',
    'category': 'Hidden',
    'summary': "The customers who want news after the closure, in a mailing list of the plan",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['closure_crm', 'mass_mailing'],
    'data': [
        'data/ir_cron_data.xml',
    ],
    'auto_install': True,
    'installable': True,
}
