import unittest

from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

from odoo.addons.closure_crm_data.tests import test_erasure


@tagged('post_install', '-at_install')
class TestErasureLeavesNoTraceOfCare(test_erasure.TestErasureLeavesNoTrace):
    """closure_crm_data's no-trace erasure, with a complaint (its words, messages
    and files) on the customer's case. The erasure comes with closure_crm_data
    (auto_install): without it, nothing to test."""
    TRACE_TABLES = (*test_erasure.TestErasureLeavesNoTrace.TRACE_TABLES, 'closure_complaint')

    @classmethod
    def setUpClass(cls):
        if 'closure.erasure' not in Registry(get_db_name()):
            raise unittest.SkipTest("closure_crm_data (the erasure) is not installed")
        super().setUpClass()
        # a complaint with its messages and files
        complaint = cls.env['closure.complaint'].create({'lead_id': cls.case.id})
        complaint.sudo().write({'reply_excerpt': 'Zqxmarker: this is unacceptable'})
        complaint.message_post(body='Zqxmarker called again', subtype_xmlid='mail.mt_note',
                               attachments=[('zqxmarker-call.txt', b'zqxmail@example.com')])
