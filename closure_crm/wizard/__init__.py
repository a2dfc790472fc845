from . import closure_transfer_suggest
from . import closure_transfer_suggest_line
from . import closure_transfer_assign
from . import closure_transfer_cancel
from . import closure_refund_payment
from . import closure_notice_receipt
from . import closure_claim_review
from . import mail_compose_message
