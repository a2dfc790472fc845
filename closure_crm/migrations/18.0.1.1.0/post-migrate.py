"""A case without a company gives its closure records the plan's company
(computed from 18.0.1.1.0 on): fill the rows written before. Answer tokens
come with the case from 18.0.1.1.0 on (crm.lead create/write): the cases made
before get theirs once, here, never an erased case (its link is disabled for
good)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ('closure.transfer', 'closure.consent', 'closure.obligation'):
        records = env[model].with_context(active_test=False).search([('company_id', '=', False)])
        env.add_to_compute(records._fields['company_id'], records)
    env.flush_all()
    cr.execute("""UPDATE crm_lead SET closure_access_token = gen_random_uuid()::text
                   WHERE closure_plan_id IS NOT NULL AND closure_access_token IS NULL
                     AND closure_erased_date IS NULL""")
