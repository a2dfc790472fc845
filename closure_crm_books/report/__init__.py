from . import closure_books_reconciliation
