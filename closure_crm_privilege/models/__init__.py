from . import closure_privilege
from . import closure_privilege_answer
from . import closure_plan
from . import crm_lead
from . import ir_attachment
