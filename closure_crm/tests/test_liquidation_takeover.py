import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestLiquidationTakeover(TransferCommon):
    """Transferred means taken over: when a transfer completes, the balances
    the receiver takes over (its recorded term) leave the claims; the rest
    stay claims."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.taking = cls._create_receiver('Balance Keeper', closure_takes_over_balances=True)
        cls.plain = cls._create_receiver('Service Only')
        cls.case_taken, cls.case_kept = cls._create_need_cases(2, prefix='Prepaid Customer')
        Obligation = cls.env['closure.obligation']
        cls.taken = Obligation.create({'lead_id': cls.case_taken.id, 'obligation_type': 'prepaid',
                                       'name': 'Card', 'amount': 120})
        cls.kept = Obligation.create({'lead_id': cls.case_kept.id, 'obligation_type': 'prepaid',
                                      'name': 'Card', 'amount': 80})

    def _complete(self, case, receiver):
        transfer = self.env['closure.transfer'].create({'lead_id': case.id, 'receiver_id': receiver.id})
        # the consent and hand-over steps are tested with transfers; here the hand-over is done
        self.env.cr.execute("UPDATE closure_transfer SET state = 'handed_over' WHERE id = %s", [transfer.id])
        transfer.invalidate_recordset(['state'])
        transfer.with_user(self.manager).action_complete()
        return transfer

    def test_transfer_with_and_without_taking_over_the_balance(self):
        before_owed = self.plan.cb_refund_owed
        transfer = self._complete(self.case_taken, self.taking)
        self.assertEqual((self.taken.state, self.taken.transfer_id), ('transferred', transfer))
        self.assertEqual(self.case_taken.closure_refund_due, 0)
        self.plan.invalidate_recordset(['cb_refund_owed'])
        self.assertEqual(self.plan.cb_refund_owed, before_owed - 120)
        # a receiver without that term: the balance stays a claim
        self._complete(self.case_kept, self.plain)
        self.assertEqual((self.kept.state, self.kept.transfer_id.id), ('open', False))
        self.assertEqual(self.case_kept.closure_refund_due, 80)
        # the claims register lists the claim kept, not the balance taken over
        self.env.flush_all()
        _name, content, _count = self.plan.with_user(self.manager)._closure_export_register('claims')
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        customers = [line[0].value for line in sheet.iter_rows(min_row=4)]
        self.assertIn(self.case_kept.partner_id.name, customers)
        self.assertNotIn(self.case_taken.partner_id.name, customers)
        # taken over is the transfer's doing, never a hand's
        with self.assertRefused(self.kept, UserError):
            self.kept.with_user(self.manager).write({'state': 'transferred', 'change_reason': 'moved'})
        with self.assertRefused(self.taken, UserError):
            self.taken.with_user(self.manager).with_context(closure_change_reason='gone').unlink()
