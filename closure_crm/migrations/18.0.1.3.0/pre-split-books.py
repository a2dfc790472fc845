"""What we owe, from the books, moved from closure_crm into its own add-on,
closure_crm_books (18.0.1.3.0, issue 23): an update of closure_crm brings it
along, with its data intact.

The steps (external ids and constraints moved, the add-on loaded as an
update) are closure_crm/tools/addon_split.py's. The seam: the models
closure.books.total, closure.books.difference and closure.books.reconciliation
(XLSX) with their fields, selections, views, action and access rights (all
have 'closure_books' in their name), the plan's fields of the load
(obligations_loaded_date, books_*) and the daily job.

The obligations' own source fields (source, source_document, books_amount...)
stay in closure_crm, and so does closure_plan.obligations_loaded_date's
column: only its external id moves."""

from odoo.addons.closure_crm.tools.addon_split import move_to_addon

# external ids of the seam that do not have 'closure_books' in their name
NAMES = (
    'field_closure_plan__obligations_loaded_date',
    'field_closure_plan__books_total_ids',
    'field_closure_plan__books_difference_ids',
    'field_closure_plan__books_difference_count',
    'ir_cron_closure_load_obligations',
)


def migrate(cr, version):
    # models, fields, selections, views, action, access rights of closure.books.*
    # (model_closure_books_total, field_closure_books_difference__reason,
    # closure_books_difference_view_list, access_closure_books_total_manager...)
    move_to_addon(cr, version, 'closure_crm_books', names=NAMES, patterns=['%closure\\_books\\_%'],
                  constraints=['closure\\_books\\_%'])
