"""A seam of closure_crm moved into an add-on of its own (auto_install with
closure_crm): what the update of a database of the earlier version does, once
for every seam, from closure_crm/migrations/<version>/pre-split-*.py. Each
script names its seam (external ids, constraints) and does its own view or
template edits; the steps are here.

Before closure_crm's new code loads: (1) the seam's external ids move from
module closure_crm to the add-on, so that closure_crm's update does not delete
them as obsolete (their rows, tables and the records an admin edited stay as
they are); (2) the database constraints of its tables move with them, so that
uninstalling the add-on later drops them; (3) the add-on is marked to be loaded
in the same run, as an update: 'to upgrade', with closure_crm's demo flag, not
'to install'. Odoo loads a module being installed in 'init' mode
(odoo/modules/loading.py), which rewrites the noupdate records an admin may
have edited (templates, rules, the jobs' schedule) and replays the demo;
loaded as an update, the add-on keeps them, adds what is new and is marked
installed at the end of the run."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def prefixed(*prefixes):
    """SQL LIKE patterns for names that start with one of ``prefixes``."""
    return tuple(prefix.replace('_', '\\_') + '%' for prefix in prefixes)


def load_as_update(cr, version, addon):
    """Mark ``addon`` to be loaded as an update in this run (step 3 above).
    Return the add-on's ir.module.module record, or None when it is not in
    the addons path (logged as an error: its features would be missing)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env['ir.module.module']
    new = Module.search([('name', '=', addon)])
    if not new:
        Module.update_list()
        new = Module.search([('name', '=', addon)])
    if not new:
        _logger.error("closure_crm %s: add-on %s not found in the addons path: its features are not loaded",
                      version, addon)
        return None
    if new.state in ('uninstalled', 'to install'):
        closure_crm = Module.search([('name', '=', 'closure_crm')])
        cr.execute(SQL("UPDATE ir_module_module SET state = 'to upgrade', demo = %s WHERE id = %s",
                       closure_crm.demo, new.id))
        Module.invalidate_model(['state', 'demo'])
    return new


def move_to_addon(cr, version, addon, names=(), patterns=(), constraints=()):
    """Hand closure_crm's external ids named in ``names`` or LIKE one of
    ``patterns``, and its table constraints LIKE one of ``constraints``, to
    ``addon``, and mark it to be loaded as an update in this run. Return an
    environment, or None when ``addon`` is not in the addons path."""
    new = load_as_update(cr, version, addon)
    if not new:
        return None
    cr.execute(SQL(
        """UPDATE ir_model_data SET module = %(addon)s
            WHERE module = 'closure_crm'
              AND (name = ANY(%(names)s) OR name LIKE ANY(%(patterns)s))
              AND NOT EXISTS (SELECT 1 FROM ir_model_data other
                               WHERE other.module = %(addon)s AND other.name = ir_model_data.name)""",
        addon=addon, names=list(names), patterns=list(patterns)))
    moved = cr.rowcount
    if constraints:
        cr.execute(SQL(
            """UPDATE ir_model_constraint SET module = %(addon_id)s
                WHERE module = (SELECT id FROM ir_module_module WHERE name = 'closure_crm')
                  AND name LIKE ANY(%(constraints)s)""",
            addon_id=new.id, constraints=list(constraints)))
    _logger.info("closure_crm %s: %s external ids moved to %s, which is loaded in this update",
                 version, moved, addon)
    return new.env


def empty_view(env, xmlid):
    """Empty a closure_crm view whose stored arch names what moved to an
    add-on: it would fail closure_crm's view checks before its file rewrites
    it (the add-on's views load later, with the add-on)."""
    view = env.ref(xmlid, raise_if_not_found=False)
    if view:
        env.cr.execute(SQL("UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>') WHERE id = %s",
                           view.id))
