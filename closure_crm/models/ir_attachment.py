from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# the models whose files are a customer's recorded answer (the consent); add-ons
# add theirs in _closure_evidence_models()
EVIDENCE_MODELS = ('closure.consent',)


class IrAttachment(models.Model):
    """Evidence files stay as recorded: the evidence of a customer's consent
    (res_model closure.consent; add-ons add theirs, e.g. a privilege opt-in)
    and the data package handed over to a
    receiver (a transfer's package). Only the data erasure job rewrites or
    removes them (``closure.evidence.mixin._closure_erasure_context()``)."""

    _inherit = 'ir.attachment'

    @api.model_create_multi
    def create(self, vals_list):
        evidence_models = self._closure_evidence_models()
        if not self.env.su and any(vals.get('res_model') in evidence_models for vals in vals_list) \
                and not self.env['closure.evidence.mixin']._closure_erasure_allowed():
            raise UserError(_("Only the consent itself records its evidence file."))
        return super().create(vals_list)

    def write(self, vals):
        self._closure_check_evidence(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closure_evidence(self):
        self._closure_check_evidence()

    @api.model
    def _closure_evidence_models(self):
        """Hook: the models whose attached files are a customer's recorded
        answer, evidence nobody changes nor deletes (only the erasure job).
        Add-ons that keep such answers (closure_crm_privilege) extend it."""
        return list(EVIDENCE_MODELS)

    def _closure_evidence(self):
        """The attachments among these that are closure evidence (one query)."""
        if not self.ids:
            return self.browse()
        self.flush_model(['res_model', 'res_id'])
        self.env['closure.transfer'].flush_model(['package_attachment_id'])
        self.env.cr.execute(SQL(
            """SELECT a.id FROM ir_attachment a
                WHERE a.id IN %s
                  AND (a.res_model IN %s
                       OR (a.res_model = 'closure.transfer'
                           AND EXISTS (SELECT 1 FROM closure_transfer t WHERE t.package_attachment_id = a.id)))""",
            tuple(self.ids), tuple(self._closure_evidence_models())))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _closure_check_evidence(self, vals=None):
        if self.env['closure.evidence.mixin']._closure_erasure_allowed():
            return
        if vals is not None and vals.get('res_model') in self._closure_evidence_models() and not self.env.su:
            raise UserError(_("Only the consent itself records its evidence file."))
        # server code (sudo) may maintain the files, e.g. move them to another storage
        evidence = self._closure_evidence() if vals is None or not self.env.su else self.browse()
        if evidence:
            raise UserError(_(
                "%(file)s is evidence of a customer's consent or of a data hand-over: it cannot be changed or "
                "deleted. Record the customer's new answer instead.", file=evidence[0].name))
