from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

TIER_MANUAL_FIELDS = ('closure_tier_manual', 'closure_tier_reason')


class CrmLead(models.Model):
    """Tier by judgment as well as revenue: a closure manager may set a case's
    tier by hand, with a reason (an influential customer with little revenue,
    a key account in a bad year). The tiering run keeps it (closure.plan
    _compute_tiers) and says how many cases are set by hand."""

    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    closure_tier_manual = fields.Boolean(
        'Tier Set by Hand', tracking=True, copy=False,
        help="A closure manager set this case's tier by judgment; the tiering run keeps it until a manager "
             "clears this box.")
    closure_tier_reason = fields.Char(
        'Reason for the Tier', tracking=True, copy=False,
        help="Why a manager set this tier by hand, e.g. \"industry influence: invited to the advisory circle\".")

    @api.constrains('closure_tier_manual', 'closure_tier_reason', 'closure_tier')
    def _check_closure_tier_manual(self):
        for lead in self.filtered('closure_tier_manual'):
            if not (lead.closure_tier_reason or '').strip():
                raise ValidationError(_(
                    "%(case)s: a tier set by hand needs a reason (field \"Reason for the Tier\" is empty).",
                    case=lead.display_name))
            if not lead.closure_tier:
                raise ValidationError(_(
                    "%(case)s: choose the tier (A, B or C) to set by hand.", case=lead.display_name))

    def write(self, vals):
        touches_manual = any(fname in vals for fname in TIER_MANUAL_FIELDS)
        touches_tier = 'closure_tier' in vals and (
            vals.get('closure_tier_manual') or self.filtered('closure_tier_manual'))
        if (touches_manual or touches_tier) and not self.env.su \
                and not self.env.user.has_group('closure_crm.group_closure_manager'):
            raise AccessError(_(
                "Only a closure manager sets a case's tier by hand (%(user)s tried to change %(fields)s).",
                user=self.env.user.name, fields=', '.join(
                    self._fields[fname].get_description(self.env)['string']
                    for fname in ('closure_tier', *TIER_MANUAL_FIELDS) if fname in vals)))
        if vals.get('closure_tier_manual') is False or vals.get('closure_tier_manual') == 0:
            vals = dict(vals, closure_tier_reason=False)
        tiers_before = {lead.id: lead.closure_tier for lead in self} if 'closure_tier' in vals else {}
        res = super().write(vals)
        if tiers_before:
            labels = dict(self._fields['closure_tier']._description_selection(self.env))
            for lead in self.filtered(lambda lead: lead.closure_tier_manual
                                      and lead.closure_tier != tiers_before.get(lead.id)):
                lead.message_post(body=_(
                    "Tier set by hand: %(before)s → %(after)s. Reason: %(reason)s",
                    before=labels.get(tiers_before.get(lead.id), _('none')), after=labels.get(lead.closure_tier),
                    reason=lead.closure_tier_reason), subtype_xmlid='mail.mt_note')
        return res
