from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class ClosurePlan(models.Model):
    """The plan's data promises: the export channel every notice names, and
    the erasure on the data erasure date (closure.erasure)."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
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
    # Erasure
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
        self.env.ref('closure_crm.ir_cron_closure_erasure')._trigger()
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
        return self.env.ref('closure_crm.action_report_closure_erasure_preview').report_action(self)

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

    def action_view_erasure(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'closure.erasure',
            'res_id': self.erasure_id.id,
            'view_mode': 'form',
            'name': _('Erasure'),
        }

    # ------------------------------------------------------------------
    # Export channel: a notice promises one
    # ------------------------------------------------------------------
    def _has_export_channel(self):
        """The customers can get their data: on their personal page until
        the export deadline, or through the plan's export link."""
        self.ensure_one()
        deadline = self.data_export_deadline
        return bool(self.notice_export_url) or bool(deadline and deadline >= fields.Date.context_today(self))

    def _check_export_channel(self):
        for plan in self:
            if not plan._has_export_channel():
                raise UserError(_(
                    "Plan %(plan)s offers its customers no way to export their data: set its Data Export "
                    "Deadline to a future date (customers download their data on their personal page until "
                    "then), or its Data Export Channel (a link).", plan=plan.name))

    def _closure_erase_now(self):
        """Erase at once, in this transaction (demo data, small plans)."""
        for plan in self:
            self.env['closure.erasure']._check_can_erase(plan)
            self.env['closure.erasure']._ensure_for_plan(plan, rerun=True)._run_until_done()
        return True
