import logging
import random
import threading
import time
from datetime import timedelta

from psycopg2 import errors

from odoo import fields, models

_logger = logging.getLogger(__name__)

# what another transaction on the same rows causes (a job touching the same
# cases, another server, a user): the batch is rolled back and run again
TRANSIENT_DB_ERRORS = (errors.DeadlockDetected, errors.SerializationFailure, errors.LockNotAvailable)
BATCH_ATTEMPTS = 5


class IrCron(models.Model):
    """The batch protocol of the long closure jobs, written once, as
    mass_mailing runs its queue: each job is one scheduled job that claims a
    batch of rows with FOR UPDATE SKIP LOCKED, handles it in a savepoint,
    reports ``_notify_progress`` and triggers itself again with ``_trigger()``
    while rows remain. Its jobs: the notice waves and reminders, the
    three-day care rule, the staff hand-over, the books load, the case
    generation of a plan, the erasure, the transfer introductions, the
    deadline watch (closure_crm_watch, one batch: retried on a conflict) and
    closure_training's daily practice question.
    Odoo runs a job on one cron worker at a time; the SKIP LOCKED claim keeps
    a user's action and a worker of another server from taking the same
    rows. A job that only needs to be woken up calls Odoo's ``_trigger()``."""
    _inherit = 'ir.cron'

    def _closure_run_batch(self, batch, count_remaining):
        """Run one batch of this job and return how many rows it handled.

        ``batch()`` claims its rows (FOR UPDATE SKIP LOCKED: rows another
        transaction holds are left to a later batch) and handles them;
        ``count_remaining()`` counts what is left, including work that needs
        a new transaction (an erasure record to close once every server's
        batches are committed): while something remains the job is triggered
        again, at once after a batch that did something, a minute later after
        one that found only rows others hold. A deadlock, a serialization
        failure or a lock timeout (another job on the same cases, another
        server) rolls the batch back and runs it again in a new transaction,
        whose snapshot sees what the other one committed, after a short
        growing pause (BATCH_ATTEMPTS times; then the job is triggered again
        a minute later). Nothing is recorded as an error for a manager: this is
        ordinary concurrency. A lost database connection ends the
        transaction: nothing of the batch was committed, and Odoo's scheduler
        runs the job again (its next call was not moved)."""
        self.ensure_one()
        # a test's transaction cannot start again: the job is triggered for later instead
        can_restart = not getattr(threading.current_thread(), 'testing', False)
        done = 0
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                with self.env.cr.savepoint():
                    done = batch()
                break
            except TRANSIENT_DB_ERRORS as error:
                _logger.info("Job %s: batch rolled back (%s), attempt %s of %s",
                             self.name, error.__class__.__name__, attempt, BATCH_ATTEMPTS)
                if attempt == BATCH_ATTEMPTS or not can_restart:
                    self._trigger(at=fields.Datetime.now() + timedelta(minutes=1))
                    return 0
                # only what this batch did is lost: the scheduler committed before calling the job
                self.env.cr.rollback()
                time.sleep(random.uniform(0.1, 0.5) * attempt)
        remaining = count_remaining()
        self._notify_progress(done=done, remaining=remaining)
        if remaining:
            # rows another transaction holds (a user's Send): looked at again shortly
            self._trigger(at=None if done else fields.Datetime.now() + timedelta(minutes=1))
        return done
