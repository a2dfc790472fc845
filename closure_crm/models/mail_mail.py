from datetime import date

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.mail.models.mail_message import _image_dataurl

# the values _closure_create_batch writes itself; a batch with any other key
# (or with attachments) goes through create()
BATCH_KEYS = frozenset({
    # mail.message
    'author_id', 'body', 'email_from', 'mail_server_id', 'message_id', 'message_type', 'model',
    'record_name', 'reply_to', 'res_id', 'subject', 'subtype_id',
    # mail.mail
    'auto_delete', 'body_html', 'email_cc', 'email_to', 'is_notification', 'recipient_ids', 'references',
    'scheduled_date',
})


class MailMail(models.Model):
    _inherit = 'mail.mail'

    @api.model
    def _closure_create_batch(self, vals_list):
        """Create outgoing mails and their messages as ``create()`` does, in
        three INSERTs for the whole batch: a notice wave queues thousands of
        mails, and create() spends most of its time per record in Python
        (default_get, cache and inverse updates, the overrides' loops).

        It copies, for the keys of BATCH_KEYS only, what Odoo 18.0 does on
        create: BaseModel.create/_prepare_create_values/_create (defaults, log
        access columns, INSERT with the fields' own column conversion,
        modified() for what depends on the new records), mail.message.create
        (message_id, reply_to, the documents' message cache) and
        mail.mail.create (is_notification, scheduled_date). Values it does not
        know (attachments...), a body with embedded images or a default that
        is no column go through create().
        test_notice_wave.test_batch_mails_are_the_mails_create_makes compares
        every column with create()'s; recipient_ids are partner ids."""
        if not vals_list:
            return self.browse()
        Message = self.env['mail.message']
        keys = set().union(*vals_list)
        defaults = self.default_get([name for name in self._fields if name not in keys])
        if (keys - BATCH_KEYS or any(not self._fields[name].column_type for name in defaults)
                or any(_image_dataurl.search(vals.get('body') or '') for vals in vals_list)):
            return self.create([dict(vals, recipient_ids=[(4, pid) for pid in vals.get('recipient_ids') or []])
                                for vals in vals_list])
        now = self.env.cr.now()
        log_access = {'create_uid': self.env.uid, 'create_date': now, 'write_uid': self.env.uid, 'write_date': now}
        converted = {}

        def column(model, name, value, values):
            # identical values convert once (the batch shares its log line, sender, subject...)
            key = (model._name, name, value)
            if not isinstance(value, (str, int, float, date, type(None))):
                return model._fields[name].convert_to_column_insert(value, model, values)
            if key not in converted:
                converted[key] = model._fields[name].convert_to_column_insert(value, model, values)
            return converted[key]

        message_rows, mail_rows = [], []
        for vals in vals_list:
            values = dict(defaults, **vals, **log_access)
            values.pop('recipient_ids', None)
            if values.get('scheduled_date'):
                scheduled = self._parse_scheduled_datetime(values['scheduled_date'])
                values['scheduled_date'] = scheduled.replace(tzinfo=None) if scheduled else False
            else:
                values['scheduled_date'] = False
            if not values.get('message_id'):
                values['message_id'] = Message._get_message_id(values)
            if 'reply_to' not in values:
                values['reply_to'] = Message._get_reply_to(values)
            if 'record_name' not in values and 'default_record_name' not in self.env.context:
                values['record_name'] = Message._get_record_name(values)
            message_rows.append({name: value for name, value in values.items() if self._fields[name].inherited
                                 or name in log_access})
            mail_rows.append({name: value for name, value in values.items() if not self._fields[name].inherited})

        message_ids = self._closure_insert(Message, message_rows, column)
        for row, message_id in zip(mail_rows, message_ids, strict=True):
            row['mail_message_id'] = message_id
        mail_ids = self._closure_insert(self, mail_rows, column)
        relation = [(mail_id, partner_id) for mail_id, vals in zip(mail_ids, vals_list, strict=True)
                    for partner_id in dict.fromkeys(vals.get('recipient_ids') or [])]
        if relation:
            field = self._fields['recipient_ids']
            self.env.cr.execute(SQL(
                "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
                SQL.identifier(field.relation), SQL.identifier(field.column1), SQL.identifier(field.column2),
                [r[0] for r in relation], [r[1] for r in relation]))

        messages, mails = Message.browse(message_ids), self.browse(mail_ids)
        self.env.cache.update(mails, self._fields['mail_message_id'], message_ids)
        messages._validate_fields(set().union(*message_rows))
        mails._validate_fields(set().union(*mail_rows))
        # what create() schedules: the fields that depend on the new records
        messages.modified(list(Message._fields), create=True)
        mails.modified(list(self._fields), create=True)
        for model in {vals.get('model') for vals in vals_list} - {False, None}:
            if model in self.env and hasattr(self.env[model], 'message_ids'):
                self.env[model].invalidate_model(['message_ids', 'message_needaction', 'message_needaction_counter'])
        return mails

    @api.model
    def _closure_trigger_queue(self):
        """Odoo's mail queue runs hourly: what a closure job just queued
        (notices, reminders, introductions) goes out now."""
        mail_cron = self.env.ref('mail.ir_cron_mail_scheduler_action', raise_if_not_found=False)
        if mail_cron:
            mail_cron._trigger()

    @api.model
    def _closure_insert(self, model, rows, column):
        """INSERT ``rows`` (dicts of the same stored column fields) into the
        model's table; return the new ids in the order of ``rows``, as
        BaseModel._create does."""
        names = sorted(set().union(*rows))
        self.env.cr.execute(SQL(
            "INSERT INTO %s (%s) VALUES %s RETURNING id",
            SQL.identifier(model._table),
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(tuple(column(model, name, row.get(name), row) for name in names) for row in rows),
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    def _personalize_outgoing_body(self, body, partner=False, recipients_follower_status=None):
        body = super()._personalize_outgoing_body(body, partner, recipients_follower_status)
        # the customer's answer link gets its secret only in the mail sent to
        # that customer; the kept mail and the history keep the placeholder
        if self.model == 'crm.lead' and self.res_id and body:
            body = self.env['crm.lead'].browse(self.res_id)._closure_fill_answer_token(
                body, partner or self.env['res.partner'])
        return body

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # notified means delivered: the notice's case counts as notified when
        # its mail went out; a failed send marks its notice row invalid
        closure_mails = self.filtered(lambda mail: mail.model == 'crm.lead')
        if closure_mails:
            Recipient = self.env['closure.notice.recipient']
            if failure_type:
                Recipient._closure_mail_failed(
                    [('mail_mail_id', 'in', closure_mails.ids)], 'send_failed',
                    failure_reason or dict(self._fields['failure_type']._description_selection(self.env)).get(
                        failure_type, failure_type))
            else:
                Recipient._closure_mail_sent(closure_mails)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type)
