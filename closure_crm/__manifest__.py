{
    'name': 'Closure CRM',
    'version': '18.0.1.0.0',
    'category': 'Sales/CRM',
    'summary': 'Run a company closure in the CRM: plan, legal timeline, tiered customer cases',
    'description': """
Closure CRM
===========
When a company winds down, every customer must be told in time, handed to a
capable successor with consent, refunded and have its data exported or
erased on a known date. This add-on runs that closure in Odoo's CRM:
closure plans with their legal timeline, one closure case per customer worked
in a pipeline, A/B/C tiering by revenue and B2B/B2C handling.
""",
    'author': 'Closure Suite contributors',
    'website': 'https://github.com/closure-suite/closure-suite',
    'license': 'LGPL-3',
    'depends': ['crm', 'mail'],
    'external_dependencies': {'python': ['xlsxwriter']},
    'data': [
        'security/closure_crm_security.xml',
        'security/ir.model.access.csv',
        'data/crm_stage_data.xml',
        'data/ir_cron_data.xml',
        'views/closure_plan_views.xml',
        'views/crm_lead_views.xml',
        'views/res_partner_views.xml',
        'views/closure_obligation_views.xml',
        'views/closure_revenue_line_views.xml',
        'views/crm_stage_views.xml',
        'views/closure_crm_menus.xml',
    ],
    'demo': [
        'demo/res_users_demo.xml',
        'demo/res.partner.csv',
        'demo/crm.lead-history.csv',
        'demo/closure_plan_demo.xml',
        'demo/crm.lead-cases.csv',
        'demo/closure.obligation.csv',
        'demo/closure_plan_demo_tiers.xml',
        'demo/closure_case_stage_demo.xml',
    ],
    'application': True,
    'installable': True,
}
