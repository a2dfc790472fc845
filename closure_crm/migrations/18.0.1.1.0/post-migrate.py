"""A case without a company gives its closure records the plan's company
(computed from 18.0.1.1.0 on): fill the rows written before."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ('closure.transfer', 'closure.consent', 'closure.obligation'):
        records = env[model].with_context(active_test=False).search([('company_id', '=', False)])
        env.add_to_compute(records._fields['company_id'], records)
    env.flush_all()
