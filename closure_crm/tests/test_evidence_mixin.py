import base64
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.closure_crm.models.closure_evidence_mixin import ERASURE_KEY, PORTAL_KEY
from odoo.addons.closure_crm.tools.trust import trusted

from .notice_common import NoticeCommon

# the answers kept as evidence (closure.evidence.mixin) that closure_crm has
EVIDENCE_MODELS = ('closure.consent',)
# what JSON-RPC can send: the trusted keys with plain strings
FORGED_PORTAL = {PORTAL_KEY: 'closure-trusted'}
FORGED_ERASURE = {ERASURE_KEY: 'closure-trusted'}


@tagged('post_install', '-at_install')
class TestEvidenceMixin(NoticeCommon):
    """The rules every customer's answer kept as evidence shares (a transfer
    consent; closure_crm_privilege runs them on its opt-ins), attacked on
    each model of ``evidence_models`` by the same helpers: as a rep, a
    manager, the administrator, a portal user and the public user through
    the ORM, with the trusted keys forged as a client sends them."""

    evidence_models = EVIDENCE_MODELS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login='evidence_portal', groups='base.group_portal')
        cls.public = cls.env.ref('base.public_user')
        cls.case = cls._notice_cases(1, prefix='Evidence Customer', tier='a')
        cls._setup_subjects()
        # recorded by the rep, read back as the superuser
        cls.recorded = {model: cls._record(model, cls.rep_1).with_env(cls.env) for model in cls.evidence_models}

    @classmethod
    def _setup_subjects(cls):
        """What the answers of ``evidence_models`` are about, on ``cls.case``
        (a consent: the case itself)."""

    @classmethod
    def _subject(cls, model):
        """The answer's subject and decision in the values of ``model``."""
        return {'lead_id': cls.case.id, 'decision': 'decline'}

    @classmethod
    def _values(cls, model, **values):
        """What a rep sends to record an answer of ``model`` on the case."""
        return {**cls._subject(model), 'channel': 'phone', 'note': 'Called the customer.', **values}

    @classmethod
    def _record(cls, model, user, context=None, **values):
        return cls.env[model].with_user(user).with_context(**(context or {})).create(cls._values(model, **values))

    @contextmanager
    def assertNotRecorded(self, model, exception, regex=None):
        """The attempt in the block raises and records no answer of ``model``."""
        count = self.env[model].search_count([])
        with (self.assertRaisesRegex(exception, regex) if regex else self.assertRaises(exception)) as caught, \
                self.env.cr.savepoint():
            yield caught
        self.assertEqual(self.env[model].search_count([]), count, f"{model}: an answer was recorded")

    def _attackers(self):
        """The rep, the manager, a portal user and the public user (the
        refusal is a UserError or, before it, an AccessError: a UserError too)."""
        return self.rep_1 | self.manager | self.portal | self.public

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------
    def test_client_portal_channel_refused(self):
        for model in self.evidence_models:
            for context in ({}, FORGED_PORTAL):
                for user in self._attackers():
                    with self.subTest(model=model, user=user.login, context=context), \
                            self.assertNotRecorded(model, UserError):
                        self._record(model, user, context, channel='portal')
                with self.subTest(model=model, context=context), \
                        self.assertNotRecorded(model, UserError, 'answer page only'):
                    self._record(model, self.rep_1, context, channel='portal')

    def test_client_user_id_and_portal_date_ignored(self):
        last_week = fields.Datetime.now() - timedelta(days=7)
        for model in self.evidence_models:
            with self.subTest(model=model):
                answer = self._record(model, self.rep_1, user_id=self.manager.id, date=last_week)
                self.assertRecordValues(answer, [{'user_id': self.rep_1.id, 'channel': 'phone', 'date': last_week}])
                # the answer page (server code, trusted key) records the channel and the date itself
                before = fields.Datetime.now()
                page = self.env[model].with_user(self.public).sudo().with_context(**trusted(PORTAL_KEY)).create(
                    self._values(model, channel='email', user_id=self.manager.id, date=last_week))
                self.assertEqual(page.user_id, self.public)
                self.assertEqual(page.channel, 'portal')
                self.assertGreaterEqual(page.date, before)

    def test_future_date_refused(self):
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        for model in self.evidence_models:
            with self.subTest(model=model), self.assertNotRecorded(model, ValidationError, 'dated in the future'):
                self._record(model, self.rep_1, date=tomorrow)

    def test_evidence_file_or_call_note_required(self):
        for model in self.evidence_models:
            for channel in ('paper', 'email'):
                with self.subTest(model=model, channel=channel), \
                        self.assertNotRecorded(model, ValidationError, 'attach the evidence'):
                    self._record(model, self.rep_1, channel=channel)
            with self.subTest(model=model), self.assertNotRecorded(model, ValidationError, 'note of the call'):
                self._record(model, self.rep_1, note=False)
            # a file is enough for a phone answer
            self._record(model, self.rep_1, note=False, evidence=base64.b64encode(b'call.mp3'))

    # ------------------------------------------------------------------
    # Written once
    # ------------------------------------------------------------------
    def test_write_refused_and_nothing_changed(self):
        attacks = {
            'channel': 'email',
            'date': fields.Datetime.now() - timedelta(days=30),
            'note': 'The customer said nothing of the sort.',
            'evidence': base64.b64encode(b'forged'),
            'evidence_filename': 'forged.pdf',
            'user_id': self.manager.id,
        }
        for model, answer in self.recorded.items():
            for user in self._attackers() | self.env.user:
                for fname, value in attacks.items():
                    with self.subTest(model=model, user=user.login, field=fname), \
                            self.assertRefused(answer, UserError, 'is evidence and cannot be changed'):
                        answer.with_user(user).write({fname: value})
            with self.subTest(model=model), self.assertRefused(answer, UserError, 'is evidence and cannot be changed'):
                answer.sudo().write({'note': 'Rewritten by the superuser.'})

    def test_unlink_refused_and_answer_kept(self):
        for model, answer in self.recorded.items():
            for user in self._attackers():
                # the access rights refuse first, except a manager's on a consent
                with self.subTest(model=model, user=user.login), self.assertRefused(answer, UserError):
                    answer.with_user(user).unlink()
            with self.subTest(model=model), self.assertRefused(answer, AccessError):
                answer.with_user(self.rep_1).unlink()
            with self.subTest(model=model), self.assertRefused(answer, UserError, 'is evidence and cannot be deleted'):
                answer.sudo().unlink()

    def test_forged_erasure_key_unlocks_nothing(self):
        for model, answer in self.recorded.items():
            for user in self._attackers() | self.env.user:
                # even once the erasure's own environment exists in the transaction
                # (Odoo reuses an environment whose context compares equal)
                erasing = answer.with_user(user)._closure_for_erasure()
                forged = answer.with_user(user).with_context(**FORGED_ERASURE)
                self.assertNotEqual(forged.env, erasing.env)
                with self.subTest(model=model, user=user.login), \
                        self.assertRefused(answer, UserError, 'is evidence and cannot be changed'):
                    forged.write({'note': False, 'evidence_filename': 'erased'})
                with self.subTest(model=model, user=user.login), self.assertRefused(answer, UserError):
                    forged.unlink()
            erasing = answer.sudo()._closure_for_erasure()
            with self.subTest(model=model), self.assertRefused(answer, UserError, 'cannot be changed'):
                answer.sudo().with_context(**FORGED_ERASURE).write({'note': False})
            # the erasure job's own key (server code) does
            erasing.write({'evidence_filename': 'erased'})
            self.assertEqual(answer.evidence_filename, 'erased')

    # ------------------------------------------------------------------
    # Messages: each model's own wording, in English and Chinese
    # ------------------------------------------------------------------
    def test_messages_keep_each_models_wording(self):
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        for (model, lang), (future, frozen) in self._expected_messages().items():
            with self.subTest(model=model, lang=lang):
                with self.assertNotRecorded(model, ValidationError) as caught:
                    self._record(model, self.rep_1, {'lang': lang}, date=tomorrow)
                self.assertIn(future, str(caught.exception))
                with self.assertRefused(self.recorded[model], UserError) as caught:
                    self.recorded[model].with_user(self.rep_1).with_context(lang=lang).write({'note': 'Changed.'})
                self.assertIn(frozen, str(caught.exception))

    def _expected_messages(self):
        """{(model, lang): (the future date's message, the frozen answer's)}."""
        customer = self.case.partner_id.display_name
        return {
            ('closure.consent', 'en_US'): (
                f"Consent of {customer}: the answer cannot be dated in the future",
                "A recorded consent is evidence and cannot be changed (field 'Note')"),
            ('closure.consent', 'zh_CN'): (
                f"{customer} 的同意：答复日期不能是将来的日期", "已记录的同意是证据，不能修改"),
        }
