import re
from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
          'november', 'december']
EN_DATE = r'(\d{1,2} (?:%s))' % '|'.join(m.title() for m in MONTHS)
ZH_DATE = r'(\d{1,2}月\d{1,2}日)'
# the dates a text states, by what they are: (service end, export until, erasure)
DATES = {
    'en_US': {
        'service_end': [r'(?:service (?:ends|runs|continues)[^.;]*?(?:on|until)|last day of service is|'
                        r'end this service on|service end is[^.;]*? on) ' + EN_DATE],
        'export': [r'export[^.;]*?until ' + EN_DATE, r'download[^.;]*?until ' + EN_DATE],
        'erasure': [r'(?:erased|deleted) on ' + EN_DATE, r'erasure date on ' + EN_DATE,
                    r'On ' + EN_DATE + r' the personal data'],
    },
    'zh_CN': {
        'service_end': [r'服务(?:于|持续到)' + ZH_DATE, r'服务的最后一天是' + ZH_DATE,
                        r'服务[^。；]*?持续到' + ZH_DATE],
        'export': [r'导出通道开放至' + ZH_DATE, ZH_DATE + r'前可以导出', ZH_DATE + r'之前[^。；]*?导出'],
        'erasure': [r'删除日期定在' + ZH_DATE, r'个人数据(?:将)?于' + ZH_DATE + r'删除',
                    ZH_DATE + r'，两位客户的个人数据被删除'],
    },
}
# accounting records keep the name: a text saying it is removed or anonymised is wrong
NAME_REMOVED = {
    'en_US': re.compile(
        r'(name[^.;]*?(anonymi[sz]ed|removed)|anonymi[sz]es the person|the person is anonymi[sz]ed)', re.I),
    'zh_CN': re.compile(r'姓名[^。；]*?(匿名|移除)|对个人(进行)?匿名化'),
}
INVENTED = {
    'en_US': re.compile(r'cases? from the handbook|performance review', re.I),
    'zh_CN': re.compile(r'手册中的[^。；]*案例|绩效考核'),
}
FIFTEEN_DAYS = {'en_US': re.compile(r'within 15 days', re.I), 'zh_CN': re.compile(r'15日内')}
BEFORE_FORMATION = {'en_US': re.compile(r'before the liquidation group is formed', re.I),
                    'zh_CN': re.compile(r'清算组成立前')}


def _parse(text, lang, year=2026):
    if lang == 'zh_CN':
        month, day = re.match(r'(\d+)月(\d+)日', text).groups()
        return date(year, int(month), int(day))
    day, month = text.split(' ')
    return date(year, MONTHS.index(month.lower()) + 1, int(day))


