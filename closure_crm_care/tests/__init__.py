from . import test_complaints_care
from . import test_satisfaction
from . import test_care_evidence
from . import test_care_figures
from . import test_erasure_care
from . import test_migration
