from odoo import _, models


class ClosureHandover(models.Model):
    _inherit = 'closure.handover'

    def action_confirm(self):
        """Confirming a staff hand-over puts the departing person on the
        departing track at once, in the plans the hand-over covers, whether
        the cases move now or in a later batch."""
        plans_by_handover = {handover: handover._training_departing_plans() for handover in self}
        res = super().action_confirm()
        for handover, plans in plans_by_handover.items():
            handover._training_start_departing_track(plans)
        return res

    def _training_departing_plans(self):
        """The plans under way this hand-over covers for training: its plan, or
        every open plan of its company where the departing person takes part
        in the training or owns cases (one query each)."""
        self.ensure_one()
        if self.plan_id:
            return self.plan_id
        user = self.departing_user_id
        # the hand-over's manager need not read every plan's training
        Participant = self.env['closure.training.participant'].sudo()
        plans = Participant.search([
            ('user_id', '=', user.id), ('company_id', '=', self.company_id.id),
            ('plan_id.state', 'in', ('draft', 'in_progress'))]).plan_id
        owned = self.env['crm.lead']._read_group(self._case_domain(), ['closure_plan_id'])
        return plans | self.env['closure.plan'].browse([plan.id for plan, in owned])

    def _training_start_departing_track(self, plans):
        """Make the departing person a 'departing' participant of ``plans``
        (created when missing): the role track enrols them in the hand-over
        course at once."""
        self.ensure_one()
        user = self.departing_user_id
        # the track follows the hand-over, whoever confirms it (a closure manager may not edit training)
        Participant = self.env['closure.training.participant'].sudo()
        existing = Participant.search([('plan_id', 'in', plans.ids), ('user_id', '=', user.id)])
        existing.filtered(lambda p: p.role != 'departing').write({'role': 'departing'})
        missing = plans - existing.plan_id
        if missing and not user.share:
            Participant.create([{'plan_id': plan.id, 'user_id': user.id, 'role': 'departing'} for plan in missing])
        if plans:
            self.message_post(body=_(
                "%(user)s is on the departing track of: %(plans)s.",
                user=user.name, plans=', '.join(plans.mapped('name'))))
        return True
