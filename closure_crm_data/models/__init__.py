from . import crm_lead
from . import closure_erasure
from . import closure_erasure_batch
from . import closure_plan
from . import closure_consent
