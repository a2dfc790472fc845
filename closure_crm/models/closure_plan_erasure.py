from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
        plan's data erasure date, and for anyone but a closure manager."""
        Erasure = self.env['closure.erasure']
        for plan in self:
            Erasure._check_can_erase(plan)
            Erasure._ensure_for_plan(plan, rerun=True)
        self.env.ref('closure_crm.ir_cron_closure_erasure')._closure_trigger()
        return True

    def action_preview_erasure(self):
        """What the erasure would erase now, counted per kind; changes nothing."""
        self.ensure_one()
        Erasure = self.env['closure.erasure']
        counts = Erasure._preview_counts(self)
        labels = Erasure._count_labels()
        lines = [f"{labels[fname]}: {value}" for fname, value in counts.items() if fname in labels]
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'title': _("Erasure preview of %(plan)s", plan=self.name),
                'message': '\n'.join(lines),
                'sticky': True,
                'type': 'info',
            },
        }

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
