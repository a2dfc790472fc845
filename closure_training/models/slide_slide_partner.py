from odoo import _, api, models
from odoo.exceptions import UserError


class SlideSlidePartner(models.Model):
    _inherit = 'slide.slide.partner'

    @api.model_create_multi
    def create(self, vals_list):
        self._check_closure_attendance([
            (vals.get('slide_id'), vals.get('partner_id')) for vals in vals_list if vals.get('completed')])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get('completed'):
            # refuse before writing anything
            self._check_closure_attendance([
                (vals.get('slide_id', row.slide_id.id), vals.get('partner_id', row.partner_id.id)) for row in self])
        return super().write(vals)

    @api.model
    def _check_closure_attendance(self, pairs):
        """A lesson completed by attending (a role-play workshop, a live Q&A
        session) is completed only for a person the trainer recorded as
        attending one of its sessions, whoever writes the progress.
        ``pairs``: [(slide id, partner id)] about to be completed."""
        slides = self.env['slide.slide'].browse({slide_id for slide_id, _partner in pairs if slide_id}).filtered(
            'closure_session_type')
        pairs = [(slide_id, partner_id) for slide_id, partner_id in pairs if slide_id in slides.ids]
        if not pairs:
            return
        # attendance is read for whoever completes the lesson
        groups = self.env['closure.training.attendance'].sudo()._read_group(
            [('slide_id', 'in', slides.ids), ('state', '=', 'attended'),
             ('user_id.partner_id', 'in', [partner_id for _slide, partner_id in pairs])],
            ['slide_id', 'user_id'])
        attended = {(slide.id, user.partner_id.id) for slide, user in groups}
        types = dict(self.env['slide.slide']._fields['closure_session_type']._description_selection(self.env))
        for slide_id, partner_id in pairs:
            if (slide_id, partner_id) not in attended:
                slide = slides.browse(slide_id)
                raise UserError(_(
                    "\"%(lesson)s\" is completed by attending a %(type)s: the trainer records who attended. "
                    "%(person)s has no attendance recorded.", lesson=slide.name,
                    type=types[slide.closure_session_type].lower(),
                    person=self.env['res.partner'].browse(partner_id).name))
