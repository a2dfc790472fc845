from odoo import _, api, models
from odoo.tools import SQL

from odoo.addons.closure_crm.report.closure_register import Column


class ClosureRegister(models.AbstractModel):
    """The privileges register: every priority right and advisory circle
    invitation offered, on which terms, by whom, and the customer's latest
    opt-in with its channel and date."""
    _inherit = 'closure.register'

    @api.model
    def _registers(self):
        return dict(super()._registers(), privileges=_("Privileges Register"))

    def _register_privileges(self, plan):
        tiers = self._labels('crm.lead', 'closure_tier')
        kinds = self._labels('closure.privilege', 'kind')
        states = self._labels('closure.privilege', 'state')
        channels = self._labels('closure.privilege.answer', 'channel')
        columns = [
            Column(_("Customer"), 'text', 32),
            Column(_("Tier"), 'text', 6, tiers),
            Column(_("Privilege"), 'text', 18, kinds),
            Column(_("Terms"), 'text', 48),
            Column(_("Granted By"), 'text', 20),
            Column(_("Granted On"), 'datetime', 17),
            Column(_("Opt-in"), 'text', 16, states),
            Column(_("Answered On"), 'datetime', 17),
            Column(_("Channel"), 'text', 16, channels),
            Column(_("Recorded By"), 'text', 20),
        ]

        def query(last_id):
            return SQL("""
                SELECT privilege.id, partner.name, lead.closure_tier, privilege.kind, privilege.terms,
                       granter.name, privilege.grant_date, privilege.state, answer.date, answer.channel,
                       recorder.name
                  FROM closure_privilege privilege
                  JOIN crm_lead lead ON lead.id = privilege.lead_id
                  JOIN res_partner partner ON partner.id = privilege.partner_id
             LEFT JOIN res_users gu ON gu.id = privilege.granted_by_id
             LEFT JOIN res_partner granter ON granter.id = gu.partner_id
             LEFT JOIN LATERAL (SELECT a.date, a.channel, a.user_id FROM closure_privilege_answer a
                                 WHERE a.privilege_id = privilege.id
                              ORDER BY a.date DESC, a.id DESC LIMIT 1) answer ON TRUE
             LEFT JOIN res_users ru ON ru.id = answer.user_id
             LEFT JOIN res_partner recorder ON recorder.id = ru.partner_id
                 WHERE privilege.plan_id = %(plan)s AND privilege.id > %(last_id)s""", plan=plan.id, last_id=last_id)
        return columns, self._pages(SQL('privilege.id'), query, columns)
