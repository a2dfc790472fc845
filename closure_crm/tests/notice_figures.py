import re

from odoo.tools import html2plaintext

# the wave's history line, as _closure_figures_message writes it (English)
HISTORY_FIGURES = re.compile(
    r'(\d+) cases picked: (\d+) sent, (\d+) in the mail queue, (\d+) to send, (\d+) personal contacts, '
    r'(\d+) invalid addresses, (\d+) refused or not reached by the mail server, (\d+) failed for another reason, '
    r'(\d+) cancelled')
FIGURE_FIELDS = ('case_count', 'sent_count', 'queued_count', 'pending_count', 'personal_count', 'invalid_count',
                 'failed_server_count', 'failed_other_count', 'cancel_count')


def wave_figures(wave):
    """The wave's counters as its form shows them now."""
    wave.invalidate_recordset()
    return {fname: wave[fname] for fname in FIGURE_FIELDS}


def assert_history_agrees(case, wave, title):
    """The newest history message of ``wave`` starting with ``title`` says the
    figures the wave's counters show now, and the figures add up to the cases
    picked. Returns the figures."""
    messages = wave.message_ids.filtered(lambda message: title in html2plaintext(message.body or ''))
    case.assertTrue(messages, f"the wave's history has a '{title}' message")
    found = HISTORY_FIGURES.search(html2plaintext(messages[0].body))
    case.assertTrue(found, messages[0].body)
    figures = wave_figures(wave)
    case.assertEqual(dict(zip(FIGURE_FIELDS, map(int, found.groups()), strict=True)), figures)
    case.assertEqual(figures['case_count'], sum(figures[fname] for fname in FIGURE_FIELDS[1:]),
                     "every picked case is in exactly one figure")
    return figures
