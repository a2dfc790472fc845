from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, tagged

from odoo.addons.closure_crm.tests.common import ClosureCommon


@tagged('post_install', '-at_install')
class TestClosureCaseIsNoSale(ClosureCommon):
    """Where Sales is installed, a closure case makes no quotation: the form
    hides sale_crm's buttons, the model refuses them, and no order can be
    attached to the case; an ordinary opportunity keeps them all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customers(1, prefix='Sale Customer')
        cls.case = cls._create_cases(cls.customer, user_id=cls.rep_1.id)
        cls.lead = cls.env['crm.lead'].create({
            'name': 'A real opportunity', 'type': 'opportunity', 'partner_id': cls.customer.id,
            'team_id': cls.sales_team.id})

    def test_no_quotation_from_a_closure_case(self):
        Order = self.env['sale.order']
        before = Order.search_count([])
        for user in (self.rep_1, self.manager):
            for method in ('action_sale_quotations_new', 'action_new_quotation'):
                with self.subTest(user=user.login, method=method), \
                        self.assertRaisesRegex(UserError, 'is a closure case: no quotation'):
                    getattr(self.case.with_user(user), method)()
        self.assertEqual(Order.search_count([]), before)
        with self.assertRaisesRegex(ValidationError, 'a closure case is no opportunity'), self.env.cr.savepoint():
            Order.create({'partner_id': self.customer.id, 'opportunity_id': self.case.id})
        order = Order.create({'partner_id': self.customer.id})
        with self.assertRaisesRegex(ValidationError, 'a closure case is no opportunity'), self.env.cr.savepoint():
            order.opportunity_id = self.case
            order.flush_recordset()
        self.env.invalidate_all()
        self.assertFalse(order.opportunity_id)
        self.assertEqual(Order.search_count([('opportunity_id', '=', self.case.id)]), 0)

    def test_ordinary_opportunity_keeps_its_quotations(self):
        action = self.lead.action_new_quotation()
        self.assertEqual(action['res_model'], 'sale.order')
        order = self.env['sale.order'].create({'partner_id': self.customer.id, 'opportunity_id': self.lead.id})
        self.assertEqual(self.lead.quotation_count, 1)
        self.assertEqual(order.opportunity_id, self.lead)

    def test_form_hides_the_sales_buttons_for_closure_cases_only(self):
        arch = etree.fromstring(
            self.env['crm.lead'].get_view(self.env.ref('crm.crm_lead_view_form').id, 'form')['arch'])
        for button in ('action_sale_quotations_new', 'action_view_sale_quotation', 'action_view_sale_order'):
            with self.subTest(button=button):
                [node] = arch.xpath(f"//button[@name='{button}']")
                self.assertTrue(node.get('invisible').startswith('closure_is_case or '), node.get('invisible'))


@tagged('post_install', '-at_install')
class TestClosureCaseIsNoSaleOverRpc(HttpCase, ClosureCommon):
    """The same refusals through the web client's RPC, as a rep logged in:
    no quotation from a closure case, no order attached to one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customers(1, prefix='Rpc Customer')
        cls.case = cls._create_cases(cls.customer, user_id=cls.rep_1.id)

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(f'/web/dataset/call_kw/{model}/{method}', {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}})

    def test_rep_cannot_quote_or_order_a_closure_case_over_rpc(self):
        Order = self.env['sale.order']
        before = Order.search_count([])
        self.authenticate(self.rep_1.login, self.rep_1.login)
        with self.assertRaisesRegex(JsonRpcException, 'UserError'):
            self.make_jsonrpc_request('/web/dataset/call_button', {
                'model': 'crm.lead', 'method': 'action_new_quotation', 'args': [[self.case.id]], 'kwargs': {}})
        with self.assertRaisesRegex(JsonRpcException, 'ValidationError'):
            self._call('sale.order', 'create', [{'partner_id': self.customer.id, 'opportunity_id': self.case.id}])
        order_id = self._call('sale.order', 'create', [{'partner_id': self.customer.id}])
        with self.assertRaisesRegex(JsonRpcException, 'ValidationError'):
            self._call('sale.order', 'write', [[order_id], {'opportunity_id': self.case.id}])
        self.env.invalidate_all()
        self.assertEqual(Order.search_count([]), before + 1)
        self.assertFalse(Order.browse(order_id).opportunity_id)
        self.assertEqual(Order.search_count([('opportunity_id', '=', self.case.id)]), 0)
