"""Generate closure_training content data (XML) and its zh_CN translations (.po
entries) from the bilingual source in content_*.py."""
import json
import os
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
exec(open(os.path.join(HERE, 'content_courses.py')).read())
exec(open(os.path.join(HERE, 'content_practice.py')).read())

OUT = sys.argv[1]  # closure_training folder
PO = []  # (reference, en, zh)


def t(ref, pair):
    PO.append((ref, pair[0], pair[1]))
    return pair[0]


def field(name, value, html=False):
    if html:
        return f'        <field name="{name}"><![CDATA[{value}]]></field>\n'
    return f'        <field name="{name}">{escape(value)}</field>\n'


def write(path, body, noupdate=True):
    with open(os.path.join(OUT, path), 'w') as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<!-- Generated from the bilingual content source; '
                'Chinese in i18n/parts/training.po -->\n<odoo>\n')
        f.write('    <data noupdate="1">\n' if noupdate else '')
        f.write(body)
        f.write('    </data>\n' if noupdate else '')
        f.write('</odoo>\n')


# ---------------------------------------------------------------- surveys
out = []
for s in SURVEYS:
    sid = s['id']
    out.append(f'    <record id="{sid}" model="survey.survey">\n')
    out.append(field('title', t(f'model:survey.survey,title:closure_training.{sid}', s['title'])))
    desc = ('<p>%s</p>' % s['desc'][0], '<p>%s</p>' % s['desc'][1])
    out.append(field('description', t(f'model:survey.survey,description:closure_training.{sid}', desc), html=True))
    out.append('        <field name="survey_type">assessment</field>\n')
    out.append('        <field name="access_mode">public</field>\n')
    out.append('        <field name="users_login_required" eval="True"/>\n')
    out.append('        <field name="users_can_go_back" eval="True"/>\n')
    out.append('        <field name="questions_layout">one_page</field>\n')
    out.append('        <field name="scoring_type">scoring_with_answers</field>\n')
    out.append('        <field name="certification" eval="True"/>\n')
    out.append(f'        <field name="scoring_success_min">{s["pass"]}</field>\n')
    out.append('        <field name="is_attempts_limited" eval="False"/>\n')
    out.append('        <field name="certification_mail_template_id" ref="survey.mail_template_certification"/>\n')
    out.append('    </record>\n')
    out.append(f'    <record id="{sid}_page" model="survey.question">\n')
    out.append(f'        <field name="survey_id" ref="{sid}"/>\n')
    out.append(field('title', t(f'model:survey.question,title:closure_training.{sid}_page', s['title'])))
    out.append('        <field name="sequence">1</field>\n        <field name="is_page" eval="True"/>\n'
               '        <field name="question_type" eval="False"/>\n    </record>\n')
    for qi, (q, answers) in enumerate(s['questions'], 1):
        qid = f'{sid}_q{qi}'
        out.append(f'    <record id="{qid}" model="survey.question">\n')
        out.append(f'        <field name="survey_id" ref="{sid}"/>\n')
        out.append(f'        <field name="sequence">{qi + 1}</field>\n')
        out.append(field('title', t(f'model:survey.question,title:closure_training.{qid}', q)))
        out.append('        <field name="question_type">simple_choice</field>\n')
        out.append('        <field name="constr_mandatory" eval="True"/>\n    </record>\n')
        for ai, (a, correct) in enumerate(answers, 1):
            aid = f'{qid}_a{ai}'
            out.append(f'    <record id="{aid}" model="survey.question.answer">\n')
            out.append(f'        <field name="question_id" ref="{qid}"/>\n')
            out.append(f'        <field name="sequence">{ai}</field>\n')
            out.append(field('value', t(f'model:survey.question.answer,value:closure_training.{aid}', a)))
            if correct:
                out.append('        <field name="is_correct" eval="True"/>\n        <field name="answer_score">1.0</field>\n')
            out.append('    </record>\n')
write('data/survey_data.xml', ''.join(out))

