from odoo import _, models


class GamificationKarmaTracking(models.Model):
    """Karma earned by daily practice shows its origin in the karma history."""
    _inherit = 'gamification.karma.tracking'

    def _get_origin_selection_values(self):
        return super()._get_origin_selection_values() + [('closure.training.practice', _('Daily Practice'))]
