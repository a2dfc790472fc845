import { registry } from "@web/core/registry";
import { browser } from "@web/core/browser/browser";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The closure manager goes from a new plan to its first notice wave by the
 * plan's own guidance, no URL typed: creates the plan, checks the computed
 * legal dates, starts it, then follows the steps shown on the plan (each
 * with its state) by the one primary button of the header: generate the
 * cases, compute the tiers, assign the receivers, a new notice wave for
 * tier B, sent and followed to the end; opens its invalid addresses, goes
 * back to the plan by the breadcrumb, downloads the claims register from the
 * gear menu and opens the plan's dashboard. Elements are found by menu
 * xmlids, field and button names and the test's data; dates and labels are
 * checked in the manager's language.
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
        done: "Done",
        todo: "To Do",
        blocked: "Blocked",
        invalid: "Invalid Address",
        claimsRegister: "Claims Register",
        firstCompute: "Compute the tiers first",
        firstCases: "Generate the cases first",
        generateCases: "Generate the Cases",
        notified: "0 of 5 customers notified, 1 waves",
        casesChart: "Cases by Stage and Tier",
    },
    zh_CN: {
        legal: "法定日期",
        done: "已完成",
        todo: "待办",
        blocked: "未就绪",
        invalid: "地址无效",
        claimsRegister: "债权登记表",
        firstCompute: "请先计算分级",
        firstCases: "请先生成案例",
        generateCases: "生成案例",
        notified: "5 位客户中已通知 0 位，共 1 个批次",
        casesChart: "按阶段和分级的案例",
    },
};

// the state of one step of the plan's guide, as its badge says it
function stepState(step, label) {
    return `.o_closure_guide tr[name=guide_${step}] .o_field_widget[name=guide_${step}_state]:contains("${label}")`;
}

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
            content: "start the plan (saves it): the only primary action of a draft plan",
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_start]",
            run: "click",
        },
        {
            content: "first step: the receivers that take this plan's customers",
            trigger: `${stepState("receivers", texts.todo)}`,
        },
        {
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_guide_receivers]",
            run: "click",
        },
        {
            content: "a receiver's capacity in this plan",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=partner_id] input",
            run: "edit Harbour IT",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Harbour IT)",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=capacity] input",
            run: "edit 5",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "saved; back to the plan by the breadcrumb",
            trigger: `.o_list_view:not(:has(.o_data_row.o_selected_row)) .o_breadcrumb .breadcrumb-item a:contains("${planName}")`,
            run: "click",
        },
        {
            content: "the steps: receivers are registered, the cases come next, the tiers wait for them",
            trigger: `${stepState("receivers", texts.done)}`,
        },
        {
            trigger: `${stepState("cases", texts.todo)}`,
        },
        {
            trigger: `${stepState("tiers", texts.blocked)}`,
        },
        {
            content: "the header shows the current step's action only: Generate Cases",
            trigger: ".o_statusbar_buttons:not(:has(button[name=action_start])):not(:has(button[name=action_guide_tiers])) button.btn-primary[name=action_generate_cases]",
        },
        {
            content: "a wave before the cases exist: the notices step's action",
            trigger: ".o_closure_guide tr[name=guide_notices] button[name=action_guide_new_wave]",
            run: "click",
        },
        {
            content: "it says what to do first, with the link: generate the cases",
            trigger: `.modal:contains("${texts.firstCases}") .modal-footer button.btn-primary:contains("${texts.generateCases}")`,
            run: "click",
        },
        {
            content: "five customers, five cases; the step is done",
            trigger: "body:not(:has(.modal)) .o-form-buttonbox .o_field_widget[name=case_count]:contains(5)",
        },
        {
            trigger: `${stepState("cases", texts.done)}`,
        },
        {
            content: "the notices wait for the tiers and say so",
            trigger: `.o_closure_guide tr[name=guide_notices] .o_field_widget[name=guide_notices_info]:contains("${texts.firstCompute}")`,
        },
        {
            content: "next step: compute the tiers",
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_guide_tiers]",
            run: "click",
        },
        {
            content: "tiered: the date is shown and the step is done",
            trigger: ".o_field_widget[name=tiered_date]:contains(20), .o_field_widget[name=tiered_date] input:value(20)",
        },
        {
            trigger: `${stepState("tiers", texts.done)}`,
        },
        {
            content: "next step: assign the receivers",
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_guide_assignment]",
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
            content: "assigned; next step: the first notice wave",
            trigger: `body:not(:has(.modal)) ${stepState("assignment", texts.done)}`,
        },
        {
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_guide_new_wave]",
            run: "click",
        },
        {
            content: "a new wave of the plan, for tier B",
            trigger: ".o_form_view .o_field_widget[name=tier] select",
            run: 'select "b"',
        },
        {
            trigger: ".o_form_view:has(.o_field_widget[name=tier]) .o_field_widget[name=name] input",
            run: `edit Tour Wave B ${lang}`,
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
            content: "back to the plan by the breadcrumb",
            trigger: `.o_breadcrumb .breadcrumb-item a:contains("${planName}")`,
            run: "click",
        },
        {
            content: "the notices step counts the wave",
            trigger: `.o_closure_guide .o_field_widget[name=guide_notices_info]:contains("${texts.notified}")`,
        },
        {
            content: "the registers are in the gear menu",
            trigger: ".o_form_view .o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "download the claims register: an XLSX file comes back",
            trigger: `.o-dropdown--menu .o_menu_item:contains("${texts.claimsRegister}")`,
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
                    throw new Error("the register menu item opened no download");
                }
                const response = await fetch(opened[0]);
                const type = response.headers.get("Content-Type") || "";
                if (!response.ok || !type.includes("spreadsheetml") || !(await response.blob()).size) {
                    throw new Error(`the register download failed: ${response.status} ${type}`);
                }
            },
        },
        {
            content: "still on the plan, no error: open its dashboard",
            trigger: "body:not(:has(.o_error_dialog)) .o-form-buttonbox button[name=action_dashboard]",
            run: "click",
        },
        {
            content: "the plan at a glance: its five cases",
            trigger: `.o_kanban_record:contains("${planName}") div[name=dashboard_cases]:contains(5)`,
        },
        {
            trigger: `.o_kanban_record:contains("${planName}") button[name=action_dashboard_cases]`,
            run: "click",
        },
        {
            content: "cases by stage and tier, as a chart",
            trigger: `.o_breadcrumb .active:contains("${texts.casesChart}")`,
        },
        {
            content: "the chart is drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
    ];
}

for (const lang of Object.keys(LABELS)) {
    registry.category("web_tour.tours").add(`closure_manager_${lang}`, {
        url: "/odoo",
        steps: () => managerSteps(texts(lang), lang),
    });
}