# ---------------------------------------------------------------- courses
out = []
for c in COURSES:
    cid = c['id']
    out.append(f'    <record id="{cid}" model="slide.channel">\n')
    out.append(field('name', t(f'model:slide.channel,name:closure_training.{cid}', c['name'])))
    desc = ('<p>%s</p>' % c['desc'][0], '<p>%s</p>' % c['desc'][1])
    out.append(field('description', t(f'model:slide.channel,description:closure_training.{cid}', desc), html=True))
    out.append(field('description_short', t(f'model:slide.channel,description_short:closure_training.{cid}', desc), html=True))
    out.append(f'        <field name="sequence">{c["seq"]}</field>\n')
    out.append('        <field name="channel_type">training</field>\n')
    out.append('        <field name="visibility">members</field>\n')
    out.append('        <field name="enroll">invite</field>\n')
    out.append('        <field name="allow_comment" eval="True"/>\n')
    out.append('        <field name="is_published" eval="True"/>\n')
    out.append('        <field name="user_id" ref="base.user_admin"/>\n')
    out.append('        <field name="karma_gen_channel_finish">20</field>\n')
    out.append('    </record>\n')
    seq = 0
    for lesson in c['lessons']:
        seq += 1
        lid = f'slide_{lesson["id"]}'
        out.append(f'    <record id="{lid}" model="slide.slide">\n')
        out.append(f'        <field name="channel_id" ref="{cid}"/>\n')
        out.append(f'        <field name="sequence">{seq}</field>\n')
        out.append(field('name', t(f'model:slide.slide,name:closure_training.{lid}', lesson['name'])))
        out.append('        <field name="slide_category">article</field>\n')
        out.append(field('html_content', t(f'model:slide.slide,html_content:closure_training.{lid}', lesson['html']), html=True))
        out.append(f'        <field name="completion_time">{lesson["minutes"] / 60.0:.4f}</field>\n')
        out.append('        <field name="is_published" eval="True"/>\n')
        out.append('    </record>\n')
        for qi, (q, answers) in enumerate(lesson['questions'], 1):
            qid = f'question_{lesson["id"]}_{qi}'
            out.append(f'    <record id="{qid}" model="slide.question">\n')
            out.append(f'        <field name="slide_id" ref="{lid}"/>\n')
            out.append(f'        <field name="sequence">{qi}</field>\n')
            out.append(field('question', t(f'model:slide.question,question:closure_training.{qid}', q)))
            out.append('    </record>\n')
            for ai, (a, correct, comment) in enumerate(answers, 1):
                aid = f'answer_{lesson["id"]}_{qi}_{ai}'
                out.append(f'    <record id="{aid}" model="slide.answer">\n')
                out.append(f'        <field name="question_id" ref="{qid}"/>\n')
                out.append(f'        <field name="sequence">{ai}</field>\n')
                out.append(field('text_value', t(f'model:slide.answer,text_value:closure_training.{aid}', a)))
                out.append(f'        <field name="is_correct" eval="{correct}"/>\n')
                out.append(field('comment', t(f'model:slide.answer,comment:closure_training.{aid}', comment)))
                out.append('    </record>\n')
    if c.get('certification'):
        sid = c['certification']
        survey = next(s for s in SURVEYS if s['id'] == sid)
        lid = f'slide_{cid}_certification'
        seq += 1
        out.append(f'    <record id="{lid}" model="slide.slide">\n')
        out.append(f'        <field name="channel_id" ref="{cid}"/>\n')
        out.append(f'        <field name="sequence">{seq}</field>\n')
        out.append(field('name', t(f'model:slide.slide,name:closure_training.{lid}', survey['title'])))
        out.append('        <field name="slide_category">certification</field>\n')
        out.append(f'        <field name="survey_id" ref="{sid}"/>\n')
        out.append('        <field name="completion_time">0.1667</field>\n')
        out.append('        <field name="is_preview" eval="False"/>\n')
        out.append('        <field name="is_published" eval="True"/>\n')
        out.append('    </record>\n')
write('data/slide_channel_data.xml', ''.join(out))

# ---------------------------------------------------------------- tracks
out = []
for tid, ttype, role, layer, seq, name, desc, courses in TRACKS:
    out.append(f'    <record id="{tid}" model="closure.training.track">\n')
    out.append(field('name', t(f'model:closure.training.track,name:closure_training.{tid}', name)))
    out.append(field('description', t(f'model:closure.training.track,description:closure_training.{tid}', desc)))
    out.append(f'        <field name="sequence">{seq}</field>\n')
    out.append(f'        <field name="track_type">{ttype}</field>\n')
    if role:
        out.append(f'        <field name="role">{role}</field>\n')
    if layer:
        out.append(f'        <field name="layer">{layer}</field>\n')
    refs = ', '.join(f"ref('{c}')" for c in courses)
    out.append(f'        <field name="course_ids" eval="[Command.set([{refs}])]"/>\n')
    out.append('    </record>\n')
write('data/closure_training_track_data.xml', ''.join(out))

# ---------------------------------------------------------------- scenarios
out = []
for s in SCENARIOS:
    sid = s['id']
    out.append(f'    <record id="{sid}" model="closure.training.scenario">\n')
    out.append(field('name', t(f'model:closure.training.scenario,name:closure_training.{sid}', s['name'])))
    out.append(field('question', t(f'model:closure.training.scenario,question:closure_training.{sid}', s['q'])))
    out.append(field('model_answer', t(f'model:closure.training.scenario,model_answer:closure_training.{sid}', s['model'])))
    out.append(f'        <field name="scenario_type">{s["type"]}</field>\n')
    out.append(f'        <field name="sequence">{s["seq"]}</field>\n')
    out.append(f'        <field name="course_id" ref="{s["course"]}"/>\n')
    out.append('    </record>\n')
    for oi, (name, correct, expl) in enumerate(s.get('options', []), 1):
        oid = f'{sid}_opt{oi}'
        out.append(f'    <record id="{oid}" model="closure.training.scenario.option">\n')
        out.append(f'        <field name="scenario_id" ref="{sid}"/>\n')
        out.append(f'        <field name="sequence">{oi}</field>\n')
        out.append(field('name', t(f'model:closure.training.scenario.option,name:closure_training.{oid}', name)))
        out.append(f'        <field name="is_correct" eval="{correct}"/>\n')
        out.append(field('explanation', t(f'model:closure.training.scenario.option,explanation:closure_training.{oid}', expl)))
        out.append('    </record>\n')
write('data/closure_training_scenario_data.xml', ''.join(out))

# ---------------------------------------------------------------- coach rules
out = []
for i, (name, rtype, lang, hint_en, hint_zh) in enumerate(COACH_RULES, 1):
    rid = f'coach_rule_{i:03d}'
    out.append(f'    <record id="{rid}" model="closure.training.coach.rule">\n')
    out.append(field('name', name))
    out.append(f'        <field name="rule_type">{rtype}</field>\n')
    out.append(f'        <field name="lang">{lang}</field>\n')
    out.append(f'        <field name="sequence">{i}</field>\n')
    if hint_en:
        out.append(field('hint', t(f'model:closure.training.coach.rule,hint:closure_training.{rid}', (hint_en, hint_zh))))
    out.append('    </record>\n')
write('data/closure_training_coach_rule_data.xml', ''.join(out))

json.dump(PO, open(os.path.join(HERE, 'content_po.json'), 'w'), ensure_ascii=False, indent=0)  # read by build_po.py
print(len(PO), 'translatable content entries')
