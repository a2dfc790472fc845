from . import test_closure_plan
from . import test_case_generation
from . import test_tiering
from . import test_closure_security
