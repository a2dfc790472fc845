from odoo import fields, models


class ClosureClaimReview(models.TransientModel):
    """The liquidation group's review of declared claims: confirmed (with the
    amount), disputed or rejected (with the reason). The checks are the
    obligation's own (closure.obligation._closure_review_claim)."""
    _name = 'closure.claim.review'
    _description = 'Review Declared Claims'

    obligation_ids = fields.Many2many('closure.obligation', string='Claims', required=True)
    decision = fields.Selection([
        ('confirmed', 'Confirmed'),
        ('disputed', 'Disputed'),
        ('rejected', 'Rejected'),
    ], required=True, default='confirmed')
    amount = fields.Float(
        'Confirmed Amount', help="Leave empty to confirm each claim for its refundable amount.")
    reason = fields.Text(help="Required for a disputed or rejected claim.")

    def action_confirm(self):
        self.ensure_one()
        amount = self.amount if self.decision == 'confirmed' and self.amount else None
        self.obligation_ids._closure_review_claim(self.decision, amount=amount, reason=self.reason)
        return {'type': 'ir.actions.act_window_close'}
