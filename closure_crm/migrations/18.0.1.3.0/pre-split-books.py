"""What we owe, from the books, moved from closure_crm into its own add-on,
closure_crm_books (18.0.1.3.0, issue 23): an update of closure_crm brings it
along, with its data intact.

Before closure_crm's new code loads: (1) every external id of the seam moves
from module closure_crm to closure_crm_books, with the database constraints
of its tables, so closure_crm's update does not delete them as obsolete: the
models closure.books.total, closure.books.difference and
closure.books.reconciliation (XLSX) with their fields, selections, views,
action and access rights (all have 'closure_books' in their name), the plan's
fields of the load (obligations_loaded_date, books_*) and the daily job;
(2) the new add-on is marked to be loaded in the same run.

The obligations' own source fields (source, source_document, books_amount...)
stay in closure_crm, and so does closure_plan.obligations_loaded_date's
column: only its external id moves.

It is marked 'to upgrade', not 'to install', as closure_crm_privilege is
(pre-split-privilege.py): its tables, rows and external ids exist already, and
Odoo installs a module in 'init' mode, which rewrites the noupdate records an
admin may have edited and replays the demo (which would load the demo books a
second time). Loaded as an update, it keeps them, adds what is new, and is
marked installed at the end of the run."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

NEW_MODULE = 'closure_crm_books'
# external ids of the seam that do not have 'closure_books' in their name
NAMES = (
    'field_closure_plan__obligations_loaded_date',
    'field_closure_plan__books_total_ids',
    'field_closure_plan__books_difference_ids',
    'field_closure_plan__books_difference_count',
    'ir_cron_closure_load_obligations',
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env['ir.module.module']
    new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        Module.update_list()
        new = Module.search([('name', '=', NEW_MODULE)])
    if not new:
        _logger.error("closure_crm %s: add-on %s not found in the addons path: what we owe is no longer "
                      "loaded from the books", version, NEW_MODULE)
        return
    # models, fields, selections, views, action, access rights of closure.books.*
    # (model_closure_books_total, field_closure_books_difference__reason,
    # closure_books_difference_view_list, access_closure_books_total_manager...)
    cr.execute(SQL(
        """UPDATE ir_model_data SET module = %(new)s
            WHERE module = 'closure_crm' AND (name LIKE %(pattern)s OR name IN %(names)s)""",
        new=NEW_MODULE, pattern='%closure\\_books\\_%', names=NAMES))
    moved = cr.rowcount
    # the database constraints of its tables (foreign keys, not null)
    cr.execute(SQL(
        """UPDATE ir_model_constraint SET module = %(new_id)s
            WHERE module = (SELECT id FROM ir_module_module WHERE name = 'closure_crm')
              AND name LIKE %(tables)s""",
        new_id=new.id, tables='closure\\_books\\_%'))
    if new.state in ('uninstalled', 'to install'):
        closure_crm = Module.search([('name', '=', 'closure_crm')])
        cr.execute(SQL(
            "UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s",
            closure_crm.demo, new.id))
        Module.invalidate_model(['state', 'demo'])
    _logger.info("closure_crm %s: %s external ids moved to %s, which is loaded in this update",
                 version, moved, NEW_MODULE)
