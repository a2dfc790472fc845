from . import closure_transfer_report
