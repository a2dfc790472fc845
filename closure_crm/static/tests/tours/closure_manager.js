import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The closure manager: creates a plan, checks the computed legal dates,
 * starts it, generates the cases, computes the tiers, runs the bulk receiver
 * assignment and reads its result, creates a notice wave for tier B, sends
 * it and follows it to the end, opens its invalid addresses and downloads the
 * claims register. Elements are found by menu xmlids, field and button names
 * and the test's data; dates and labels are checked in the manager's language.
 */
const TEXTS = {
    en_US: {
        decision: "06/01/2026",
        formed: "06/16/2026",
        legal: "Legal dates",
        assign: "Assign Receivers",
        invalid: "Invalid Address",
    },
    zh_CN: {
        decision: "2026年06月01日",
        formed: "2026年06月16日",
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
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="in_progress"]',
        },
        {
            content: "generate the cases",
            trigger: ".o_statusbar_buttons button[name=action_generate_cases]",
            run: "click",
        },
        {
            content: "five customers, five cases",
            trigger: ".oe_button_box .o_field_widget[name=case_count]:contains(5)",
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
            trigger: "body:not(:has(.modal)) .oe_button_box button[name=action_view_notice_waves]",
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
            content: "the wave is sent to the end",
            trigger: 'body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value="done"]',
            timeout: 30000,
        },
        {
            content: "one notice sent",
            trigger: ".oe_button_box .o_field_widget[name=sent_count]:contains(1)",
        },
        {
            content: "open the invalid addresses",
            trigger: ".oe_button_box button[name=action_view_invalid]:has(.o_field_widget[name=invalid_count]:contains(1))",
            run: "click",
        },
        {
            content: "the customer without an address, with the filter named",
            trigger: `.o_control_panel:has(.o_facet_value:contains("${texts.invalid}")) ~ .o_content .o_data_row:contains("Tour ${lang} Mid 2")`,
        },
        {
            content: "back to the plan",
            trigger: `.o_breadcrumb .breadcrumb-item a:contains("${planName}")`,
            run: "click",
        },
        {
            content: "download the claims register",
            trigger: ".o_statusbar_buttons button[name=action_export_register]:first",
            run: "click",
        },
        {
            content: "still on the plan, no error",
            trigger: `body:not(:has(.o_error_dialog)) .o_field_widget[name=name]:contains("${planName}"), body:not(:has(.o_error_dialog)) .o_field_widget[name=name] input:value("${planName}")`,
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_manager_${lang}`, {
        url: "/odoo",
        steps: () => managerSteps(texts, lang),
    });
}