@tagged('post_install', '-at_install')
class TestTrainingTruth(TransactionCase):
    """What lessons, scenarios and FAQ answers state agrees with the software
    and the law, in English and in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['closure_training'], ['zh_CN'], overwrite=True)
        data = cls.env['ir.model.data'].search([('module', '=', 'closure_training')])

        def shipped(model):
            return cls.env[model].browse(data.filtered(lambda d: d.model == model).mapped('res_id'))
        cls.lessons = shipped('slide.slide')
        cls.scenarios = shipped('closure.training.scenario')
        cls.faqs = shipped('closure.training.faq')

    def _texts(self, lang):
        """(label, plain text) of every lesson, scenario (with its right options) and FAQ answer."""
        texts = []
        for lesson in self.lessons.with_context(lang=lang):
            texts.append((f'lesson {lesson.name}', html2plaintext(lesson.html_content or '')))
        for scenario in self.scenarios.with_context(lang=lang):
            right = ' '.join(scenario.option_ids.filtered('is_correct').mapped('name'))
            texts.append((f'scenario {scenario.name}', f'{scenario.question} {scenario.model_answer} {right}'))
        for faq in self.faqs.with_context(lang=lang):
            texts.append((f'FAQ {faq.question}', faq.answer or ''))
        return texts

    def _dates(self, text, lang):
        found = {}
        for kind, patterns in DATES[lang].items():
            for pattern in patterns:
                for match in re.finditer(pattern, text):
                    found.setdefault(kind, []).append(_parse(match.group(1), lang))
        return found

    def _date_problems(self, label, text, lang):
        found = self._dates(text, lang)
        problems = []
        for before, after in (('service_end', 'export'), ('export', 'erasure'), ('service_end', 'erasure')):
            for first in found.get(before, []):
                for second in found.get(after, []):
                    if second <= first:
                        problems.append(f'{label} [{lang}]: {after} on {second} is not after {before} on {first}')
        return problems

    def test_export_follows_service_end_and_erasure_follows_export(self):
        problems = []
        checked = 0
        for lang in ('en_US', 'zh_CN'):
            for label, text in self._texts(lang):
                found = self._dates(text, lang)
                checked += len(found) >= 2
                problems += self._date_problems(label, text, lang)
        self.assertFalse(problems, '\n'.join(problems))
        self.assertGreaterEqual(checked, 6, "the texts that give dates are read")

    def test_the_date_check_catches_an_export_deadline_before_service_end(self):
        self.assertTrue(self._date_problems(
            'x', 'Your service runs until 30 June. You can download your data until 20 June.', 'en_US'))
        self.assertTrue(self._date_problems('x', '您的服务持续到6月30日，6月20日前可以导出。', 'zh_CN'))
        self.assertFalse(self._date_problems(
            'x', 'Your service runs until 30 June. You can download your data until 30 July.', 'en_US'))

    def test_posted_accounting_keeps_the_name(self):
        problems = [f'{label} [{lang}]: {match.group(0)!r}'
                    for lang in ('en_US', 'zh_CN') for label, text in self._texts(lang)
                    for match in [NAME_REMOVED[lang].search(text)] if match]
        self.assertFalse(problems, '\n'.join(problems))
        self.assertTrue(NAME_REMOVED['en_US'].search('Your name is removed from the invoices.'))

    def test_no_invented_cases_and_no_promise_the_software_does_not_keep(self):
        problems = [f'{label} [{lang}]: {match.group(0)!r}'
                    for lang in ('en_US', 'zh_CN') for label, text in self._texts(lang)
                    for match in [INVENTED[lang].search(text)] if match]
        courses = self.env['ir.model.data'].search(
            [('module', '=', 'closure_training'), ('model', '=', 'slide.channel')])
        for course in self.env['slide.channel'].browse(courses.mapped('res_id')):
            for lang in ('en_US', 'zh_CN'):
                description = html2plaintext(course.with_context(lang=lang).description or '')
                if INVENTED[lang].search(description):
                    problems.append(f'course {course.name} [{lang}]')
        self.assertFalse(problems, '\n'.join(problems))

    def test_fifteen_day_refunds_only_before_the_liquidation_group_forms(self):
        """A scenario promising payment within 15 days is set before the
        formation, says the payment comes before it, and a date it names falls
        before the planned formation (decision + 15 days)."""
        problems = []
        checked = 0
        for lang in ('en_US', 'zh_CN'):
            for scenario in self.scenarios.with_context(lang=lang):
                right = [scenario.model_answer] + scenario.option_ids.filtered('is_correct').mapped('name')
                for text in right:
                    if not FIFTEEN_DAYS[lang].search(text):
                        continue
                    checked += 1
                    if not BEFORE_FORMATION[lang].search(text):
                        problems.append(
                            f'{scenario.name} [{lang}]: 15 days without "before the group is formed": {text}')
                    decided = re.search((r'decided on ' + EN_DATE) if lang == 'en_US' else (ZH_DATE + r'决定'),
                                        scenario.question)
                    promised = re.search((r'by ' + EN_DATE) if lang == 'en_US' else (ZH_DATE + r'前'), text)
                    if decided and promised:
                        formation = _parse(decided.group(1), lang) + timedelta(days=15)
                        if _parse(promised.group(1), lang) >= formation:
                            problems.append(f'{scenario.name} [{lang}]: pays on {promised.group(1)}, '
                                            f'after the planned formation {formation}')
        self.assertFalse(problems, '\n'.join(problems))
        self.assertGreaterEqual(checked, 4)

    def test_pipl_sanctions_are_stated(self):
        lesson = self.env.ref('closure_training.slide_legal_protect')
        en = html2plaintext(lesson.html_content)
        for fact in ('Art. 66', 'RMB 1 million', 'RMB 10,000 to 100,000', 'RMB 50 million',
                     "5% of the previous year's turnover", 'RMB 100,000 to 1 million'):
            self.assertIn(fact, en)
        self.assertNotIn('does not quote fines', en)
        zh = html2plaintext(lesson.with_context(lang='zh_CN').html_content)
        for fact in ('第六十六条', '一百万元以下罚款', '一万元以上十万元以下', '五千万元以下', '百分之五'):
            self.assertIn(fact, zh)
