from . import closure_answer
from . import closure_transfer_portal
from . import closure_register
