from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClosureCommon


@tagged('post_install', '-at_install')
class TestTieringStorage(ClosureCommon):
    """Installing or updating closure_crm leaves the storage parameters of
    Odoo's core tables alone; tuning them for large closures is an
    administrator's explicit action, and can be undone."""

    def _fillfactor(self, table):
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        options = self.env.cr.fetchone()[0] or []
        return next((option for option in options if option.startswith('fillfactor=')), None)

    def test_init_does_not_touch_core_tables(self):
        Plan = self.env['closure.plan']
        Plan._closure_tune_tiering_storage(False)
        self.env['crm.lead'].init()
        self.env['res.partner'].init()
        self.assertIsNone(self._fillfactor('crm_lead'))
        self.assertIsNone(self._fillfactor('res_partner'))

    def test_tuning_is_explicit_and_reversible(self):
        action = self.env.ref('closure_crm.action_closure_tune_storage')
        self.assertEqual(action.groups_id, self.env.ref('base.group_system'))
        result = action.with_context(active_model='closure.plan', active_ids=[]).run()
        self.assertEqual(result['tag'], 'display_notification')
        self.assertEqual(self._fillfactor('crm_lead'), 'fillfactor=50')
        self.assertEqual(self._fillfactor('res_partner'), 'fillfactor=50')
        self.env.ref('closure_crm.action_closure_reset_storage').run()
        self.assertIsNone(self._fillfactor('crm_lead'))
        self.assertIsNone(self._fillfactor('res_partner'))

    def test_only_an_administrator_tunes(self):
        before = self._fillfactor('crm_lead')
        for user in (self.manager, self.rep_1):
            with self.assertRaises(AccessError):
                self.env['closure.plan'].with_user(user)._closure_tune_tiering_storage(True)
        self.assertEqual(self._fillfactor('crm_lead'), before)
