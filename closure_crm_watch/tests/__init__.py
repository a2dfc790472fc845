from . import test_deadline_watch
from . import test_failed_notices
from . import test_migration
