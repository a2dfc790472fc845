"""Generate closure_training demo XML: staff, team membership, progress mid-way."""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
exec(open(os.path.join(HERE, 'content_courses.py')).read())
exec(open(os.path.join(HERE, 'content_practice.py')).read())
OUT = sys.argv[1]

NEW_STAFF = [
    ('demo_user_staff_chen', 'Chen Jing', 'closure.chen', 'chen.jing@example.com', 'zh_CN'),
    ('demo_user_staff_wang', 'Wang Fang', 'closure.wang', 'wang.fang@example.com', 'zh_CN'),
    ('demo_user_staff_li', 'Li Qiang', 'closure.li', 'li.qiang@example.com', 'zh_CN'),
    ('demo_user_staff_zhao', 'Zhao Lei', 'closure.zhao', 'zhao.lei@example.com', 'zh_CN'),
    ('demo_user_staff_maria', 'Maria Rossi', 'closure.maria', 'maria.rossi@example.com', 'en_US'),
    ('demo_user_staff_tom', 'Tom Becker', 'closure.tom', 'tom.becker@example.com', 'en_US'),
]
users = ''.join(f"""    <record id="{xid}" model="res.users">
        <field name="name">{name}</field>
        <field name="login">{login}</field>
        <field name="password">{login}</field>
        <field name="email">{email}</field>
        <field name="lang">{lang}</field>
        <field name="groups_id" eval="[Command.link(ref('closure_crm.group_closure_user'))]"/>
    </record>
""" for xid, name, login, email, lang in NEW_STAFF)
open(os.path.join(OUT, 'demo/res_users_demo.xml'), 'w').write(f"""<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <!-- More staff of the closure desk, beside closure_crm's demo users -->
{users}</odoo>
""")

MEMBERS = ['closure_crm.demo_user_rep_lin', 'closure_crm.demo_user_rep_anna', 'base.user_demo'] + [x[0] for x in NEW_STAFF]
members = ''.join(f"""    <record id="demo_team_member_{m.split('.')[-1]}" model="crm.team.member">
        <field name="crm_team_id" ref="closure_crm.demo_team_closure"/>
        <field name="user_id" ref="{m}"/>
    </record>
""" for m in MEMBERS)
open(os.path.join(OUT, 'demo/closure_plan_demo.xml'), 'w').write(f"""<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <!-- The demo plan requires the closure certification to send notice waves and own A-tier cases -->
    <record id="closure_crm.demo_plan" model="closure.plan">
        <field name="training_gate_send_wave" eval="True"/>
        <field name="training_gate_own_tier_a" eval="True"/>
        <field name="training_certification_id" ref="survey_closure_communication"/>
        <field name="training_trainer_certification_id" ref="survey_trainer_certification"/>
    </record>

    <!-- Adding staff to the plan's team enrols them: participants, layers and courses follow -->
{members}
    <!-- Li Qiang leaves at the end of the month: the departing track -->
    <function model="closure.training.participant" name="write">
        <value model="closure.training.participant" eval="obj().search([('plan_id', '=', ref('closure_crm.demo_plan')), ('user_id', '=', ref('demo_user_staff_li'))]).ids"/>
        <value eval="{{'role': 'departing'}}"/>
    </function>
</odoo>
""")

# progress: (user xmlid, partner expr, [lessons completed], quiz attempts, certified?, trainer?)
lessons_of = {c['id']: [l for l in c['lessons']] for c in COURSES}
def course_lessons(*cids):
    return [(cid, l) for cid in cids for l in lessons_of[cid]]

PROGRESS = [
    # manager: manager track done, trainer course done, both certifications
    ('closure_crm.demo_user_manager', course_lessons('course_farewell', 'course_legal', 'course_transfer', 'course_lifecycle', 'course_certification', 'course_trainer'), 1, True, True),
    ('closure_crm.demo_user_rep_lin', course_lessons('course_farewell', 'course_legacy', 'course_transfer', 'course_emotion', 'course_complaint', 'course_certification', 'course_workshop'), 1, True, False),
    ('closure_crm.demo_user_rep_anna', course_lessons('course_farewell', 'course_legacy'), 2, False, False),
    ('base.user_demo', course_lessons('course_farewell')[:2], 3, False, False),
    ('demo_user_staff_chen', course_lessons('course_farewell', 'course_legacy', 'course_transfer', 'course_emotion'), 1, False, False),
    ('demo_user_staff_wang', course_lessons('course_farewell', 'course_legacy', 'course_transfer', 'course_emotion', 'course_complaint', 'course_certification', 'course_workshop'), 2, True, False),
    ('demo_user_staff_li', course_lessons('course_handover'), 1, False, False),
    ('demo_user_staff_maria', course_lessons('course_farewell', 'course_complaint', 'course_micro'), 1, False, False),
    ('demo_user_staff_tom', [], 1, False, False),
    ('demo_user_staff_zhao', course_lessons('course_farewell'), 2, False, False),
]
out = []
for user, lessons, attempts, certified, trainer in PROGRESS:
    short = user.split('.')[-1]
    partner = f"ref('{user}') and obj().env.ref('{user}').partner_id.id"
    for cid, lesson in lessons:
        out.append(f"""    <record id="demo_progress_{short}_{lesson['id']}" model="slide.slide.partner">
        <field name="slide_id" ref="slide_{lesson['id']}"/>
        <field name="channel_id" ref="{cid}"/>
        <field name="partner_id" model="res.users" eval="obj(ref('{user}')).partner_id.id"/>
        <field name="quiz_attempts_count" eval="{attempts if lesson['questions'] else 0}"/>
        <field name="completed" eval="True"/>
    </record>
""")
    for flag, sid, cid in ((certified, 'survey_closure_communication', 'course_certification'),
                           (trainer, 'survey_trainer_certification', 'course_trainer')):
        if not flag:
            continue
        survey = next(s for s in SURVEYS if s['id'] == sid)
        lines = ', '.join(
            f"Command.create({{'question_id': ref('{sid}_q{qi}'), 'answer_type': 'suggestion', "
            f"'suggested_answer_id': ref('{sid}_q{qi}_a1')}})"
            for qi in range(1, len(survey['questions']) + 1))
        out.append(f"""    <record id="demo_certification_{short}_{sid}" model="survey.user_input">
        <field name="survey_id" ref="{sid}"/>
        <field name="partner_id" model="res.users" eval="obj(ref('{user}')).partner_id.id"/>
        <field name="state">done</field>
        <field name="user_input_line_ids" eval="[{lines}]"/>
    </record>
    <record id="demo_progress_{short}_{cid}_certification" model="slide.slide.partner">
        <field name="slide_id" ref="slide_{cid}_certification"/>
        <field name="channel_id" ref="{cid}"/>
        <field name="partner_id" model="res.users" eval="obj(ref('{user}')).partner_id.id"/>
        <field name="completed" eval="True"/>
    </record>
""")

