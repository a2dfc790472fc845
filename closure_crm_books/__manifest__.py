{
    'name': 'Closure CRM: What We Owe, from the Books',
    'version': '18.0.1.0.0',
    'category': 'Sales/CRM',
    'summary': "Load what the company owes each customer from its books (Invoicing, Sales, Loyalty) and "
               "reconcile it with the cases' obligations",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    # Invoicing, Sales and Loyalty are read only when installed: none is a dependency
    'depends': ['closure_crm'],
    'external_dependencies': {'python': ['xlsxwriter']},
    'data': [
        'security/ir.model.access.csv',
        'data/ir_cron_data.xml',
        'views/closure_books_difference_views.xml',
        'views/closure_plan_views.xml',
    ],
    'demo': [
        'demo/closure_books_demo.xml',
    ],
    'auto_install': True,
    'installable': True,
}
