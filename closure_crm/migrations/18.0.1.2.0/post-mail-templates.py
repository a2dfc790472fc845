"""The notice, introduction and care templates are noupdate data (admins edit
them in the UI), so an update keeps the bodies a database was installed with:
18.0.1.2.0 adds the statutory creditor notice and the bankruptcy wording to
them. Templates nobody edited (last written by the superuser, as the install
left them) are reset from the module's files with Odoo's own
``reset_template`` (translations included); the ones an admin changed are kept
and listed in the log: their form's *Reset Template* button takes the new text."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    data = env['ir.model.data'].search([('module', '=', 'closure_crm'), ('model', '=', 'mail.template')])
    templates = env['mail.template'].with_context(active_test=False).browse(data.mapped('res_id')).exists()
    untouched = templates.filtered(lambda t: t.write_uid.id == SUPERUSER_ID)
    untouched.reset_template()
    edited = templates - untouched
    if edited:
        _logger.warning(
            "closure_crm %s: kept %d mail template(s) an admin edited (%s); "
            "'Reset Template' on their form takes the new wording",
            version, len(edited), ', '.join(edited.mapped('name')))
