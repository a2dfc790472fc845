"""The customer privileges moved from closure_crm into their own add-on,
closure_crm_privilege (18.0.1.3.0, issue 23): an update of closure_crm brings
it along, with its data intact.

Before closure_crm's new code loads: (1) every external id of the seam
(models, fields, selections, constraints, views and templates, actions, menu,
access rights, record rules, demo privileges and opt-ins; all have
'privilege' in their name) moves from module closure_crm to
closure_crm_privilege, with the database constraints of its tables, so
closure_crm's update does not delete them as obsolete; (2) the new add-on is
marked to be loaded in the same run; (3) the plan form's guide view, which
hid a button of the privileges' view, is emptied: closure_crm's update
writes its new arch; (4) the notice templates read the privileges through
closure_crm's field closure_notice_offers.

It is marked 'to upgrade', not 'to install': its tables, rows and external ids
exist already, and Odoo installs a module in 'init' mode, which rewrites the
noupdate records an admin may have edited (record rules) and replays the demo
(a granted privilege refuses to be rewritten). Loaded as an update, it keeps
them, adds what is new, and is marked installed at the end of the run."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

NEW_MODULE = 'closure_crm_privilege'


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env['ir.module.module']
    new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        Module.update_list()
        new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        _logger.error("closure_crm %s: add-on %s not found in the addons path: the privileges are "
                      "not loaded", version, NEW_MODULE)
        return
    cr.execute(SQL(
        """UPDATE ir_model_data SET module = %(new)s
            WHERE module = 'closure_crm' AND name LIKE %(pattern)s""",
        new=NEW_MODULE, pattern='%privilege%'))
    moved = cr.rowcount
    # the database constraints of its tables and of its columns on closure_plan
    cr.execute(SQL(
        """UPDATE ir_model_constraint SET module = %(new_id)s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = 'closure_crm')
              AND (name LIKE %(tables)s OR name LIKE %(plan_columns)s)""",
        new_id=new.id, tables='closure\\_privilege%', plan_columns='closure\\_plan\\_privilege\\_%'))
    # the plan form's guide view hid the privileges' header button; its old
    # arch would fail closure_crm's view checks before its file rewrites it
    # (the privileges' views load later, with their add-on): emptied here
    guide = env.ref('closure_crm.closure_plan_view_form_guide', raise_if_not_found=False)
    if guide:
        cr.execute(SQL("""UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>') WHERE id = %s""",
                       guide.id))
    # the notices (noupdate, maybe edited) show the privileges through
    # closure_crm's field now, which works with or without the add-on: the
    # name changes in every language, any other wording an admin gave stays
    cr.execute(SQL(
        """UPDATE mail_template
              SET body_html = replace(body_html::text, %(old)s, %(new)s)::jsonb
            WHERE body_html::text LIKE %(pattern)s""",
        old='object.closure_privilege_notice', new='object.closure_notice_offers',
        pattern='%object.closure\\_privilege\\_notice%'))
    if new.state in ('uninstalled', 'to install'):
        closure_crm = Module.search([('name', '=', 'closure_crm')])
        cr.execute(SQL(
            "UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s",
            closure_crm.demo, new.id))
        Module.invalidate_model(['state', 'demo'])
    _logger.info("closure_crm %s: %s external ids moved to %s, which is loaded in this update",
                 version, moved, NEW_MODULE)
