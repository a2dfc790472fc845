from . import closure_training_report
from . import closure_training_compliance
