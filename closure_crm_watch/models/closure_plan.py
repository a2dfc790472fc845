from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

# days before a deadline a warning starts
NOTICE_WARNING_DAYS = 3
DATA_WARNING_DAYS = 7
# customers named in a warning at most (the rest are counted)
WARNING_NAMES = 20


class ClosurePlan(models.Model):
    """The deadlines the law sets, watched against the recorded facts: a
    daily check warns the responsible manager (an activity, once per warning)
    and shows the warnings on the plan."""
    _inherit = 'closure.plan'

    # the announcement's publication is a recorded fact (closure_crm's closure_plan_liquidation.py)
    watch_warning_keys = fields.Char(
        'Warnings Sent', readonly=True, copy=False,
        help="The deadline warnings the responsible manager already got an activity for.")
    watch_warning_html = fields.Html('Deadline Warnings', compute='_compute_watch_warning_html', sanitize=False)

    def _compute_watch_warning_html(self):
        warnings = self._closure_watch_warnings()
        for plan in self:
            items = warnings.get(plan.id, {})
            plan.watch_warning_html = items and self.env['ir.qweb']._render(
                'closure_crm_watch.plan_watch_warnings', {'items': list(items.values())})

    # ------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------
    def _closure_watch_warnings(self, today=None):
        """{plan id: {warning key: text}} for the plans in progress, each
        check one grouped query over all of them. A key names one warning
        (with the date it is about where it repeats), so the daily job gives
        the manager one activity per key."""
        today = today or fields.Date.context_today(self)
        plans = self.filtered(lambda p: p.state == 'in_progress')
        result = {plan.id: {} for plan in plans}
        if not plans:
            return result
        Lead = self.env['crm.lead']
        Lead.flush_model()
        self.env['closure.obligation'].flush_model()

        def day(value):
            return format_date(self.env, value)

        # known creditors (value paid and not received) not notified yet
        creditors = self._closure_unnotified_creditors(plans)
        for plan in plans:
            deadline = plan.creditor_notice_deadline
            names, count = creditors.get(plan.id, ([], 0))
            if (
                plan.plan_type == 'standard'
                and deadline
                and count
                and today >= deadline - timedelta(NOTICE_WARNING_DAYS)
            ):
                late = today > deadline
                listed = ', '.join(names) + (_(" and %s more", count - len(names)) if count > len(names) else '')
                text = _("%(count)s known creditors are not notified and the creditor notice deadline %(when)s "
                         "(%(date)s): %(names)s.", count=count, date=day(deadline), names=listed,
                         when=_("has passed") if late else _("is near"))
                result[plan.id]['notice_late' if late else 'notice_soon'] = text
            if plan.announcement_date and not plan.announcement_recorded_date \
                    and today >= plan.announcement_date - timedelta(NOTICE_WARNING_DAYS):
                result[plan.id]['announcement'] = _(
                    "The public announcement (deadline %(date)s) is not recorded: enter the day it was published "
                    "and its evidence (newspaper or the national publicity system, with a link or a file).",
                    date=day(plan.announcement_date))
            if plan.plan_type == 'standard' and not plan.liquidation_formed_is_recorded \
                    and plan.liquidation_formed_date and today >= plan.liquidation_formed_date:
                result[plan.id]['formation'] = _(
                    "The liquidation group's formation (deadline %(date)s) is not recorded: record the day it was "
                    "formed, its members, leader and the contact creditors use, with its evidence.",
                    date=day(plan.liquidation_formed_date))
            for key, date, label in (('export', plan.data_export_deadline, _("The data export deadline")),
                                     ('erasure', plan.data_erasure_date, _("The data erasure date"))):
                if date and date - timedelta(DATA_WARNING_DAYS) <= today <= date:
                    result[plan.id][key] = _("%(what)s is near: %(date)s.", what=label, date=day(date))

        # prepaid B2C customers told fewer days ahead than the law asks
        self.env.cr.execute(SQL(
            """SELECT lead.closure_plan_id, count(*)
                 FROM crm_lead lead
                 JOIN closure_plan plan ON plan.id = lead.closure_plan_id
                WHERE lead.closure_plan_id IN %(plans)s AND lead.active AND lead.closure_segment = 'b2c'
                  AND lead.closure_prepaid_balance > 0 AND plan.service_end_date IS NOT NULL
                  AND COALESCE(lead.closure_notified_date, %(today)s::date)
                      > plan.service_end_date - plan.prepaid_notice_days
             GROUP BY lead.closure_plan_id""", plans=tuple(plans.ids), today=today))
        for plan_id, count in self.env.cr.fetchall():
            plan = self.browse(plan_id)
            result[plan_id]['prepaid_notice'] = _(
                "%(count)s prepaid B2C customers get fewer than %(days)s days of notice before the service ends "
                "on %(date)s: move the service end or contact them now.",
                count=count, days=plan.prepaid_notice_days, date=day(plan.service_end_date))

        # refunds come due (or are overdue) and are not paid
        for plan, first_due, count in self.env['closure.obligation']._read_group(
                [('plan_id', 'in', plans.ids), ('state', '=', 'open'), ('refund_due_date', '!=', False),
                 ('refund_due_date', '<=', today + timedelta(NOTICE_WARNING_DAYS))],
                ['plan_id'], ['refund_due_date:min', '__count']):
            result[plan.id][f'refunds_due:{first_due}'] = _(
                "%(count)s refunds come due (the first on %(date)s) and are not paid yet.",
                count=count, date=day(first_due))
        return self._closure_watch_failed_notices(result)

    def _closure_watch_failed_notices(self, result):
        """Which notices failed for good, per plan of ``result`` (the
        warnings of _closure_watch_warnings, completed in place)."""
        if not result:
            return result
        # counted over every wave of the plans, whoever looks at the watch
        failed = dict(self.env['closure.notice.recipient'].sudo()._read_group(
            [('wave_id.plan_id', 'in', list(result)), ('wave_id.is_notice', '=', True),
             ('reminder_number', '=', 0), ('state', 'in', ('failed', 'invalid'))],
            ['wave_id'], ['__count']))
        per_plan = defaultdict(int)
        for wave, count in failed.items():
            per_plan[wave.plan_id.id] += count
        for plan_id, count in per_plan.items():
            # a new activity when the number changes
            result[plan_id][f'notice_failed_{count}'] = _(
                "%(count)s customers have not received their notice (delivery failed or invalid address): "
                "their claim period has not started. Fix the addresses and use Resend Failed on the waves.",
                count=count)
        return result

    def _closure_unnotified_creditors(self, plans):
        """{plan id: ([names], count)} of the plans' known creditors whose case has no notice yet."""
        self.env.cr.execute(SQL(
            """SELECT lead.closure_plan_id, count(*),
                      (array_agg(partner.name ORDER BY partner.name))[1:%(names)s]
                 FROM crm_lead lead
                 JOIN res_partner partner ON partner.id = lead.partner_id
                WHERE lead.closure_plan_id IN %(plans)s AND lead.active AND lead.closure_notified_date IS NULL
                  AND EXISTS (SELECT 1 FROM closure_obligation o
                               WHERE o.lead_id = lead.id AND o.state = 'open' AND o.refundable_amount > 0)
             GROUP BY lead.closure_plan_id""", plans=tuple(plans.ids), names=WARNING_NAMES))
        return {plan_id: (names, count) for plan_id, count, names in self.env.cr.fetchall()}

    @api.model
    def _cron_watch_deadlines(self):
        """Daily, on the closure jobs' batch protocol (ir.cron._closure_run_batch):
        another job writing the same plans at the same moment (the books
        load, a user) makes this transaction fail to write the plans' sent
        warnings; the protocol runs the watch again in a new transaction
        instead of losing the day's warnings until the next day."""
        cron = self.env.ref('closure_crm_watch.ir_cron_closure_watch_deadlines')

        # the batch's savepoint writes the plans' sent warnings before it closes:
        # a conflict there is rolled back with the activities, and retried
        cron._closure_run_batch(self._closure_watch_deadlines, lambda: 0)
        return True

    @api.model
    def _closure_watch_deadlines(self):
        """Each plan in progress gives its responsible manager one activity
        per warning not given yet; a warning given stays given. The warnings
        are computed once per manager language, for all its plans. Returns how
        many plans got a warning."""
        plans = self.search([('state', '=', 'in_progress')])
        activity_type = self.env.ref('mail.mail_activity_data_warning', raise_if_not_found=False) \
            or self.env.ref('mail.mail_activity_data_todo')
        model_id = self.env['ir.model']._get_id('closure.plan')
        today = fields.Date.context_today(self)
        vals_list, warned = [], 0
        for lang, lang_plans in plans.grouped(lambda p: p.user_id.lang or self.env.lang or 'en_US').items():
            lang_plans = lang_plans.with_context(lang=lang)
            warnings = lang_plans._closure_watch_warnings(today)
            for plan in lang_plans:
                sent = set(filter(None, (plan.watch_warning_keys or '').split(',')))
                new = {key: text for key, text in warnings.get(plan.id, {}).items() if key not in sent}
                if not new:
                    continue
                vals_list += [{
                    'res_model_id': model_id,
                    'res_id': plan.id,
                    'activity_type_id': activity_type.id,
                    'summary': plan.env._("Closure deadline: %(plan)s", plan=plan.name),
                    'note': text,
                    'date_deadline': today,
                    'user_id': (plan.user_id or self.env.user).id,
                } for text in new.values()]
                plan.watch_warning_keys = ','.join(sorted(sent | set(new)))
                warned += 1
        self.env['mail.activity'].with_context(mail_activity_quick_update=True).create(vals_list)
        return warned
