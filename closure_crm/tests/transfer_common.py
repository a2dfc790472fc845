from odoo import Command
from odoo.tests import new_test_user

from .common import ClosureCommon


class TransferCommon(ClosureCommon):
    """Fixtures for customer transfers: regions, industries, services, data
    categories, and helpers building receivers (with their capacity in the
    plan) and cases with recorded needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.action_start()
        cls.china = cls.env.ref('base.cn')
        cls.shanghai = cls.env.ref('base.state_cn_SH')
        cls.guangdong = cls.env.ref('base.state_cn_GD')
        cls.sichuan = cls.env.ref('base.state_cn_SC')
        Industry = cls.env['res.partner.industry']
        cls.retail = Industry.create({'name': 'Transfer Test Retail'})
        cls.manufacturing = Industry.create({'name': 'Transfer Test Manufacturing'})
        cls.it_support = cls.env.ref('closure_crm.closure_service_it_support')
        cls.hosting = cls.env.ref('closure_crm.closure_service_cloud_hosting')
        cls.training = cls.env.ref('closure_crm.closure_service_training')
        cls.cat_contact = cls.env.ref('closure_crm.closure_data_category_contact')
        cls.cat_business = cls.env.ref('closure_crm.closure_data_category_open_business')
        cls.cat_notes = cls.env.ref('closure_crm.closure_data_category_notes')

    @classmethod
    def _create_receiver(cls, name, capacity=5, plan=None, segment='both', industries=None, states=None,
                         countries=None, services=None, dpa=True, **values):
        receiver = cls.env['res.partner'].create({
            'name': name,
            'is_company': True,
            'email': f'{name.lower().replace(" ", ".")}@receiver.example.com',
            'closure_is_receiver': True,
            'closure_receiver_segment': segment,
            'closure_industry_ids': [Command.set((industries or cls.env['res.partner.industry']).ids)],
            'closure_state_ids': [Command.set((states or cls.env['res.country.state']).ids)],
            'closure_country_ids': [Command.set((countries or cls.env['res.country']).ids)],
            'closure_service_ids': [Command.set((services or cls.env['closure.service']).ids)],
            'closure_dpa_date': '2026-05-01' if dpa else False,
            **values,
        })
        contact = cls.env['res.partner'].create({
            'name': f'{name} Contact', 'parent_id': receiver.id,
            'email': f'contact@{name.lower().replace(" ", "")}.example.com',
        })
        receiver.closure_transfer_contact_id = contact
        if capacity is not None:
            cls.env['closure.receiver.capacity'].create({
                'plan_id': (plan or cls.plan).id, 'partner_id': receiver.id, 'capacity': capacity})
        return receiver

    @classmethod
    def _create_receiver_user(cls, receiver, login):
        """A portal user of ``receiver`` (a contact of the receiver company)."""
        user = new_test_user(cls.env, login=login, groups='base.group_portal', name=f'{login} user',
                             email=f'{login}@receiver.example.com')
        user.partner_id.parent_id = receiver
        return user

    @classmethod
    def _create_need_cases(cls, count, prefix='Needy', industry=None, state=None, services=None,
                           b2b=True, size=False, plan=None, user=None, **values):
        partners = cls._create_customers(
            count, prefix=prefix, is_company=b2b, country_id=cls.china.id,
            state_id=state.id if state else False, phone='+86 21 5555 0000')
        return cls._create_cases(
            partners, plan=plan,
            closure_industry_id=industry.id if industry else False,
            closure_service_ids=[Command.set((services or cls.env['closure.service']).ids)],
            closure_customer_size=size, user_id=(user or cls.rep_1).id, **values)

    def _consent(self, case, decision='accept', receiver=None, categories=None, channel='phone', transfer=None):
        return self.env['closure.consent'].create({
            'lead_id': case.id,
            'transfer_id': transfer.id if transfer else False,
            'decision': decision,
            'receiver_id': receiver.id if receiver else False,
            'data_category_ids': [Command.set((categories if categories is not None else self.cat_contact).ids)]
            if decision != 'decline' else [],
            'channel': channel,
            'note': 'Called the customer, who answered on the phone.',
        })

    def _live_transfer(self, case):
        return self.env['closure.transfer'].search(
            [('lead_id', '=', case.id), ('state', 'not in', ('customer_declined', 'receiver_declined', 'cancelled'))])
