from . import test_training_enrolment
from . import test_training_gates
from . import test_training_practice
from . import test_training_coach
from . import test_training_report
from . import test_training_groups
