from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.closure_crm.models import closure_handover
from odoo.addons.mail.tests.common import MailCase

from .transfer_common import TransferCommon


@tagged('post_install', '-at_install')
class TestStaffHandover(TransferCommon, MailCase):
    """Before a rep leaves, every customer they own in the plans under way
    goes to a named successor, with a checklist per customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = cls._create_receiver('Harbour IT', industries=cls.retail, states=cls.shanghai)
        cls.case_a, cls.case_b, cls.case_c = cls._create_need_cases(3, prefix='Leaving Customer', user=cls.rep_1)
        cls.env['res.partner'].create({
            'name': 'Mia Buyer', 'parent_id': cls.case_a.partner_id.id, 'function': 'Purchasing',
            'email': 'mia@customer.example.com', 'phone': '+86 21 5555 0101'})
        cls.env['closure.obligation'].create([
            {'lead_id': cls.case_a.id, 'obligation_type': 'milestone', 'name': 'POS migration',
             'due_date': fields.Date.today() + timedelta(days=20)},
            {'lead_id': cls.case_a.id, 'obligation_type': 'prepaid', 'name': 'Membership', 'amount': 300},
        ])
        cls.case_a.write({'closure_reply_mood': 'angry', 'closure_reply_terms': 'unacceptable'})
        cls.transfer = cls.env['closure.transfer'].create({'lead_id': cls.case_b.id, 'receiver_id': cls.receiver.id})
        cls.promise = cls.env['mail.activity'].create({
            'res_model_id': cls.env['ir.model']._get_id('crm.lead'), 'res_id': cls.case_a.id,
            'summary': 'Call back about the refund', 'user_id': cls.rep_1.id,
            'date_deadline': fields.Date.today()})
        # what stays: a regular lead of the same rep, another rep's case, a case of a closed plan
        cls.regular_lead = cls.env['crm.lead'].create({
            'name': 'Regular deal', 'type': 'opportunity', 'user_id': cls.rep_1.id, 'team_id': cls.sales_team.id})
        cls.other_rep_case = cls._create_need_cases(1, prefix='Other Rep Customer', user=cls.rep_2)
        closed_plan = cls.env['closure.plan'].create({'name': 'Closed Closure', 'user_id': cls.manager.id})
        cls.closed_case = cls._create_need_cases(1, prefix='Closed Customer', plan=closed_plan, user=cls.rep_1)
        closed_plan.state = 'closed'
        cls.handover = cls.env['closure.handover'].with_user(cls.manager).create({
            'departing_user_id': cls.rep_1.id, 'successor_user_id': cls.rep_2.id,
            'note': 'Tea House 0 prefers calls before 10:00.'})

    def _run_handover_job(self, max_calls=20):
        """Run the scheduled job as the cron framework does, a batch per
        call, until no hand-over is queued; return the number of calls."""
        cron = self.env.ref('closure_crm.ir_cron_closure_handover')
        for calls in range(1, max_calls + 1):
            cron.method_direct_trigger()
            self.env.invalidate_all()
            if not self.env['closure.handover'].search_count([('state', '=', 'queued')]):
                return calls
        self.fail("the hand-over job did not finish")

    def test_cases_activities_and_checklists_go_to_the_successor(self):
        cases = self.case_a | self.case_b | self.case_c
        self.assertEqual(self.handover.case_count, 3)
        teams = cases.mapped('team_id')
        self.handover.action_confirm()
        # the request only queues: the job moves the cases
        self.assertEqual(self.handover.state, 'queued')
        self.assertEqual(cases.user_id, self.rep_1)
        with self.mock_mail_gateway():
            self._run_handover_job()
        self.assertEqual(self.handover.state, 'done')
        self.assertEqual(self.handover.lead_ids, cases)
        self.assertEqual(cases.user_id, self.rep_2)
        self.assertEqual(cases.mapped('team_id'), teams, "cases stay in the plan's team")
        self.assertEqual(self.transfer.user_id, self.rep_2)
        for untouched in (self.regular_lead, self.closed_case):
            self.assertEqual(untouched.user_id, self.rep_1)
        self.assertEqual(self.promise.user_id, self.rep_2, "open promises follow the case")
        # one checklist per case, due within the 3-day care rule
        checklists = self.env['mail.activity'].search([
            ('res_model', '=', 'crm.lead'), ('res_id', 'in', cases.ids), ('summary', 'like', 'Hand-over checklist')])
        self.assertEqual(len(checklists), 3)
        self.assertEqual(checklists.user_id, self.rep_2)
        self.assertEqual(set(checklists.mapped('date_deadline')), {fields.Date.today() + timedelta(days=3)})
        note_a = str(checklists.filtered(lambda a: a.res_id == self.case_a.id).note)
        for expected in ('Open Milestone: POS migration', 'Prepaid Balance: Membership', 'Last reply: Angry',
                         'Mia Buyer (Purchasing, mia@customer.example.com, +86 21 5555 0101)',
                         'Open activities, now yours: 1',
                         'prefers calls before 10:00'):
            self.assertIn(expected, note_a)
        note_b = str(checklists.filtered(lambda a: a.res_id == self.case_b.id).note)
        self.assertIn('Transfer to Harbour IT: Proposed', note_b)
        # each customer learns who their new contact is, from that person
        for case in cases:
            message = case.message_ids.filtered(lambda m: 'new contact person' in (m.subject or ''))
            self.assertEqual(len(message), 1, case.name)
            self.assertEqual(message.author_id, self.rep_2.partner_id)
            self.assertEqual(message.partner_ids, case.partner_id)
            self.assertIn('Rep Two', message.body)
        with self.assertRaises(UserError):
            self.handover.action_confirm()

    def test_access_follows_the_cases(self):
        self.handover.notify_customers = False
        self.handover.action_confirm()
        self._run_handover_job()
        Lead = self.env['crm.lead']
        self.assertEqual(Lead.with_user(self.rep_2).search([('id', '=', self.case_a.id)]), self.case_a)
        self.assertFalse(Lead.with_user(self.rep_1).search([('id', '=', self.case_a.id)]))
        # both see the hand-over itself; another rep does not, nor may a rep create one
        self.assertTrue(self.handover.with_user(self.rep_1).name)
        third = new_test_user(self.env, login='closure_rep_3', groups='closure_crm.group_closure_user')
        with self.assertRaises(AccessError):
            self.handover.with_user(third).read(['name'])
        with self.assertRaises(AccessError):
            self.env['closure.handover'].with_user(self.rep_1).create({
                'departing_user_id': self.rep_1.id, 'successor_user_id': self.rep_2.id})

    def test_wrong_successor_or_nothing_to_hand_over(self):
        Handover = self.env['closure.handover']
        with self.assertRaisesRegex(ValidationError, 'Successor: choose someone other than Rep One'):
            Handover.create({'departing_user_id': self.rep_1.id, 'successor_user_id': self.rep_1.id})
        salesman = new_test_user(self.env, login='plain_salesman', name='Plain Salesman',
                                 groups='sales_team.group_sale_salesman')
        with self.assertRaisesRegex(ValidationError, 'Plain Salesman is not a Closure User'):
            Handover.create({'departing_user_id': self.rep_1.id, 'successor_user_id': salesman.id})
        nobody = Handover.create({'departing_user_id': self.manager.id, 'successor_user_id': self.rep_2.id})
        with self.assertRaisesRegex(UserError, 'owns no case'):
            nobody.action_confirm()
        self.assertEqual(nobody.state, 'draft')

    def test_checklist_in_the_successor_language(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['closure_crm'], ['zh_CN'], overwrite=True)
        self.rep_2.lang = 'zh_CN'
        self.handover.notify_customers = False
        self.handover.action_confirm()
        self._run_handover_job()
        checklist = self.case_b.activity_ids.filtered(lambda a: a.user_id == self.rep_2)
        self.assertTrue(checklist.summary.startswith('交接清单'), checklist.summary)
        self.assertIn('转交给 Harbour IT', str(checklist.note))

    def test_job_moves_the_cases_in_batches_with_progress(self):
        cases = self.case_a | self.case_b | self.case_c
        self.handover.notify_customers = False
        self.handover.action_confirm()
        with patch.object(closure_handover, 'HANDOVER_BATCH', 2):
            self.env['closure.handover']._cron_process_handovers()
            self.env.invalidate_all()
            # one batch: two cases moved, the handover still under way, its progress shown
            self.assertEqual(self.handover.state, 'queued')
            self.assertEqual(len(cases.filtered(lambda case: case.user_id == self.rep_2)), 2)
            self.assertRecordValues(self.handover, [{'done_count': 2, 'case_count': 3}])
            self.assertAlmostEqual(self.handover.progress, 200 / 3, places=1)
            self.assertEqual(self._run_handover_job(), 1)
        self.assertEqual(self.handover.state, 'done')
        self.assertEqual(self.handover.lead_ids, cases)
        self.assertEqual(cases.user_id, self.rep_2)
        self.assertEqual(self.handover.activity_moved_count, 1)
        checklists = self.env['mail.activity'].search_count([
            ('res_model', '=', 'crm.lead'), ('res_id', 'in', cases.ids), ('summary', 'like', 'Hand-over checklist')])
        self.assertEqual(checklists, 3, "one checklist per case, none twice")
        self.assertTrue(any('3 cases handed over' in message.body for message in self.handover.message_ids))

    def test_status_changes_through_the_button_only(self):
        # a client writing the status would skip the checks and the job
        with self.assertRaisesRegex(UserError, 'Hand Over'):
            self.handover.with_user(self.manager).write({'state': 'done'})
        with self.assertRaises(UserError):  # an AccessError is a UserError
            self.handover.with_user(self.rep_1).write({'state': 'queued'})
        self.assertEqual(self.handover.state, 'draft')
        self.assertEqual((self.case_a | self.case_b | self.case_c).user_id, self.rep_1)
        self.handover.with_user(self.manager).action_confirm()
        with self.assertRaisesRegex(UserError, 'Hand Over'):
            self.handover.with_user(self.manager).write({'state': 'draft'})
        self.assertEqual(self.handover.state, 'queued')
