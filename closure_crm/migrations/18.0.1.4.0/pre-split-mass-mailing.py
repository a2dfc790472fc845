"""The news mailing list moves to a bridge add-on, closure_crm_mass_mailing
(18.0.1.4.0), which installs itself where Email Marketing is installed:
closure_crm no longer looks for mass_mailing at run time. Where it is
installed, the plan's list (the integer news_list_ref) becomes the bridge's
link to the list (news_list_id) with its values, and the job that keeps the
lists in step moves with its schedule (closure_crm/tools/addon_split.py).
Without Email Marketing there is no list to keep: closure_crm's update drops
the job and the unused column."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.closure_crm.tools.addon_split import move_to_addon, prefixed


def migrate(cr, version):
    cr.execute("SELECT 1 FROM ir_module_module WHERE name = 'mass_mailing' AND state IN ('installed', 'to upgrade')")
    if not cr.rowcount or not column_exists(cr, 'closure_plan', 'news_list_ref'):
        return
    # a list deleted since then is no list: the link would fail its foreign key
    cr.execute(SQL("""
        UPDATE closure_plan plan SET news_list_ref = NULL
         WHERE news_list_ref IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM mailing_list list WHERE list.id = plan.news_list_ref)"""))
    if not column_exists(cr, 'closure_plan', 'news_list_id'):
        cr.execute(SQL("ALTER TABLE closure_plan RENAME COLUMN news_list_ref TO news_list_id"))
    move_to_addon(cr, version, 'closure_crm_mass_mailing', patterns=prefixed('ir_cron_closure_sync_news_lists'))
