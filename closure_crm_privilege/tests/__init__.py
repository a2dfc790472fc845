from . import test_customer_privileges
from . import test_customer_privilege_page
from . import test_evidence_mixin
from . import test_html_templates
from . import test_security_evidence
from . import test_migration
