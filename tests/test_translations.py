"""Every add-on of the repository speaks Simplified Chinese: its zh_CN.po has
a translation for every term of its .pot, and nothing Odoo would drop.

Odoo reads a module's zh_CN.po merged with its .pot (odoo.tools.translate.
PoFileReader): an entry of the .po that the .pot does not hold (or holds
malformed) is obsolete there and silently left untranslated. These checks
read the files the way Odoo does, with polib."""
import glob
import os

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = sorted(os.path.basename(os.path.dirname(path))
                for path in glob.glob(os.path.join(ROOT, '*', '__manifest__.py')))


@pytest.mark.parametrize('addon', ADDONS)
def test_every_term_has_its_chinese_translation(addon):
    i18n = os.path.join(ROOT, addon, 'i18n')
    pot_path, po_path = os.path.join(i18n, f'{addon}.pot'), os.path.join(i18n, 'zh_CN.po')
    assert os.path.isfile(pot_path) and os.path.isfile(po_path), f"{addon}: i18n/{addon}.pot and i18n/zh_CN.po"
    pot = polib.pofile(pot_path)
    po = polib.pofile(po_path)
    terms = {(entry.msgctxt, entry.msgid) for entry in pot}
    assert len(terms) == len(pot), f"{addon}: a term is twice in the .pot"
    # as Odoo reads it: the .po merged with the .pot
    po.merge(pot)
    dropped = [entry.msgid[:80] for entry in po if entry.obsolete]
    assert not dropped, f"{addon}: terms of zh_CN.po that the .pot lacks (Odoo drops them): {dropped}"
    untranslated = [entry.msgid[:80] for entry in po if not entry.obsolete and not entry.msgstr]
    assert not untranslated, f"{addon}: terms without a Chinese translation: {untranslated}"
    for entry in po:
        assert entry.comment.startswith('module: '), f"{addon}: {entry.msgid[:80]!r} names no module"
