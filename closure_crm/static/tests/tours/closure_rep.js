import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { openChatterComposer } from "@closure_crm/../tests/tours/utils/chatter_util";

/**
 * The closure rep: from the Closure menu, finds their A-tier case in the
 * kanban grouped by tier, sees the closure work at the top of the case (no
 * Won / Lost), reads its obligations and dates, asks for receiver
 * suggestions, picks the first one (score parts shown), records the
 * customer's phone consent with two data categories and logs the call.
 * Elements are found by menu xmlids, field and button names and the test's
 * data; the labels checked are the rep's language.
 */
const TEXTS = {
    en_US: {
        tier: "Tier",
        badge: "Tier A: personal contact",
        closureTab: "Closure",
    },
    zh_CN: {
        tier: "分级",
        badge: "A类：专人联系",
        closureTab: "注销",
    },
};
const CASE = "Tour Tier A Customer";

function repSteps(texts, lang) {
    const caseName = `${CASE} ${lang}`;
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Closure app",
            trigger: '.o_app[data-menu-xmlid="closure_crm.menu_closure_root"]',
            run: "click",
        },
        {
            content: "the case pipeline shows the rep's case",
            trigger: `.o_kanban_renderer .o_kanban_record:contains("${caseName}")`,
        },
        {
            content: "open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "group by tier",
            trigger: `.o_group_by_menu .o_menu_item:contains("${texts.tier}")`,
            run: "click",
        },
        {
            content: "the case is in the A column: open it",
            trigger: `.o_kanban_group:has(.o_column_title:contains("A")) .o_kanban_record:contains("${caseName}")`,
            run: "click",
        },
        {
            content: "the form says it is an A-tier case",
            trigger: `.o_form_view .badge:contains("${texts.badge}")`,
        },
        {
            content: "the closure work leads the form; no Won / Lost, no expected revenue",
            trigger:
                ".o_form_view:not(:has(button[name=action_set_won_rainbowman])):not(:has(.o_field_widget[name=expected_revenue])) " +
                "div[name=closure_work] .o_field_widget[name=closure_next_deadline]",
        },
        {
            content: "open the Closure tab",
            trigger: `.o_notebook a.nav-link[name=closure]:contains("${texts.closureTab}")`,
            run: "click",
        },
        {
            content: "its obligations",
            trigger: '.o_field_widget[name=closure_obligation_ids] .o_data_row:contains("Prepaid card")',
        },
        {
            content: "its claim deadline",
            trigger: '.o_field_widget[name=closure_claim_deadline]:contains("20")',
        },
        {
            content: "ask for receiver suggestions",
            trigger: ".o_statusbar_buttons button[name=action_closure_suggest_receivers]",
            run: "click",
        },
        {
            content: "the first suggestion with its score parts",
            trigger: ".modal .o_data_row:first:has(td[name=score_industry]:contains(30)):has(td[name=score_region]:contains(20))",
        },
        {
            content: "pick it",
            trigger: ".modal .o_data_row:first button[name=action_pick]",
            run: "click",
        },
        {
            content: "the transfer is proposed",
            trigger: 'body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value="proposed"]',
        },
        {
            content: "record the customer's answer: accepts",
            trigger: ".o_statusbar_buttons button[name=action_record_consent]:first",
            run: "click",
        },
        {
            content: "answered on the phone",
            trigger: ".modal .o_field_widget[name=channel] select",
            run: 'select "phone"',
        },
        {
            content: "first data category",
            trigger: ".modal .o_field_widget[name=data_category_ids] input[type=checkbox]:eq(0)",
            run: "check",
        },
        {
            content: "second data category",
            trigger: ".modal .o_field_widget[name=data_category_ids] input[type=checkbox]:eq(1)",
            run: "check",
        },
        {
            content: "who said what",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: `edit Tour call ${lang}: the customer agrees on the phone.`,
        },
        {
            content: "save the consent",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "the transfer shows the customer's yes",
            trigger: 'body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value="customer_accepted"]',
        },
        {
            content: "back to the case",
            trigger: `.o_breadcrumb .breadcrumb-item a:contains("${caseName}")`,
            run: "click",
        },
        openChatterComposer("o-mail-Chatter-logNote", "log the call in the chatter"),
        {
            trigger: ".o-mail-Chatter .o-mail-Composer-input",
            run: `edit Tour call note ${lang}: called, the customer agrees to the transfer.`,
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "the call is in the chatter",
            trigger: `.o-mail-Message:contains("Tour call note ${lang}")`,
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_rep_${lang}`, {
        url: "/odoo",
        steps: () => repSteps(texts, lang),
    });
}
