from . import crm_team
from . import crm_stage
from . import closure_plan
from . import closure_obligation
from . import closure_revenue_line
from . import crm_lead
from . import res_partner