# daily practice of the last days: who answers regularly
PRACTICE = {
    'closure_crm.demo_user_manager': [1, 1, 1, 1, 1, 1],
    'closure_crm.demo_user_rep_lin': [1, 1, 1, 0, 1, 1],
    'closure_crm.demo_user_rep_anna': [0, 1, 1, 0, 0, 1],
    'base.user_demo': [0, 0, 0, 0, 1, 0],
    'demo_user_staff_chen': [1, 1, 1, 1, 1, 0],
    'demo_user_staff_wang': [1, 0, 1, 1, 1, 1],
    'demo_user_staff_li': [0, 0, 1, 1, 0, 0],
    'demo_user_staff_maria': [1, 1, 0, 1, 1, 1],
    'demo_user_staff_tom': [0, 0, 0, 0, 0, 0],
    'demo_user_staff_zhao': [1, 1, 1, 0, 0, 1],
}
for ui, (user, answered_days) in enumerate(PRACTICE.items()):
    short = user.split('.')[-1]
    streak = 0
    for day_index, answered in enumerate(answered_days):  # 6 days ago ... yesterday
        days_ago = 6 - day_index
        scenario = SCENARIOS[(ui + day_index) % len(SCENARIOS)]
        streak = streak + 1 if answered else 0
        vals = [f'        <field name="user_id" ref="{user}"/>',
                '        <field name="plan_id" ref="closure_crm.demo_plan"/>',
                f'        <field name="scenario_id" ref="{scenario["id"]}"/>',
                f'        <field name="date" eval="(DateTime.today() - timedelta(days={days_ago})).strftime(\'%Y-%m-%d\')"/>']
        if answered:
            good = (ui + day_index) % 4 != 0
            vals += ['        <field name="state">answered</field>',
                     f'        <field name="answered_date" eval="(DateTime.today() - timedelta(days={days_ago})).strftime(\'%Y-%m-%d 09:30:00\')"/>',
                     f'        <field name="is_correct" eval="{good}"/>',
                     f'        <field name="score" eval="{100 if good else 50}"/>',
                     f'        <field name="streak" eval="{streak}"/>',
                     f'        <field name="karma_awarded" eval="{5 if good else 1}"/>']
            if scenario['type'] == 'choice':
                opt = 1 if good else 2
                vals.append(f'        <field name="option_id" ref="{scenario["id"]}_opt{opt}"/>')
            else:
                vals.append('        <field name="answer_text">' + (
                    scenario['model'][0].replace('&', '&amp;').replace('<', '&lt;') if good else
                    'We stopped business, there is nothing we can do.') + '</field>')
        out.append(f'    <record id="demo_practice_{short}_{day_index}" model="closure.training.practice">\n'
                   + '\n'.join(vals) + '\n    </record>\n')

out.append("""    <record id="demo_exemption_anna" model="closure.training.exemption">
        <field name="plan_id" ref="closure_crm.demo_plan"/>
        <field name="user_id" ref="closure_crm.demo_user_rep_anna"/>
        <field name="gate">send_wave</field>
        <field name="valid_until" eval="(DateTime.today() + timedelta(days=14)).strftime('%Y-%m-%d')"/>
        <field name="reason">Anna sends the B2C notice wave next week; her certification exam is booked for the week after.</field>
        <field name="granted_by_id" ref="closure_crm.demo_user_manager"/>
    </record>
""")
open(os.path.join(OUT, 'demo/closure_training_progress_demo.xml'), 'w').write(
    '<?xml version="1.0" encoding="utf-8"?>\n<odoo>\n    <!-- The plan\'s staff mid-way through their tracks -->\n'
    + ''.join(out) + '</odoo>\n')
print('demo written')
