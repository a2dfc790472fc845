from . import closure_transfer_report
from . import closure_register
