from . import test_obligation_books
from . import test_migration
