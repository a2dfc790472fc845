from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestTransferMatching(TransferCommon):
    """Suggestions for one case: up to three receivers, ranked by a score
    whose parts (industry, region, services, segment and size, room left,
    past acceptance) are shown."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        both = cls.it_support | cls.hosting
        cls.alpha = cls._create_receiver('Alpha Services', industries=cls.retail, states=cls.shanghai, services=both)
        cls.beta = cls._create_receiver(
            'Beta Services', industries=cls.retail, states=cls.guangdong, services=cls.it_support
        )
        cls.gamma = cls._create_receiver('Gamma Services', industries=cls.manufacturing, countries=cls.china)
        cls.delta = cls._create_receiver('Delta Consumer', segment='b2c', industries=cls.retail,
                                         states=cls.shanghai, services=both)
        cls.epsilon = cls._create_receiver('Epsilon Full', capacity=0, industries=cls.retail,
                                           states=cls.shanghai, services=both)
        cls.zeta = cls._create_receiver('Zeta Unsigned', dpa=False, industries=cls.retail,
                                        states=cls.shanghai, services=both)
        cls.eta = cls._create_receiver('Eta Generalist', services=both, closure_max_customer_size='small')
        cls.case = cls._create_need_cases(
            1, prefix='Shanghai Shop', industry=cls.retail, state=cls.shanghai, services=both, size='medium')

    def test_ranking_and_parts(self):
        suggestions = self.env['closure.transfer.matcher']._suggest(self.case)
        self.assertEqual([s['receiver_id'] for s in suggestions], [self.alpha.id, self.beta.id, self.eta.id],
                         "B2C-only, full and unsigned receivers are never suggested; Gamma ranks 4th")
        alpha, beta, eta = suggestions
        # Alpha: same industry, region and services, nothing used yet, no history
        self.assertEqual(
            {k: round(v, 2) for k, v in alpha.items() if k.startswith('score_')},
            {'score_industry': 30.0, 'score_region': 20.0, 'score_services': 20.0, 'score_segment': 10.0,
             'score_capacity': 10.0, 'score_acceptance': 5.0})
        self.assertAlmostEqual(alpha['score'], 95.0, places=2)
        # Beta: another region of the same country, one of the two services
        self.assertAlmostEqual(beta['score_region'], 5.0, places=2)
        self.assertAlmostEqual(beta['score_services'], 10.0, places=2)
        self.assertAlmostEqual(beta['score'], 70.0, places=2)
        # Eta serves any industry and region (half marks) but smaller customers
        self.assertAlmostEqual(eta['score_industry'], 15.0, places=2)
        self.assertAlmostEqual(eta['score_region'], 10.0, places=2)
        self.assertAlmostEqual(eta['score_segment'], 5.0, places=2)
        self.assertAlmostEqual(eta['score'], 65.0, places=2)
        self.assertEqual([s['rank'] for s in suggestions], [1, 2, 3])

    def test_past_acceptance_and_room_left(self):
        """A receiver that accepted similar customers before, and has more
        room left, ranks above an otherwise identical one."""
        past_plan = self.env['closure.plan'].create({'name': 'Past Closure', 'decision_date': date(2025, 1, 1)})
        keen = self._create_receiver('Keen Partner', industries=self.manufacturing, plan=past_plan, capacity=4)
        shy = self._create_receiver('Shy Partner', industries=self.manufacturing, plan=past_plan, capacity=4)
        for receiver in keen | shy:
            self.env['closure.receiver.capacity'].create(
                {'plan_id': self.plan.id, 'partner_id': receiver.id, 'capacity': 4}
            )
        history = self._create_need_cases(4, prefix='Past', industry=self.manufacturing, plan=past_plan)
        Transfer = self.env['closure.transfer']
        for case, receiver, state in zip(
            history,
            [keen, keen, shy, shy],
            ['completed', 'completed', 'receiver_declined', 'receiver_declined'],
            strict=False,
        ):
            Transfer.create({'lead_id': case.id, 'receiver_id': receiver.id}).write({'state': state})
        # the shy partner already has one customer proposed in this plan: less room left
        busy = self._create_need_cases(1, prefix='Busy', industry=self.manufacturing)
        Transfer.create({'lead_id': busy.id, 'receiver_id': shy.id})
        case = self._create_need_cases(1, prefix='Factory', industry=self.manufacturing, state=self.sichuan)
        by_receiver = {s['receiver_id']: s for s in self.env['closure.transfer.matcher']._suggest(case, limit=10)}
        self.assertAlmostEqual(by_receiver[keen.id]['score_acceptance'], 7.5, places=2)  # (2+1)/(2+0+2)
        self.assertAlmostEqual(by_receiver[shy.id]['score_acceptance'], 2.5, places=2)   # (0+1)/(0+2+2)
        self.assertAlmostEqual(by_receiver[keen.id]['score_capacity'], 10.0, places=2)
        self.assertAlmostEqual(by_receiver[shy.id]['score_capacity'], 7.5, places=2)      # 3 of 4 left
        self.assertGreater(by_receiver[keen.id]['score'], by_receiver[shy.id]['score'])
        self.assertEqual(keen.closure_acceptance_rate, 100.0)
        self.assertEqual(shy.closure_acceptance_rate, 0.0)

    def test_pick_a_suggestion(self):
        wizard = self.env['closure.transfer.suggest'].with_user(self.rep_1).create({'lead_id': self.case.id})
        wizard._fill()
        self.assertEqual(wizard.line_ids.mapped('receiver_id'), self.alpha | self.beta | self.eta)
        action = wizard.line_ids.filtered(lambda line: line.receiver_id == self.beta).action_pick()
        transfer = self.env['closure.transfer'].browse(action['res_id'])
        self.assertRecordValues(transfer, [{
            'lead_id': self.case.id, 'receiver_id': self.beta.id, 'state': 'proposed',
            'origin': 'suggestion', 'rank': 2, 'score': 70.0, 'score_region': 5.0,
        }])
        self.assertEqual(transfer.capacity_id.used_count, 1)
        self.assertEqual(transfer.user_id, self.rep_1)
        # reps see the transfers of their own cases only
        self.assertEqual(self.env['closure.transfer'].with_user(self.rep_1).search([]), transfer)
        self.assertFalse(self.env['closure.transfer'].with_user(self.rep_2).search([]))
        # a second pick while this one is under way is refused
        wizard_2 = self.env['closure.transfer.suggest'].create({'lead_id': self.case.id})
        wizard_2._fill()
        self.assertEqual(wizard_2.live_transfer_id, transfer)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard_2.line_ids[0].action_pick()

    def test_declined_receiver_not_suggested_again(self):
        transfer = self.env['closure.transfer'].create({'lead_id': self.case.id, 'receiver_id': self.alpha.id})
        transfer._receiver_answer(False, reason='No room for retail in Shanghai')
        self.assertEqual(transfer.state, 'receiver_declined')
        self.assertEqual(transfer.capacity_id.used_count, 0, "a decline frees the slot")
        receivers = [s['receiver_id'] for s in self.env['closure.transfer.matcher']._suggest(self.case)]
        self.assertEqual(receivers, [self.beta.id, self.eta.id, self.gamma.id])

    def test_capacity_line_rules(self):
        capacity = self.alpha.closure_capacity_ids
        self.env['closure.transfer'].create({'lead_id': self.case.id, 'receiver_id': self.alpha.id})
        with self.assertRaisesRegex(ValidationError, 'already proposed'), self.env.cr.savepoint():
            capacity.capacity = 0
        other = self._create_need_cases(1, prefix='Other', industry=self.retail)
        with self.assertRaisesRegex(UserError, 'no capacity'), self.env.cr.savepoint():
            self.env['closure.transfer'].create({'lead_id': other.id, 'receiver_id': self.epsilon.id})
        outsider = self.env['res.partner'].create({'name': 'Not A Receiver', 'is_company': True})
        with self.assertRaisesRegex(ValidationError, 'not a receiving partner'), self.env.cr.savepoint():
            self.env['closure.receiver.capacity'].create({'plan_id': self.plan.id, 'partner_id': outsider.id})

    def test_case_needs_default_from_customer(self):
        self.case.partner_id.industry_id = self.manufacturing
        fresh = self._create_cases(self._create_customers(1, 'Fresh', is_company=True, industry_id=self.retail.id))
        self.assertEqual(fresh.closure_industry_id, self.retail)
        self.assertEqual(fresh.closure_segment, 'b2b')
        fresh.write({'closure_service_ids': [Command.link(self.training.id)], 'closure_customer_size': 'large'})
        self.assertEqual(fresh.closure_service_ids, self.training)
