from . import test_data_export
from . import test_erasure
from . import test_erasure_jobs
from . import test_migration
from . import test_security_data_export
