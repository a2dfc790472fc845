from . import closure_plan
from . import crm_lead
