from . import test_closure_sale
from . import test_migration
