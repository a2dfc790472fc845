from odoo import models


class IrCron(models.Model):
    """Lanes of the closure jobs.

    Odoo runs one scheduled job on one cron worker at a time (the job's row
    is locked while it runs). The long closure jobs (notice waves,
    reminders, erasure, introductions) claim their rows with FOR UPDATE SKIP
    LOCKED, so several workers may share one: each such job ships with
    lanes, active copies running the same code (data/ir_cron_lane_data.xml),
    which the cron workers of every server take up at once. Copying a job
    adds a lane; archiving one removes it."""
    _inherit = 'ir.cron'

    def _closure_lanes(self):
        """This job and its active lanes (the jobs running the same code)."""
        self.ensure_one()
        # the jobs are technical records: looked up whoever queued the work
        job = self.sudo()
        return job.search([('model_id', '=', job.model_id.id), ('code', '=', job.code), ('active', '=', True)])

    def _closure_trigger(self, at=None):
        """Trigger the job and all its lanes."""
        self.ensure_one()
        for lane in self._closure_lanes():
            lane._trigger(at=at)
