from . import closure_training_report
