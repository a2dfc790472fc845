from datetime import date

from odoo.exceptions import UserError
from odoo.tests.common import tagged
from odoo.tools import mute_logger

from .common import CommittedDataCase

CASES = 20
CAPACITIES = (6, 5)


@tagged('post_install', '-at_install')
class TestTransferConcurrency(CommittedDataCase):
    """Two managers assigning receivers on the same plan at once, each in
    its own database transaction: one wins, the other is told it is already
    running (or, coming after, finds nothing missing); no receiver ever goes
    over its capacity and no case gets two live transfers."""

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            plan = env['closure.plan'].create({
                'name': f'Transfer concurrency {self._testMethodName}', 'decision_date': date(2026, 6, 1)})
            plan.action_start()
            receivers = env['res.partner'].create([{
                'name': f'Concurrent Receiver {index}', 'is_company': True, 'closure_is_receiver': True,
                'closure_dpa_date': date(2026, 5, 1), 'email': f'receiver{index}@example.com',
            } for index in range(len(CAPACITIES))])
            env['closure.receiver.capacity'].create([{
                'plan_id': plan.id, 'partner_id': receiver.id, 'capacity': capacity,
            } for receiver, capacity in zip(receivers, CAPACITIES, strict=False)])
            customers = env['res.partner'].create([{
                'name': f'Concurrent Customer {index}', 'is_company': True, 'email': f'cc{index}@example.com',
            } for index in range(CASES)])
            cases = env['crm.lead'].create([{
                'name': customer.name, 'type': 'opportunity', 'partner_id': customer.id,
                'closure_plan_id': plan.id, 'team_id': plan.team_id.id,
            } for customer in customers])
            self.ids = {'plan': plan.id, 'team': plan.team_id.id, 'receivers': receivers.ids,
                        'customers': customers.ids, 'cases': cases.ids}
        self.addCleanup(self._delete_data)

    def _delete_data(self):
        with self.committed_env() as env:
            env.cr.execute("DELETE FROM closure_transfer WHERE lead_id IN %s", [tuple(self.ids['cases'])])
            env.invalidate_all()
            env['crm.lead'].with_context(active_test=False).browse(self.ids['cases']).exists().unlink()
            plan = env['closure.plan'].browse(self.ids['plan']).exists()
            env['closure.receiver.capacity'].search([('plan_id', '=', plan.id)]).unlink()
            env['res.partner'].browse(self.ids['customers'] + self.ids['receivers']).exists().unlink()
            self._delete_plan_team(env, plan.id, self.ids['team'])

    def _live_counts(self):
        with self.registry.cursor() as cr:
            cr.execute("""SELECT c.capacity, c.used_count, COUNT(t.id)
                            FROM closure_receiver_capacity c
                            LEFT JOIN closure_transfer t ON t.capacity_id = c.id
                                 AND t.state NOT IN ('customer_declined', 'receiver_declined', 'cancelled')
                           WHERE c.plan_id = %s GROUP BY c.id ORDER BY c.id""", [self.ids['plan']])
            per_receiver = cr.fetchall()
            cr.execute("""SELECT COUNT(t.id) FROM crm_lead l
                            LEFT JOIN closure_transfer t ON t.lead_id = l.id
                                 AND t.state NOT IN ('customer_declined', 'receiver_declined', 'cancelled')
                           WHERE l.id IN %s GROUP BY l.id""", [tuple(self.ids['cases'])])
            per_case = [row[0] for row in cr.fetchall()]
        return per_receiver, per_case

    def test_second_manager_is_told_it_is_running(self):
        """Manager 1's assignment holds the plan (its transaction is open);
        manager 2 gets a clear message at once instead of waiting."""
        with self.committed_env() as env_1:
            cr_1 = env_1.cr
            plan_1 = env_1['closure.plan'].browse(self.ids['plan'])
            env_1['closure.transfer.matcher']._assign(plan_1)  # not committed yet
            with self.committed_env() as env_2:
                cr_2 = env_2.cr
                with self.assertRaisesRegex(UserError, 'already running'):
                    env_2['closure.transfer.matcher']._assign(env_2['closure.plan'].browse(self.ids['plan']))
                # the refused manager's transaction is still usable
                cr_2.execute("SELECT 1")
            cr_1.commit()
        per_receiver, per_case = self._live_counts()
        self.assertEqual(
            [(capacity, used) for capacity, used, _live in per_receiver],
            list(zip(CAPACITIES, CAPACITIES, strict=False)),
        )
        self.assertEqual(sum(per_case), sum(CAPACITIES))
        self.assertLessEqual(max(per_case), 1)

    @mute_logger('odoo.sql_db', 'odoo.service.model')
    def test_two_managers_at_once(self):
        results = self.run_together(lambda env: env['closure.transfer.matcher']._assign(
            env['closure.plan'].browse(self.ids['plan'])))
        outcomes = [str(r) if isinstance(r, UserError) else r if isinstance(r, Exception) else r['assigned']
                    for r in results]
        self.assertEqual(outcomes.count(sum(CAPACITIES)), 1, outcomes)
        outcomes.remove(sum(CAPACITIES))
        other = outcomes[0]
        self.assertTrue(other == 0 or 'already running' in str(other), other)
        per_receiver, per_case = self._live_counts()
        for capacity, used, live in per_receiver:
            self.assertEqual(live, used)
            self.assertLessEqual(live, capacity)
        self.assertEqual(sum(per_case), sum(CAPACITIES))
        self.assertLessEqual(max(per_case), 1)
