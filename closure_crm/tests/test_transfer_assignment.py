import numpy as np
import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.closure_crm.tools import transfer_assignment as solver
from odoo.addons.closure_crm.tools.transfer_matching import MatchScorer

from . import assignment_reference
from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestTransferAssignment(TransferCommon):
    """Bulk assignment of a plan: the best receiver the capacities allow, or
    a flag with the reason; never over capacity; re-running keeps what is
    agreed and fills only what is missing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_receiver('North Retail', capacity=3, industries=cls.retail,
                                         states=cls.shanghai, services=cls.it_support, segment='b2b')
        cls.south = cls._create_receiver('South Retail', capacity=2, industries=cls.retail,
                                         states=cls.guangdong, services=cls.it_support, segment='b2b')
        cls.shops = cls._create_need_cases(8, prefix='Shop', industry=cls.retail, state=cls.shanghai,
                                           services=cls.it_support)

    def _assign(self, **kwargs):
        return self.env['closure.transfer.matcher']._assign(self.plan, **kwargs)

    def _used(self):
        self.env.cr.execute("""SELECT c.partner_id, c.capacity, COUNT(t.id)
                                 FROM closure_receiver_capacity c
                                 LEFT JOIN closure_transfer t ON t.capacity_id = c.id
                                      AND t.state NOT IN ('customer_declined', 'receiver_declined', 'cancelled')
                                WHERE c.plan_id = %s GROUP BY c.id""", [self.plan.id])
        return {partner_id: (capacity, used) for partner_id, capacity, used in self.env.cr.fetchall()}

    def test_capacity_never_exceeded_and_reasons(self):
        consumers = self._create_need_cases(2, prefix='Consumer', industry=self.retail, state=self.shanghai, b2b=False)
        result = self._assign()
        self.assertEqual(result['assigned'], 5)
        self.assertEqual(result['flagged'], {'capacity': 3, 'segment': 2})
        used = self._used()
        self.assertEqual(used[self.north.id], (3, 3))
        self.assertEqual(used[self.south.id], (2, 2))
        self.assertEqual(self.north.closure_capacity_ids.used_count, 3)
        transfers = self.env['closure.transfer'].search([('plan_id', '=', self.plan.id)])
        self.assertEqual(set(transfers.mapped('state')), {'proposed'})
        self.assertEqual(set(transfers.mapped('origin')), {'bulk'})
        # every north transfer is a perfect match on region; south ones score lower
        north = transfers.filtered(lambda t: t.receiver_id == self.north)
        self.assertEqual(set(north.mapped('score_region')), {20.0})
        self.assertEqual(set(transfers.filtered(lambda t: t.receiver_id == self.south).mapped('score_region')), {5.0})
        self.assertEqual(set(consumers.mapped('closure_transfer_issue')), {'segment'})
        flagged = self.shops.filtered('closure_transfer_issue')
        self.assertEqual(len(flagged), 3)
        self.assertEqual(set(flagged.mapped('closure_transfer_issue')), {'capacity'})
        self.assertTrue(all(t.user_id == self.rep_1 and t.partner_id for t in transfers))

    def test_rerun_is_idempotent_and_fills_what_is_missing(self):
        self._assign()
        first = self.env['closure.transfer'].search([('plan_id', '=', self.plan.id)])
        agreed = first[0]
        self._consent(agreed.lead_id, receiver=agreed.receiver_id, transfer=agreed)
        self.assertEqual(agreed.state, 'customer_accepted')
        result = self._assign()
        self.assertEqual(result['assigned'], 0, "nothing is missing: nothing changes")
        self.assertEqual(self.env['closure.transfer'].search([('plan_id', '=', self.plan.id)]), first)
        # a receiver declines one customer and gets more room: the next run
        # proposes that customer elsewhere and fills the new room only
        declined = (first - agreed).filtered(lambda t: t.receiver_id == self.north)[0]
        declined._receiver_answer(False, reason='Too far')
        self.south.closure_capacity_ids.capacity = 4
        result = self._assign()
        self.assertEqual(result['assigned'], 3)
        again = self._live_transfer(declined.lead_id)
        self.assertEqual(again.receiver_id, self.south, "never proposed again to the receiver that declined")
        self.assertEqual(agreed.state, 'customer_accepted')
        self.assertTrue(all(t.state in ('proposed', 'customer_accepted') for t in first - declined),
                        "the proposals kept are untouched")
        used = self._used()
        self.assertEqual(used[self.north.id], (3, 3))
        self.assertEqual(used[self.south.id], (4, 4))
        for case in self.shops:
            self.assertLessEqual(len(self._live_transfer(case)), 1)

    def test_replan_only_touches_proposals_not_introduced(self):
        self._assign()
        transfers = self.env['closure.transfer'].search([('plan_id', '=', self.plan.id)])
        introduced = transfers[0]
        introduced.write({'state': 'introduced', 'date_introduced': '2026-11-01 10:00:00'})
        self._assign(replan=True)
        self.assertEqual(introduced.state, 'introduced')
        self.assertEqual(set((transfers - introduced).mapped('state')), {'cancelled'})
        live = self.env['closure.transfer'].search([('plan_id', '=', self.plan.id), ('state', '=', 'proposed')])
        self.assertEqual(len(live), 4, "the other four slots are planned again")

    def test_selection_and_low_score(self):
        self.env['closure.receiver.capacity'].search([('plan_id', '=', self.plan.id)]).write({'capacity': 10})
        factory = self._create_need_cases(1, prefix='Factory', industry=self.manufacturing, state=self.sichuan,
                                          services=self.training)
        result = self._assign(leads=self.shops[:2] | factory, min_score=60)
        self.assertEqual(result['cases'], 3)
        self.assertEqual(result['assigned'], 2)
        self.assertEqual(factory.closure_transfer_issue, 'low_score')
        self.assertFalse(self._live_transfer(self.shops[2]), "cases outside the selection are left alone")
        # a customer who declines any transfer is not assigned, nor flagged again
        self._consent(self.shops[3], decision='decline')
        self.assertTrue(self.shops[3].closure_transfer_declined)
        self._assign()
        self.assertFalse(self._live_transfer(self.shops[3]))

    def test_unsigned_or_missing_receivers(self):
        self.env['closure.receiver.capacity'].search([('plan_id', '=', self.plan.id)]).unlink()
        result = self._assign()
        self.assertEqual(result['flagged'], {'no_receiver': 8})
        unsigned = self._create_receiver('Unsigned', capacity=10, dpa=False, industries=self.retail)
        result = self._assign()
        self.assertEqual(result['without_dpa'], unsigned)
        self.assertEqual(result['assigned'], 0)

    def test_near_optimal_against_exact_solver(self):
        """On a small plan with scarce, contested receivers, the total score
        is the exact optimum (LP) within the auction's epsilon."""
        rng = np.random.default_rng(3)
        industries, states = self.retail | self.manufacturing, self.shanghai | self.guangdong | self.sichuan
        services = self.it_support | self.hosting | self.training
        receivers = self.north | self.south
        for index in range(6):
            receivers |= self._create_receiver(
                f'Random {index}',
                capacity=int(rng.integers(1, 6)),
                industries=industries[int(rng.integers(0, 2))],
                states=states[int(rng.integers(0, 3))],
                services=services.browse(
                    rng.choice(services.ids, size=int(rng.integers(1, 3)), replace=False).tolist()
                ),
            )
        for index in range(30):
            self._create_need_cases(1, prefix=f'Random case {index}', industry=industries[int(rng.integers(0, 2))],
                                    state=states[int(rng.integers(0, 3))],
                                    services=services.browse(rng.choice(services.ids, size=2, replace=False).tolist()))
        Matcher = self.env['closure.transfer.matcher']
        plan_receivers, _unsigned = Matcher._load_receivers(self.plan)
        cases = Matcher._load_cases(self.plan)
        scorer = MatchScorer(cases, plan_receivers, min_score=40.0)
        _assign, optimum = assignment_reference.exact_assign(scorer.block(0, len(cases['lead_id'])).astype(float),
                                               plan_receivers['capacity'])
        result = self._assign()
        total = sum(self.env['closure.transfer'].search([('plan_id', '=', self.plan.id)]).mapped('score'))
        self.assertGreater(result['assigned'], 0)
        self.assertGreaterEqual(total, optimum * 0.999)
        self.assertLessEqual(result['score'], result['bound'] + 1e-6)
        for capacity, used in self._used().values():
            self.assertLessEqual(used, capacity)

    def test_one_live_transfer_per_case(self):
        case = self.shops[0]
        self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.north.id})
        with self.assertRaisesRegex(UserError, 'already has a transfer under way'), self.env.cr.savepoint():
            self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': self.south.id})
        # the database refuses it too, whatever bypasses the ORM
        with self.assertRaises(psycopg2.IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.env.cr.execute("""INSERT INTO closure_transfer (lead_id, receiver_id, state, origin)
                                   VALUES (%s, %s, 'proposed', 'bulk')""", [case.id, self.south.id])
        # and the capacity count cannot go above the capacity
        with self.assertRaises(psycopg2.IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.env.cr.execute("UPDATE closure_receiver_capacity SET used_count = capacity + 1 WHERE partner_id = %s",
                                [self.north.id])

    def test_bulk_queries_do_not_grow_with_cases(self):
        """Set-based: the same number of queries for 8 or 40 cases."""
        self.env['closure.receiver.capacity'].search([('plan_id', '=', self.plan.id)]).write({'capacity': 50})
        other_plan = self.env['closure.plan'].create({'name': 'Other plan', 'decision_date': '2026-06-01'})
        for receiver in self.north | self.south:
            self.env['closure.receiver.capacity'].create({'plan_id': other_plan.id, 'partner_id': receiver.id,
                                                         'capacity': 50})
        self._create_need_cases(40, prefix='Big', industry=self.retail, state=self.shanghai, plan=other_plan)
        Matcher = self.env['closure.transfer.matcher']
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=22):
            Matcher._assign(self.plan)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=22):
            Matcher._assign(other_plan)
        self.assertEqual(self.env['closure.transfer'].search_count([('plan_id', '=', other_plan.id)]), 40)

    def test_wizard_from_selected_cases(self):
        wizard = self.env['closure.transfer.assign'].with_user(self.manager).with_context(
            active_model='crm.lead', active_ids=self.shops[:3].ids).create({})
        self.assertEqual(wizard.plan_id, self.plan)
        self.assertEqual(wizard.lead_ids, self.shops[:3])
        wizard.action_assign()
        self.assertEqual(wizard.state, 'done')
        self.assertEqual(wizard.assigned_count, 3)
        self.assertIn('3 of 3', wizard.summary)
        with self.assertRaises(UserError):
            other = self._create_cases(
                self._create_customers(1, 'Elsewhere'),
                plan=self.env['closure.plan'].create({'name': 'Second', 'decision_date': '2026-06-01'}),
            )
            self.env['closure.transfer.assign'].with_context(
                active_model='crm.lead', active_ids=(self.shops[:1] | other).ids).create({})
        self.assertEqual(self.plan.message_ids[:1].body.count('3 of 3'), 1)

    def test_huge_capacity_allocates_no_more_than_the_cases(self):
        """A capacity typed as 10**12 must not make the solver allocate a slot
        per unit of capacity: it is clipped to the number of cases."""
        scores = np.array([[5.0, 1.0], [4.0, 2.0], [3.0, -np.inf]])

        def blocks():
            yield 0, scores
        auction = solver.Auction([10 ** 12, 2], n_cases=3)
        self.assertEqual(auction.capacity.tolist(), [3, 2])
        self.assertEqual(len(auction.slot_owner), 5)
        self.assertEqual(solver.clip_capacity([-4, 10 ** 15], 3).tolist(), [0, 3])
        solution = solver.solve(blocks, 3, [10 ** 12, 10 ** 12])
        self.assertEqual(solution['assign'].tolist(), [0, 0, 0])
        # through the plan: a huge capacity line assigns each case once
        capacity = self.env['closure.receiver.capacity'].search(
            [('plan_id', '=', self.plan.id), ('partner_id', '=', self.north.id)])
        capacity.capacity = 10 ** 9
        result = self._assign()
        self.assertGreater(result['assigned'], 3, "more than the old capacity, each case once")
        self.assertLessEqual(result['assigned'], len(self.shops))
