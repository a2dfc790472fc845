import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The admin: opens the tier A notice template in Odoo's mail template editor,
 * changes a sentence, saves, sees the new sentence in the rendered preview,
 * then adds a taboo phrase. The template is found by its name and its
 * sentence by its words, in the admin's language (editing in Chinese changes
 * the Chinese text of the template).
 */
const TEXTS = {
    en_US: {
        template: "Closure: Notice, Tier A (personal letter), B2B",
        sentence: "I am writing to you personally",
        newSentence: "Tour admin en_US: I write to you myself, before anyone else.",
        phraseLang: "en",
        taboo: "tour taboo en_US we give up",
    },
    zh_CN: {
        template: "注销：通知，A类（亲笔信），B2B",
        sentence: "我亲自给您写这封信",
        newSentence: "Tour admin zh_CN：我亲自写信告诉您。",
        phraseLang: "zh",
        taboo: "tour taboo zh_CN 我们不管了",
    },
};

function openConfigMenu(xmlid) {
    return [
        {
            trigger: '.o_main_navbar [data-menu-xmlid="closure_crm.menu_closure_config"]',
            run: "click",
        },
        {
            trigger: `.o-dropdown--menu [data-menu-xmlid="${xmlid}"]`,
            run: "click",
        },
    ];
}

function adminSteps(texts, lang) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Closure app",
            trigger: '.o_app[data-menu-xmlid="closure_crm.menu_closure_root"]',
            run: "click",
        },
        ...openConfigMenu("closure_crm.menu_closure_config_notice_templates"),
        {
            content: "open the tier A notice template",
            trigger: `.o_data_row td[name=name]:contains("${texts.template}")`,
            run: "click",
        },
        {
            content: "change a sentence in the editor",
            trigger: `.o_field_widget[name=body_html] .odoo-editor-editable p:contains("${texts.sentence}")`,
            run: `editor ${texts.newSentence}`,
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view:not(:has(.o_form_status_indicator .o_form_button_save:visible))",
        },
        {
            content: "preview the template",
            trigger: ".o_statusbar_buttons button.btn-primary:first",
            run: "click",
        },
        {
            content: "in the admin's language",
            trigger: ".modal .o_field_widget[name=lang] select",
            run: `select "${lang}"`,
        },
        {
            content: "the rendered preview has the new sentence",
            trigger: `.modal .o_field_widget[name=body_html]:contains("${texts.newSentence}")`,
        },
        {
            trigger: ".modal-header .btn-close",
            run: "click",
        },
        ...openConfigMenu("closure_crm.menu_closure_config_phrases"),
        {
            content: "list the phrases without grouping",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "the list is ungrouped (a grouped list would open a form)",
            trigger: ".o_list_renderer:not(:has(.o_group_header)) .o_data_row",
        },
        {
            content: "add a phrase",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "a taboo phrase",
            trigger: ".o_selected_row .o_field_widget[name=kind] select",
            run: 'select "taboo"',
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=lang] select",
            run: `select "${texts.phraseLang}"`,
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=name] input",
            run: `edit ${texts.taboo}`,
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "the phrase is in the list",
            trigger: `.o_data_row:not(.o_selected_row) td[name=name]:contains("${texts.taboo}")`,
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_admin_${lang}`, {
        url: "/odoo",
        steps: () => adminSteps(texts, lang),
    });
}
