from odoo.tests import tagged

# the module, not the class: its tests run once, in closure_crm
from odoo.addons.closure_crm.tests import test_evidence_mixin


@tagged('post_install', '-at_install')
class TestPrivilegeEvidence(test_evidence_mixin.TestEvidenceMixin):
    """The rules of every customer's answer kept as evidence, run on the
    privilege opt-in with the same attacks as closure_crm runs on consents."""

    evidence_models = ('closure.privilege.answer',)

    @classmethod
    def _setup_subjects(cls):
        result = super()._setup_subjects()
        cls.plan.write({'privilege_priority_terms': "First access to the founders' next offer."})
        cls.plan.with_user(cls.manager)._closure_approve_offer('priority')
        cls.privilege = cls.env['closure.privilege'].with_user(cls.manager).create(
            {'lead_id': cls.case.id, 'kind': 'priority'})
        return result

    @classmethod
    def _subject(cls, model):
        if model == 'closure.privilege.answer':
            return {'privilege_id': cls.privilege.id, 'decision': 'opt_in'}
        return super()._subject(model)

    def _expected_messages(self):
        customer = self.case.partner_id.display_name
        return {
            ('closure.privilege.answer', 'en_US'): (
                f"Opt-in of {customer}: the answer cannot be dated in the future",
                "A recorded opt-in is evidence and cannot be changed: record"),
            ('closure.privilege.answer', 'zh_CN'): (
                f"{customer} 的加入确认：答复日期不能是将来的日期", "已记录的加入确认是证据，不能修改"),
        }
