import json
import os

from odoo.tools.translate import html_translate

def terms(html):
    out = []
    html_translate(lambda t: out.append(t) or t, html)
    return out

TERM_FIELDS = {('slide.slide', 'html_content'), ('slide.slide', 'description'), ('slide.channel', 'description'),
               ('slide.channel', 'description_short'), ('survey.survey', 'description')}

def content_pairs():
    po = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'content_po.json')))
    pairs = {}
    bad = []
    for ref, en, zh in po:
        model_field = ref.split(':')[1].split(',')
        if tuple(model_field) in TERM_FIELDS:
            te, tz = terms(en), terms(zh)
            if len(te) != len(tz):
                bad.append((ref, len(te), len(tz)))
                continue
            refterm = ref.replace('model:', 'model_terms:', 1)
            for a, b in zip(te, tz):
                pairs.setdefault(a, (b, set()))[1].add(refterm)
        else:
            pairs.setdefault(en, (zh, set()))[1].add(ref)
    return pairs, bad

if __name__ == '__main__':
    pairs, bad = content_pairs()
    print(len(pairs), 'bad:', bad)
