from . import test_case_score
from . import test_migration
