import re
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date, html2plaintext

PHRASE_KINDS = [
    ('taboo', 'Taboo'),
    ('angry', 'Angry'),
    ('anxious', 'Anxious'),
    ('rights', 'Rights-focused'),
    ('promise_priority', 'Promise: Priority Rights'),
    ('promise_advisory', 'Promise: Advisory Circle'),
]
# a promise phrase's kind -> the plan offer that makes it allowed
# (closure.plan._closure_approved_kinds(), extended by closure_crm_privilege)
PROMISE_KINDS = {'promise_priority': 'priority', 'promise_advisory': 'advisory'}
# Reply moods, in the order a tie is broken: an angry customer is helped
# first, then one who asks for their rights, then a worried one.
REPLY_MOODS = [
    ('angry', 'Angry'),
    ('rights', 'Rights-focused'),
    ('anxious', 'Anxious'),
    ('neutral', 'Neutral'),
]
CJK_RE = re.compile(r'[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]')


class ClosurePhrase(models.Model):
    """The handbook's phrase list, as data admins edit: taboo phrases no notice
    may contain, and the terms that classify a customer's reply (angry, anxious,
    rights-focused) with their weight."""
    _name = 'closure.phrase'
    _description = 'Closure Phrase'
    _order = 'kind, lang, weight desc, name'

    name = fields.Char('Phrase', required=True)
    lang = fields.Selection(
        [('en', 'English'), ('zh', 'Chinese')], 'Language', required=True, default='en')
    kind = fields.Selection(PHRASE_KINDS, required=True, default='taboo', index=True)
    weight = fields.Float(
        default=1.0,
        help="How strongly a matched term points to its mood. A reply gets the mood "
             "whose matched terms weigh most.")
    suggestion = fields.Char(
        'Say Instead', translate=True,
        help="For a taboo phrase: the neutral wording to use instead.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ('phrase_uniq', 'UNIQUE(name, lang, kind)', 'This phrase is already in the list for this language and kind.'),
    ]

    @api.constrains('name', 'weight')
    def _check_phrase(self):
        for phrase in self:
            if not phrase.name.strip():
                raise ValidationError(_("A phrase cannot be blank."))
            if phrase.weight <= 0:
                raise ValidationError(_(
                    "Phrase '%(phrase)s': the weight must be positive (got %(weight)s).",
                    phrase=phrase.name, weight=phrase.weight))

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    @api.model
    def _phrase_pattern(self, phrase):
        """English terms match whole words, case-insensitively ('worried' does
        not match 'unworried'); Chinese terms match anywhere in the text."""
        text = phrase.strip().lower()
        escaped = re.escape(text).replace(r'\ ', r'\s+')
        if CJK_RE.search(text):
            return re.compile(escaped)
        return re.compile(r'(?<!\w)%s(?!\w)' % escaped, re.IGNORECASE)

    @api.model
    def _get_matchers(self, kinds):
        """[(phrase record, compiled pattern)] of the active phrases of ``kinds``, one query."""
        phrases = self.search([('kind', 'in', list(kinds))])
        return [(phrase, self._phrase_pattern(phrase.name)) for phrase in phrases]

    @api.model
    def _find_taboo(self, text, matchers=None):
        """The taboo phrases found in ``text`` (plain text or HTML)."""
        if not text:
            return self.browse()
        plain = html2plaintext(text) if '<' in text else text
        matchers = self._get_matchers(['taboo']) if matchers is None else matchers
        found = self.browse()
        for phrase, pattern in matchers:
            if phrase.kind == 'taboo' and pattern.search(plain):
                found |= phrase
        return found

    @api.model
    def _find_unapproved_promises(self, text, approved, matchers=None):
        """The promise phrases found in ``text`` whose offer (priority rights,
        advisory circle) is not in ``approved``, the kinds the plan approved."""
        if not text:
            return self.browse()
        plain = html2plaintext(text) if '<' in text else text
        matchers = self._get_matchers(list(PROMISE_KINDS)) if matchers is None else matchers
        found = self.browse()
        for phrase, pattern in matchers:
            if PROMISE_KINDS.get(phrase.kind, 'n/a') not in approved and pattern.search(plain):
                found |= phrase
        return found

    @api.model
    def _find_coach_taboo(self, text):
        """For the reply coach (closure_training): the taboo phrases in ``text``
        and the promises of priority rights or an advisory circle that no
        running plan of the company has approved (over-promising)."""
        plans = self.env['closure.plan'].sudo().search(  # what the company may promise, for any trainee
            [('state', '=', 'in_progress'), ('company_id', 'in', self.env.companies.ids)])
        approved = set().union(*(plan._closure_approved_kinds() for plan in plans))
        return self._find_taboo(text) | self._find_unapproved_promises(text, approved)

    @api.model
    def _check_taboo(self, texts):
        """Refuse ``texts`` ({label: text}, plain or HTML) when one holds a taboo
        phrase of either language: the error names the phrase, where it is,
        and the wording to use instead."""
        matchers = self._get_matchers(['taboo'])
        for label, text in texts.items():
            found = self._find_taboo(text, matchers)
            if found:
                phrase = found[0]
                raise ValidationError(_(
                    "%(where)s contains the taboo phrase \"%(phrase)s\". Say instead: \"%(suggestion)s\".",
                    where=label, phrase=phrase.name,
                    suggestion=phrase.suggestion or _("a neutral wording (see the handbook)")))

    @api.model
    def check_text(self, text, model=False, res_id=False):
        """For the composer and the chatter, before a staff member sends: the
        taboo phrases in ``text`` with the wording to say instead, as
        [{'phrase', 'suggestion'}]; none when the record (``model``, ``res_id``)
        is not a closure case, whose messages are not checked."""
        if model != 'crm.lead' or not res_id or not self.env.user._is_internal():
            return []
        lead = self.env['crm.lead'].browse(int(res_id)).exists()
        if not lead:
            return []
        lead.check_access('read')
        if not lead.closure_plan_id:
            return []
        # the handbook's list, whoever writes on the case (a salesperson
        # without closure rights too): reading it reveals nothing of a customer
        found = self.sudo()._find_taboo(text or '')
        return self._taboo_hits(found)

    @api.model
    def _taboo_hits(self, phrases):
        """[{'phrase', 'suggestion'}] of ``phrases``, in the reader's language."""
        return [{'phrase': phrase.name,
                 'suggestion': phrase.suggestion or _("a neutral wording (see the handbook)")}
                for phrase in phrases.with_env(self.env).sudo()]

    @api.model
    def _taboo_summary(self, phrases):
        """One line naming each phrase and what to say instead."""
        return '; '.join(_("\"%(phrase)s\" (say instead: \"%(suggestion)s\")", **hit)
                         for hit in self._taboo_hits(phrases))

    @api.model
    def _check_taboo_translations(self, records, fname, label):
        """Refuse ``records`` whose translated field ``fname`` holds a taboo
        phrase in any installed language; ``label(record, lang)`` says where."""
        langs = [code for code, _name in self.env['res.lang'].get_installed()]
        for record in records:
            self._check_taboo({label(record, lang): record.with_context(lang=lang)[fname] for lang in langs})

    @api.model
    def _classify_reply(self, text, matchers=None):
        """Classify a customer's reply with the phrase list.

        Each mood scores the sum of (weight x occurrences) of its matched terms;
        the highest score wins, ties going to angry, then rights-focused, then
        anxious. Without any matched term the reply is neutral.

        :returns: (mood, explanation, {mood: score})
        """
        plain = html2plaintext(text or '') if '<' in (text or '') else (text or '')
        matchers = self._get_matchers(['angry', 'anxious', 'rights']) if matchers is None else matchers
        scores = defaultdict(float)
        matched = defaultdict(list)
        for phrase, pattern in matchers:
            if phrase.kind == 'taboo':
                continue
            hits = len(pattern.findall(plain))
            if hits:
                scores[phrase.kind] += phrase.weight * hits
                matched[phrase.kind].append((phrase.name, hits, phrase.weight))
        if not scores:
            return 'neutral', _("No term of the phrase list matched: neutral."), {}
        order = [mood for mood, _label in REPLY_MOODS]
        mood = max(scores, key=lambda kind: (scores[kind], -order.index(kind)))
        labels = dict(self._fields['kind']._description_selection(self.env))
        parts = []
        for kind in sorted(scores, key=lambda kind: (-scores[kind], order.index(kind))):
            terms = ', '.join(
                f'"{name}"' + (f' x{hits}' if hits > 1 else '') + f' ({weight:g})'
                for name, hits, weight in matched[kind])
            score = '%g' % scores[kind]
            parts.append(_("%(mood)s %(score)s: %(terms)s", mood=labels[kind], score=score, terms=terms))
        return mood, '; '.join(parts), dict(scores)

    # ------------------------------------------------------------------
    # Playbooks: what to do with a reply of each mood (domain handbook)
    # ------------------------------------------------------------------
    @api.model
    def _reply_playbook(self, lead):
        """HTML playbook for the mood of the case's last reply, filled with the case's facts."""
        mood = lead.closure_reply_mood
        if not mood:
            return False
        plan = lead.closure_plan_id
        lang = self.env.lang

        def day(value):
            return value and format_date(self.env, value, lang_code=lang) or _("not set")

        owner = lead.user_id or plan.user_id
        values = {'mood': mood}
        if mood == 'anxious':
            values.update(
                what_happens=_("The service ends on %(date)s. %(receiver)s",
                               date=day(plan.service_end_date),
                               receiver=lead.closure_receiver_id and _(
                                   "We propose %(name)s to continue serving them.",
                                   name=lead.closure_receiver_id.name) or ""),
                their_data=_("Export until %(export)s (%(channel)s); erased on %(erasure)s.",
                             export=day(plan.data_export_deadline),
                             channel=plan.notice_export_url or _("export channel not set"),
                             erasure=day(plan.data_erasure_date)),
                their_money=_("%(amount)s refundable; claims until %(deadline)s.",
                              amount=format_amount(self.env, lead.closure_refund_due, lead.company_currency),
                              deadline=day(lead.closure_claim_deadline)),
                contact=' '.join(filter(None, [owner.name, owner.phone or owner.email or ''])),
            )
        elif mood == 'rights':
            # the rule every other text uses: asked today (or when they asked)
            terms = plan._closure_refund_terms(
                lead.closure_refund_requested_date or fields.Date.context_today(self), lead.closure_claim_deadline)
            values.update(
                move_to=lead.closure_receiver_id and _("Move to %(name)s", name=lead.closure_receiver_id.name),
                refund_value=_("%(amount)s of unused prepaid value.",
                               amount=format_amount(self.env, lead.closure_refund_due, lead.company_currency)),
                refund_terms=_(
                    "A declared claim: registered when asked, paid on %(due)s, the liquidation plan's payment "
                    "date (no creditor is paid during the declaration period, Company Law 2023, Art. 235).",
                    due=day(terms['due_date'])) if terms['regime'] == 'claim' else _(
                    "Declare by %(deadline)s; asked before the liquidation group is formed, paid within "
                    "%(days)s days of the request (by %(due)s).", deadline=day(lead.closure_claim_deadline),
                    days=plan.refund_days, due=day(terms['due_date'])),
                export_terms=_("Until %(export)s; then erased on %(erasure)s.",
                               export=day(plan.data_export_deadline), erasure=day(plan.data_erasure_date)),
                receivers=self._offered_receivers(lead),
            )
        return self.env['ir.qweb']._render('closure_crm.reply_playbook', values)

    @api.model
    def _offered_receivers(self, lead):
        """Up to three receivers offered to the case, shown side by side with
        the terms the registry holds (price or fee, duration, service level,
        data handling); none when none has terms."""
        receivers = lead._closure_answer_receivers(lead._closure_answer_transfer())[:3]
        return receivers if receivers._closure_has_offer_terms() else receivers.browse()
