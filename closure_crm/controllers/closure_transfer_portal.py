import json

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class ClosureTransferPortal(CustomerPortal):
    """The receiving partner's side of customer transfers: its portal users
    see the customers proposed to their company (and only those), answer
    accept or decline, and get the data package once it is handed over."""

    def _closure_transfer_domain(self):
        # the record rule says the same; the domain keeps the counts exact
        receiver = request.env.user.partner_id.commercial_partner_id
        return [('receiver_id', '=', receiver.id), ('date_introduced', '!=', False), ('state', '!=', 'cancelled')]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if 'closure_transfer_count' in counters:
            Transfer = request.env['closure.transfer']
            values['closure_transfer_count'] = Transfer.search_count(self._closure_transfer_domain()) \
                if Transfer.has_access('read') else 0
        return values

    def _closure_transfer_check_access(self, transfer_id):
        # The receiver's own users only (record rules): no access token, as the
        # customer gets the same introduction and must not answer in the
        # receiver's name.
        return self._document_check_access('closure.transfer', transfer_id, access_token=None)

    @http.route(['/my/closure/transfers', '/my/closure/transfers/page/<int:page>'],
                type='http', auth='user', website=True)
    def portal_my_closure_transfers(self, page=1, filterby='all', **kw):
        Transfer = request.env['closure.transfer']
        filters = {
            'all': {'label': _('All'), 'domain': []},
            'to_answer': {'label': _('To Answer'), 'domain': [('state', 'in', ('introduced', 'customer_accepted'))]},
            'accepted': {
                'label': _('Accepted'),
                'domain': [('state', 'in', ('receiver_accepted', 'handed_over', 'completed'))],
            },
            'declined': {
                'label': _('Declined'),
                'domain': [('state', 'in', ('customer_declined', 'receiver_declined'))],
            },
        }
        if filterby not in filters:
            filterby = 'all'
        domain = self._closure_transfer_domain() + filters[filterby]['domain']
        pager = portal_pager(
            url='/my/closure/transfers', url_args={'filterby': filterby},
            total=Transfer.search_count(domain), page=page, step=self._items_per_page)
        transfers = Transfer.search(domain, order='id desc', limit=self._items_per_page, offset=pager['offset'])
        request.session['my_closure_transfers_history'] = transfers.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            'transfers': transfers,
            'page_name': 'closure_transfer',
            'default_url': '/my/closure/transfers',
            'pager': pager,
            'searchbar_filters': filters,
            'filterby': filterby,
        })
        return request.render('closure_crm.portal_my_closure_transfers', values)

    @http.route('/my/closure/transfers/<int:transfer_id>', type='http', auth='user', website=True)
    def portal_my_closure_transfer(self, transfer_id, error=None, **kw):
        try:
            transfer_sudo = self._closure_transfer_check_access(transfer_id)
        except (AccessError, MissingError):
            return request.redirect('/my')
        values = self._get_page_view_values(
            transfer_sudo, None, {}, 'my_closure_transfers_history', False)
        values.update({
            'transfer': transfer_sudo,
            'customer': transfer_sudo._portal_customer_view(),
            'can_answer': transfer_sudo._portal_can_answer(),
            'page_name': 'closure_transfer',
            'error': error,
        })
        return request.render('closure_crm.portal_my_closure_transfer', values)

    @http.route('/my/closure/transfers/<int:transfer_id>/answer', type='http', auth='user',
                methods=['POST'], website=True)
    def portal_closure_transfer_answer(self, transfer_id, decision=None, reason=None, **kw):
        try:
            transfer_sudo = self._closure_transfer_check_access(transfer_id)
        except (AccessError, MissingError):
            return request.redirect('/my')
        if decision not in ('accept', 'decline'):
            return request.redirect(f'/my/closure/transfers/{transfer_id}')
        try:
            # the portal user may read, not write: the answer is written with
            # superuser rights but as the portal user, whom the model checks
            # (_document_check_access gives the superuser's environment)
            transfer_sudo.with_user(request.env.user).sudo()._receiver_answer(
                decision == 'accept', reason=(reason or '').strip() or False, author=request.env.user.partner_id)
        except UserError as error:
            return request.redirect(f'/my/closure/transfers/{transfer_id}?error={error.args[0]}')
        return request.redirect(f'/my/closure/transfers/{transfer_id}')

    @http.route('/my/closure/transfers/<int:transfer_id>/package', type='http', auth='user', website=True)
    def portal_closure_transfer_package(self, transfer_id, **kw):
        try:
            transfer_sudo = self._closure_transfer_check_access(transfer_id)
        except (AccessError, MissingError):
            return request.redirect('/my')
        attachment = transfer_sudo._portal_package_attachment()
        if not attachment:
            return request.not_found()
        content = json.dumps(transfer_sudo._portal_package(), ensure_ascii=False, indent=2)
        return request.make_response(content, headers=[
            ('Content-Type', 'application/json; charset=utf-8'),
            ('Content-Disposition', content_disposition(attachment.name)),
        ])
