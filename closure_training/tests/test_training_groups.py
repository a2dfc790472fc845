from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TrainingCommon


@tagged('post_install', '-at_install')
class TestTrainingGroups(TrainingCommon):
    """Sales administrators are closure managers; neither group lets them
    read the survey answers of others or forge a certification. Closure
    managers get what the training needs: the certifications to choose on a
    plan and their staff's results, read for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login='training_sales_admin', name='Sales Admin', groups='sales_team.group_sale_manager')
        cls._add_to_team(cls.rep_1)
        cls.answer = cls._certify(cls.rep_1)
        cls.poll = cls.env['survey.survey'].create({'title': 'Staff canteen poll', 'certification': False})

    def test_no_survey_or_elearning_rights_by_implication(self):
        for user in (self.sales_admin, self.manager):
            with self.subTest(user=user.login):
                self.assertTrue(user.has_group('closure_crm.group_closure_manager'))
                self.assertFalse(user.has_group('survey.group_survey_user'))
                self.assertFalse(user.has_group('website_slides.group_website_slides_officer'))

    def test_cannot_read_answers_nor_forge_a_certification(self):
        for user in (self.sales_admin, self.manager):
            UserInput = self.env['survey.user_input'].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.answer.with_user(user).read(['scoring_success', 'user_input_line_ids'])
                with self.assertRaises(AccessError):
                    self.answer.user_input_line_ids.with_user(user).read(['answer_is_correct'])
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    UserInput.create({'survey_id': self.certification.id, 'partner_id': user.partner_id.id,
                                      'state': 'done', 'scoring_success': True})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.answer.with_user(user).write({'partner_id': user.partner_id.id})
        self.assertFalse(self.plan._training_certified_partner_ids(self.sales_admin.partner_id).get(self.plan.id))
        self.assertEqual(self.answer.partner_id, self.rep_1.partner_id)

    def test_managers_get_what_the_training_needs(self):
        Survey = self.env['survey.survey'].with_user(self.manager)
        certifications = Survey.search([])
        self.assertIn(self.certification, certifications, "to choose on a plan")
        self.assertNotIn(self.poll, certifications, "certifications only")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.certification.with_user(self.manager).write({'title': 'Easy mode'})
        self.plan.with_user(self.manager).training_certification_id = self.trainer_certification
        self.plan.with_user(self.manager).training_certification_id = self.certification
        participant = self._participant(self.rep_1).with_user(self.manager)
        self.assertTrue(participant.is_certified, "the results are read for them")
