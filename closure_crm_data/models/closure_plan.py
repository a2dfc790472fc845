from odoo import _, api, fields, models
from odoo.tools import SQL


class ClosurePlan(models.Model):
    """The erasure of the plan's customer data on its data erasure date
    (closure.erasure): start it, preview it, follow it; the plan guide's
    erasure step knows when it runs and when it is done."""

    _inherit = 'closure.plan'

    erasure_ids = fields.One2many('closure.erasure', 'plan_id', string='Erasures')
    erasure_id = fields.Many2one('closure.erasure', 'Erasure Record', compute='_compute_erasure_id')
    erasure_state = fields.Selection(
        [('running', 'Running'), ('done', 'Done')], 'Erasure Status', compute='_compute_erasure_id')

    @api.depends('erasure_ids.state')
    def _compute_erasure_id(self):
        for plan in self:
            plan.erasure_id = plan.erasure_ids[:1]
            plan.erasure_state = plan.erasure_id.state

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start_erasure(self):
        """Start (or run again) the erasure of the plan's customer data; the
        scheduled job works through it in batches. Refused before the
        plan's data erasure date, and for anyone but a closure manager.
        Says what was started: how many cases are erased, how many kept."""
        Erasure = self.env['closure.erasure']
        messages = []
        for plan in self:
            Erasure._check_can_erase(plan)
            erasure = Erasure._ensure_for_plan(plan, rerun=True)
            messages.append(_(
                "%(plan)s: erasing the data of %(count)s cases in the background; %(held)s cases are kept "
                "(legal hold, open dispute or a claim still owed). The Erasure button on the plan shows the "
                "progress and, once done, the certificate.",
                plan=plan.name, count=erasure._count_remaining(), held=plan._closure_erasure_held_count()))
        self.env.ref('closure_crm_data.ir_cron_closure_erasure')._trigger()
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'title': _("Erasure started"),
                'message': '\n'.join(messages),
                'type': 'success',
                'sticky': True,
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def action_preview_erasure(self):
        """The erasure preview report: what the erasure would erase now, what
        it keeps and why, and when it may run. A manager opens it at any time,
        before the erasure date too; it changes nothing."""
        for plan in self:
            self.env['closure.erasure']._check_can_preview(plan)
        return self.env.ref('closure_crm_data.action_report_closure_erasure_preview').report_action(self)

    def action_view_erasure(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.erasure',
            'res_id': self.erasure_id.id,
            'view_mode': 'form',
            'name': _('Erasure'),
        }

    def _guide_step_erasure(self, fig, today):
        # the plan guide's erasure step (closure_crm): running or done once the erasure started
        if self.erasure_state == 'done':
            return 'done', _("Customer data erased")
        if self.erasure_state == 'running':
            return 'todo', _("Erasure running")
        return super()._guide_step_erasure(fig, today)

    # ------------------------------------------------------------------
    # Erasure
    # ------------------------------------------------------------------
    def _closure_erasure_held_count(self):
        """How many cases of the plan the erasure keeps (not erased, not erasable)."""
        self.ensure_one()
        Erasure = self.env['closure.erasure']
        self.env['crm.lead'].flush_model()
        self.env['closure.obligation'].flush_model()
        self.env.cr.execute(SQL(
            """SELECT COUNT(*) FROM crm_lead l
                WHERE l.closure_plan_id = %s AND l.closure_erased_date IS NULL AND NOT (%s)""",
            self.id, Erasure._erasable_sql()))
        return self.env.cr.fetchone()[0]

    def _closure_erase_now(self):
        """Erase at once, in this transaction (demo data, small plans)."""
        for plan in self:
            self.env['closure.erasure']._check_can_erase(plan)
            self.env['closure.erasure']._ensure_for_plan(plan, rerun=True)._run_until_done()
        return True
