from odoo.addons.closure_crm.controllers.closure_answer import ClosureAnswer, _parse_id


class ClosureAnswerPrivilege(ClosureAnswer):
    """The answer page asks the customer about the privileges offered on their
    case: the ticked ones opt in, the others opt out."""

    def _closure_answer_form_extra(self, case_sudo, form):
        extra, malformed = super()._closure_answer_form_extra(case_sudo, form)
        # the privileges offered on this case: ticked ones opt in, the others opt out
        privilege_ids = [_parse_id(pid) for pid in form.getlist('privilege_ids')]
        if form.get('privileges_asked'):
            extra['privileges'] = {
                privilege: privilege.id in privilege_ids for privilege in case_sudo.closure_privilege_ids}
        return extra, malformed or None in privilege_ids
