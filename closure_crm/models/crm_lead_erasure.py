from odoo import _, api, fields, models
from odoo.exceptions import UserError

# the closure records of a case (model, table): their messages, activities and
# files go with the case's when its data is erased; add-ons add theirs in
# _closure_case_record_tables()
CASE_RECORD_TABLES = (
    ('closure.consent', 'closure_consent'),
    ('closure.notice.recipient', 'closure_notice_recipient'), ('closure.obligation', 'closure_obligation'),
)


class CrmLead(models.Model):
    """Whether a case's data is erased, which the case's page and the case
    generation read, and the hooks the erasure of a plan's customer data
    (closure_crm_data's closure.erasure) calls, so that add-ons with records
    on a case join it without depending on the erasure's add-on."""
    # one behaviour per file keeps the model short
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = 'crm.lead'

    # written by the erasure only (in SQL), never by a client: a case marked
    # erased by hand would keep its data past the erasure
    closure_erased_date = fields.Datetime('Data Erased On', readonly=True, copy=False, index='btree_not_null')

    @api.model_create_multi
    def create(self, vals_list):
        self._closure_check_erasure_fields({fname for vals in vals_list for fname in vals if vals[fname]})
        return super().create(vals_list)

    def write(self, vals):
        # a value given back unchanged (crm's merge writes every field) is no change
        self._closure_check_erasure_fields(
            {fname for fname in self._closure_erasure_fields()
             if fname in vals and (vals[fname] or any(self.mapped(fname)))})
        return super().write(vals)

    @api.model
    def _closure_erasure_fields(self):
        """Hook: the fields only the erasure writes (closure_crm_data adds the
        erasure record's link)."""
        return ['closure_erased_date']

    def _closure_check_erasure_fields(self, fnames):
        forbidden = [fname for fname in self._closure_erasure_fields() if fname in fnames]
        if forbidden and not self.env.su:
            raise UserError(_(
                "'%(field)s' is set by the erasure of the plan's customer data, never by hand.",
                field=self._fields[forbidden[0]]._description_string(self.env)))

    @api.model
    def _closure_case_record_tables(self):
        """Hook: [(model, table)] of the records kept on a case (by their
        ``lead_id``) whose messages, activities and files the erasure removes
        with the case's. Add-ons with such records extend it with super()
        (closure_crm_privilege: privileges and opt-ins; closure_crm_care: complaints)."""
        return list(CASE_RECORD_TABLES)

    @api.model
    def _closure_erase_case_records(self, lead_ids):
        """Hook: called by the erasure (closure_crm_data) once it has erased
        the cases ``lead_ids`` (locked, in its transaction): add-ons empty
        what their records on these cases hold about the person (in SQL, set
        based) and invalidate their models. Nothing in closure_crm itself."""
        return
