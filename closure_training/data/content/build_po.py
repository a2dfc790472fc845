"""Fill an exported closure_training .pot with the Chinese of the content
(split into terms the way Odoo translates HTML) and of the interface (ui_zh.py).

    python3 build_po.py closure_training.pot ../../i18n/parts/training.po ../../i18n/zh_CN.po
"""
import os
import sys

import polib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terms import content_pairs
from ui_zh import UI
pot = polib.pofile(sys.argv[1])
out_paths = sys.argv[2:]
pairs, bad = content_pairs()
assert not bad, bad
po = polib.POFile()
po.metadata = {
    'Project-Id-Version': 'Odoo Server 18.0',
    'Report-Msgid-Bugs-To': '',
    'POT-Creation-Date': '2026-01-01 00:00+0000',
    'PO-Revision-Date': '2026-01-01 00:00+0000',
    'Last-Translator': '',
    'Language-Team': '',
    'Language': 'zh_CN',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '',
    'Plural-Forms': '',
}
missing = []
for entry in pot:
    zh = None
    if entry.msgid in pairs:
        zh = pairs[entry.msgid][0]
    elif entry.msgid in UI:
        zh = UI[entry.msgid]
    if zh is None:
        missing.append(entry.msgid)
        continue
    e = polib.POEntry(msgid=entry.msgid, msgstr=zh, occurrences=entry.occurrences, comment=entry.comment,
                      flags=entry.flags, tcomment=entry.tcomment)
    po.append(e)
for path in out_paths:
    po.save(path)
print('entries', len(po), 'missing', len(missing))
for m in missing:
    print('MISSING', repr(m))
