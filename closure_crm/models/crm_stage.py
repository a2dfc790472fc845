from odoo import fields, models

CLOSURE_STAGE_CODES = [
    ('to_notify', 'To Notify'),
    ('notified', 'Notified'),
    ('answered', 'Answered'),
    ('transfer_agreed', 'Transfer Agreed'),
    ('transferred', 'Transferred'),
    ('settled', 'Refunded / Settled'),
    ('closed', 'Closed'),
]


class CrmStage(models.Model):
    _inherit = 'crm.stage'

    closure_stage_code = fields.Selection(
        CLOSURE_STAGE_CODES, string='Closure Step', copy=True,
        help="The step of the closure this stage stands for. The add-on moves cases "
             "between stages by this step (e.g. to 'Notified' when the notice is sent), "
             "so the stage itself can be renamed freely.")
