from . import closure_complaint
from . import closure_plan
from . import crm_lead
from . import mail_template
from . import survey_user_input
