from odoo import _, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Wording checked before it leaves: a message or mail a staff member
    sends the customer of a closure case is refused while it holds a taboo
    phrase of the handbook, unless its author confirmed it ("Send anyway":
    ``closure_taboo_confirmed`` in the context or as a post parameter), and
    never while it promises an offer the plan has not approved; every
    staff outgoing message is marked clean, taboo or confirmed for procedure
    compliance."""

    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    def _get_allowed_message_post_params(self):
        # the chatter's "Send anyway" (/mail/message/post)
        return super()._get_allowed_message_post_params() | {'closure_taboo_confirmed'}

    def message_post(self, **kwargs):
        confirmed = bool(kwargs.pop('closure_taboo_confirmed', False)
                         or self.env.context.get('closure_taboo_confirmed'))
        if len(self) == 1 and self.closure_plan_id and self._closure_is_staff_reply(kwargs):
            Phrase = self.env['closure.phrase'].sudo()  # the handbook's list, for any staff member writing here
            matchers = Phrase._get_matchers(['taboo'])
            found = Phrase._find_taboo(kwargs.get('subject') or '', matchers) \
                | Phrase._find_taboo(kwargs.get('body') or '', matchers)
            if found and not confirmed:
                raise UserError(_(
                    "This message to %(customer)s contains %(phrases)s. Edit the wording, or confirm "
                    "that it is sent as it is (the confirmation is recorded for procedure compliance).",
                    customer=self.partner_id.display_name or self.display_name,
                    phrases=self.env['closure.phrase']._taboo_summary(found)))
            # the after-hook records who confirmed which phrases
            self = self.with_context(closure_taboo_confirmed=confirmed)
        elif 'closure_taboo_confirmed' in self.env.context:
            self = self.with_context(closure_taboo_confirmed=False)  # a confirmation counts for its own message only
        self._closure_check_message_promises(kwargs)
        return super().message_post(**kwargs)

    def _closure_check_message_promises(self, post_values):
        """A message our staff send the customer from a closure case never
        promises priority rights or an advisory circle the plan has not
        approved (over-promising, ``closure.plan._closure_check_promises``).
        Internal notes are not sent: not checked."""
        note_id = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note')
        note = post_values.get('subtype_xmlid') == 'mail.mt_note' or (
            bool(post_values.get('subtype_id')) and post_values['subtype_id'] == note_id)
        if len(self) == 1 and self.closure_plan_id and not self.env.user.share and not note \
                and post_values.get('message_type', 'notification') in ('comment', 'email') \
                and (not post_values.get('author_id') or post_values['author_id'] == self.env.user.partner_id.id):
            self.closure_plan_id._closure_check_promises({
                _("The message to %(customer)s", customer=self.partner_id.display_name):
                    post_values.get('body') or '',
                _("The subject"): post_values.get('subject') or ''})

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if self.closure_plan_id and self._closure_is_staff_outgoing(message):
            self._closure_check_outgoing(message)
        return res

    # ------------------------------------------------------------------
    # Which messages are checked
    # ------------------------------------------------------------------
    def _closure_is_staff_reply(self, post_values):
        """Whether ``message_post(**post_values)`` is a staff member writing
        to the customer themself: a comment or mail, not an internal note, by
        an internal user in their own name. Automated posts are not: the
        jobs (OdooBot), the customer's own messages, the approved templates a
        job sends in the case owner's name, notes and tracking."""
        user = self.env.user
        if post_values.get('message_type', 'notification') not in ('comment', 'email') \
                or post_values.get('is_internal') or not user._is_internal() or user._is_superuser():
            return False
        author_id = post_values.get('author_id')
        if author_id and author_id != user.partner_id.id:
            return False
        subtype_id = post_values.get('subtype_id')
        if post_values.get('subtype_xmlid'):
            subtype_id = self.env['ir.model.data']._xmlid_to_res_id(post_values['subtype_xmlid'])
        subtype = self.env['mail.message.subtype'].browse(subtype_id)
        return bool(subtype) and not subtype.internal

    def _closure_is_staff_outgoing(self, message):
        """A message our staff sends to the customer: a mail or a comment that
        is not an internal note, by an internal user (not OdooBot)."""
        if message.message_type not in ('email', 'comment') or message.is_internal \
                or (message.subtype_id and message.subtype_id.internal):
            return False
        author = message.author_id
        if not author or author == self.env.ref('base.partner_root', raise_if_not_found=False):
            return False
        return bool(author.user_ids.filtered(lambda user: not user.share))

    def _closure_check_outgoing(self, messages):
        """Mark each outgoing message clean, holding a taboo phrase, or holding
        one its author confirmed (the handbook's list, both languages):
        procedure compliance counts them."""
        Phrase = self.env['closure.phrase'].sudo()  # the list, whoever posts
        matchers = Phrase._get_matchers(['taboo'])
        confirmed = self.env.context.get('closure_taboo_confirmed')
        for message in messages:
            found = Phrase._find_taboo(message.subject or '', matchers) \
                | Phrase._find_taboo(message.body or '', matchers)
            # the check is the system's evidence, not the author's to edit (mail.message.write)
            message.sudo().write({
                'closure_taboo_check': ('confirmed' if confirmed else 'taboo') if found else 'clean',
                'closure_taboo_terms': ', '.join(found.mapped('name')) or False,
            })
