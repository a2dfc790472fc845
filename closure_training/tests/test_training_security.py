from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingSecurity(TrainingCommon):
    """The practice's answer key is read once answered; a message's compliance
    checks are the server's; a second company's training stays there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = cls.env['closure.training.scenario'].search([('scenario_type', '=', 'choice')], limit=1)
        cls.practice = cls.env['closure.training.practice'].create({
            'user_id': cls.rep_1.id, 'plan_id': cls.plan.id, 'scenario_id': cls.scenario.id})

    def test_answer_key_is_not_read_before_answering(self):
        self.assertTrue(self.scenario.model_answer)
        practice = self.practice.with_user(self.rep_1)
        self.assertFalse(practice.model_answer)
        self.assertFalse(practice.read(['model_answer'])[0]['model_answer'])
        # nor on the scenario or its options
        with self.assertRaises(AccessError):
            self.scenario.with_user(self.rep_1).read(['model_answer'])
        for fname in ('is_correct', 'explanation'):
            with self.assertRaises(AccessError):
                self.scenario.option_ids.with_user(self.rep_1).read([fname])
        # the options themselves are read, to choose one
        self.assertTrue(self.scenario.option_ids.with_user(self.rep_1).read(['name']))
        # the rep answers: judged by the server, then the key shows
        wrong = self.scenario.option_ids.filtered(lambda option: not option.is_correct)[:1]
        practice._submit_answer(option=wrong.with_user(self.rep_1))
        self.assertEqual((self.practice.state, self.practice.is_correct), ('answered', False))
        practice.invalidate_recordset()
        self.assertEqual(practice.model_answer, self.scenario.model_answer)
        # the managers read the key any time
        self.assertTrue(self.scenario.with_user(self.manager).model_answer)

    def test_no_message_is_created_pre_checked(self):
        case = self._create_cases(self._create_customers(1, prefix='Taboo'), user_id=self.rep_1.id)
        Message = self.env['mail.message']
        count = Message.search_count([('model', '=', 'crm.lead'), ('res_id', '=', case.id)])
        for user in (self.rep_1, self.manager):
            for vals in ({'closure_taboo_check': 'clean'}, {'closure_taboo_terms': 'none'},
                         {'closure_reply_mood': 'neutral'}):
                with self.subTest(user=user.login, vals=vals), self.assertRaisesRegex(AccessError, 'set by the server'):
                    Message.with_user(user).create({
                        'model': 'crm.lead', 'res_id': case.id, 'message_type': 'comment',
                        'body': 'We are bankrupt, nothing left for you.', **vals})
        self.assertEqual(Message.search_count([('model', '=', 'crm.lead'), ('res_id', '=', case.id)]), count)

    def test_second_company_training_records_stay_there(self):
        company_2 = self.env['res.company'].create({'name': 'Training Second Company'})
        manager_2 = new_test_user(
            self.env, login='training_co2', name='Training Co2 Manager', company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)], groups='closure_crm.group_closure_manager')
        for record in (self.practice,):
            self.assertEqual(record.company_id, self.company)
            self.assertFalse(self.env[record._name].with_user(manager_2).search([('id', '=', record.id)]))
            with self.assertRaises(AccessError):
                record.with_user(manager_2).read(['user_id'])
        self.assertFalse(self.env['closure.training.session'].with_user(manager_2).search(
            [('plan_id', '=', self.plan.id)]))
        self.assertFalse(self.env['closure.training.attendance'].with_user(manager_2).search(
            [('session_id.plan_id', '=', self.plan.id)]))
