from odoo import models

from .closure_erasure import CONSENT_EVIDENCE_COLUMNS


class ClosureConsent(models.Model):
    _inherit = 'closure.consent'

    def _closure_erasure_columns(self):
        """The columns of a consent the erasure empties: how the answer came
        in (the address and browser of the page, the call note, the evidence
        file's name). The decision, its date, channel and receiver stay: they
        prove each hand-over was agreed. Extend to add evidence fields."""
        extra = ('ip_address', 'remote_addr', 'user_agent', 'browser', 'evidence_text')
        return [fname for fname in CONSENT_EVIDENCE_COLUMNS + extra
                if fname in self._fields and self._fields[fname].store and self._fields[fname].column_type]
