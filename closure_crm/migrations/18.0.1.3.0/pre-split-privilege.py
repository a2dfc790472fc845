"""The customer privileges moved from closure_crm into their own add-on,
closure_crm_privilege (18.0.1.3.0, issue 23): an update of closure_crm brings
it along, with its data intact.

The steps (external ids and constraints moved, the add-on loaded as an
update, keeping the record rules an admin may have edited and the demo: a
granted privilege refuses to be rewritten) are
closure_crm/tools/addon_split.py's. The seam: every external id with
'privilege' in its name (models, fields, selections, constraints, views and
templates, actions, menu, access rights, record rules, demo privileges and
opt-ins). Here too: the plan form's guide view, which hid a button of the
privileges' view, is emptied (closure_crm's update writes its new arch), and
the notice templates read the privileges through closure_crm's field
closure_notice_offers."""

from odoo.tools import SQL

from odoo.addons.closure_crm.tools.addon_split import empty_view, move_to_addon


def migrate(cr, version):
    env = move_to_addon(cr, version, 'closure_crm_privilege', patterns=['%privilege%'],
                        constraints=['closure\\_privilege%', 'closure\\_plan\\_privilege\\_%'])
    if not env:
        return
    empty_view(env, 'closure_crm.closure_plan_view_form_guide')
    # the notices (noupdate, maybe edited) show the privileges through
    # closure_crm's field now, which works with or without the add-on: the
    # name changes in every language, any other wording an admin gave stays
    cr.execute(SQL(
        """UPDATE mail_template
              SET body_html = replace(body_html::text, %(old)s, %(new)s)::jsonb
            WHERE body_html::text LIKE %(pattern)s""",
        old='object.closure_privilege_notice', new='object.closure_notice_offers',
        pattern='%object.closure\\_privilege\\_notice%'))
