from odoo.tests import tagged

# the module, not its classes: their tests run once, in closure_crm
from odoo.addons.closure_crm.tests import test_security_evidence

PRIORITY_TERMS = "First access to the founders' next offer, for 12 months, at the launch price."


@tagged('post_install', '-at_install')
class TestPrivilegeEvidence(test_security_evidence.EvidenceCommon):
    """A case holding a privilege opt-in is neither deleted nor merged away,
    by anyone, sudo included; privileges and opt-ins are read by exactly
    those who read their case (closure_crm's attacks, run on them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a privilege the customer opted in to
        cls.case_privilege = cls._create_need_cases(
            1, prefix='Evidence Privilege', industry=cls.retail, state=cls.shanghai)
        cls.case_privilege.closure_tier = 'a'
        cls.plan.write({'privilege_priority_terms': PRIORITY_TERMS})
        cls.plan.with_user(cls.manager)._closure_approve_offer('priority')
        cls.privilege = cls.env['closure.privilege'].with_user(cls.manager).create(
            {'lead_id': cls.case_privilege.id, 'kind': 'priority'}).sudo()
        cls.opt_in = cls.privilege._record_answer('opt_in', 'phone', note='Yes, gladly.')
        cls.holding = {cls.case_privilege: cls.opt_in}

    def _children(self):
        return [self.privilege, self.opt_in]

    test_nobody_deletes_a_case_holding_evidence = \
        test_security_evidence.TestEvidenceOutlivesItsCase.test_nobody_deletes_a_case_holding_evidence
    test_nobody_merges_a_case_holding_evidence_away = \
        test_security_evidence.TestEvidenceOutlivesItsCase.test_nobody_merges_a_case_holding_evidence_away
    test_unassigned_case_is_its_teams_only = \
        test_security_evidence.TestChildRecordsFollowTheCaseRule.test_unassigned_case_is_its_teams_only
