import { registry } from "@web/core/registry";
import { browser } from "@web/core/browser/browser";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The closure manager: creates a plan, checks the computed legal dates,
 * starts it, generates the cases, computes the tiers, runs the bulk receiver
 * assignment and reads its result, creates a notice wave for tier B, sends
 * it and follows it to the end, opens its invalid addresses and downloads the
 * claims register. Elements are found by menu xmlids, field and button names
 * and the test's data; dates and labels are checked in the manager's language.
 */
// decided today: every deadline of the plan (the data export one included) is
// still ahead, so its notices may be sent (computed when the tour starts)
function texts(lang) {
    const today = luxon.DateTime.now();
    const format = lang === "zh_CN" ? "yyyy年MM月dd日" : "MM/dd/yyyy";
    return {
        decision: today.toFormat(format),
        formed: today.plus({ days: 15 }).toFormat(format),
        ...LABELS[lang],
    };
}
const LABELS = {
    en_US: {
        legal: "Legal dates",
        assign: "Assign Receivers",
        invalid: "Invalid Address",
    },
    zh_CN: {
        legal: "法定日期",
        assign: "分配接收方",
        invalid: "地址无效",
    },
};

function managerSteps(texts, lang) {
    const planName = `Tour Plan ${lang}`;
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Closure app",
            trigger: '.o_app[data-menu-xmlid="closure_crm.menu_closure_root"]',
            run: "click",
        },
        {
            content: "open the plans",
            trigger: '.o_main_navbar [data-menu-xmlid="closure_crm.menu_closure_plans"]',
            run: "click",
        },
        {
            content: "create a plan",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: `edit ${planName}`,
        },
        {
            content: "the day the company decided to close",
            trigger: ".o_field_widget[name=decision_date] input",
            run: `edit ${texts.decision} && press Escape`,
        },
        {
            content: "the legal dates follow: the liquidation group 15 days later",
            trigger: `.o_form_sheet:has(.o_horizontal_separator:contains("${texts.legal}")) .o_field_widget[name=liquidation_formed_date] input:value("${texts.formed}")`,
        },
        {
            content: "start the plan (saves it)",
            trigger: ".o_statusbar_buttons button[name=action_start]",
            run: "click",
        },
        {
            content: "started: no Start button any more",
            trigger: ".o_statusbar_buttons:not(:has(button[name=action_start])) button[name=action_generate_cases]",
        },
        {
            content: "generate the cases",
            trigger: ".o_statusbar_buttons button[name=action_generate_cases]",
            run: "click",
        },
        {
            content: "five customers, five cases",
            trigger: ".o-form-buttonbox .o_field_widget[name=case_count]:contains(5)",
        },
        {
            content: "compute the tiers",
            trigger: ".o_statusbar_buttons button[name=action_compute_tiers]",
            run: "click",
        },
        {
            content: "tiered: the date is shown",
            trigger: ".o_field_widget[name=tiered_date]:contains(20), .o_field_widget[name=tiered_date] input:value(20)",
        },
        {
            content: "run the bulk receiver assignment",
            trigger: `.o_statusbar_buttons button:contains("${texts.assign}")`,
            run: "click",
        },
        {
            trigger: ".modal button[name=action_assign]",
            run: "click",
        },
        {
            content: "read its result: the five open cases were looked at",
            trigger: ".modal .o_field_widget[name=summary]:contains(5)",
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "the plan's notice waves",
            trigger: "body:not(:has(.modal)) .o-form-buttonbox button[name=action_view_notice_waves]",
            run: "click",
        },
        {
            content: "a new wave",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: `edit Tour Wave B ${lang}`,
        },
        {
            content: "for tier B",
            trigger: ".o_field_widget[name=tier] select",
            run: 'select "b"',
        },
        {
            content: "the plan is set from where the wave was created",
            trigger: `.o_field_widget[name=plan_id]:contains("${planName}"), .o_field_widget[name=plan_id] input:value("${planName}")`,
        },
        {
            content: "send it",
            trigger: ".o_statusbar_buttons button[name=action_send]",
            run: "click",
        },
        {
            content: "confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the wave is sent to the end: one notice in the mail queue, nothing left to send",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name=action_send])) .o-form-buttonbox .o_field_widget[name=queued_count]:contains(1)",
            timeout: 30000,
        },
        {
            content: "open the invalid addresses",
            trigger: ".o-form-buttonbox button[name=action_view_invalid]:has(.o_field_widget[name=invalid_count]:contains(1))",
            run: "click",
        },
        {
            content: "the customer without an address, with the filter named",
            trigger: `.o_control_panel:has(.o_facet_value:contains("${texts.invalid}")) ~ .o_content .o_data_row:contains("Tour ${lang} Mid 2")`,
        },
        {
            content: "back to the plan",
            trigger: '.o_main_navbar [data-menu-xmlid="closure_crm.menu_closure_plans"]',
            run: "click",
        },
        {
            trigger: `.o_data_row td[name=name]:contains("${planName}")`,
            run: "click",
        },
        {
            content: "download the claims register: an XLSX file comes back",
            trigger: ".o_statusbar_buttons button[name=action_export_register]:first",
            async run(helpers) {
                // the web client opens the download in a new tab, which the
                // headless browser does not keep: catch the URL, fetch it
                const opened = [];
                const open = browser.open;
                browser.open = (url) => opened.push(url);
                try {
                    await helpers.click();
                    for (let wait = 0; wait < 50 && !opened.length; wait++) {
                        await new Promise((resolve) => setTimeout(resolve, 200));
                    }
                } finally {
                    browser.open = open;
                }
                if (!opened.length) {
                    throw new Error("the register button opened no download");
                }
                const response = await fetch(opened[0]);
                const type = response.headers.get("Content-Type") || "";
                if (!response.ok || !type.includes("spreadsheetml") || !(await response.blob()).size) {
                    throw new Error(`the register download failed: ${response.status} ${type}`);
                }
            },
        },
        {
            content: "still on the plan, no error",
            trigger: `body:not(:has(.o_error_dialog)) .o_field_widget[name=name]:contains("${planName}"), body:not(:has(.o_error_dialog)) .o_field_widget[name=name] input:value("${planName}")`,
        },
    ];
}

for (const lang of Object.keys(LABELS)) {
    registry.category("web_tour.tours").add(`closure_manager_${lang}`, {
        url: "/odoo",
        steps: () => managerSteps(texts(lang), lang),
    });
}
