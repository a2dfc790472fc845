import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { openChatterComposer } from "@closure_crm/../tests/tours/utils/chatter_util";

/**
 * The closure rep answers an angry customer: from the Closure menu, opens
 * the case, reads the customer's angry message, writes a reply saying
 * "公司已经倒闭了" (a taboo phrase), is warned (the phrase and the wording
 * to say instead), chooses Edit, rewrites the reply in the suggested wording
 * and sends it. The labels checked are the rep's language.
 */
const TEXTS = {
    en_US: {
        title: "Check the wording before it leaves",
        edit: "Edit the message",
    },
    zh_CN: {
        title: "发出前请检查措辞",
        edit: "修改消息",
    },
};
const CASE = "Tour Angry Customer";
const TABOO_REPLY = "非常抱歉，公司已经倒闭了，我们无法继续为您服务。";
const SUGGESTION = "由于战略调整，我们将终止本服务";
const CLEAN_REPLY = "非常抱歉给您带来不便。由于战略调整，我们将终止本服务，并已为您安排替代方案。";

function repTabooSteps(texts, lang) {
    const caseName = `${CASE} ${lang}`;
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Closure app",
            trigger: '.o_app[data-menu-xmlid="closure_crm.menu_closure_root"]',
            run: "click",
        },
        {
            content: "open the angry customer's case",
            trigger: `.o_kanban_renderer .o_kanban_record:contains("${caseName}")`,
            run: "click",
        },
        {
            content: "the customer's angry message is in the chatter",
            trigger: '.o-mail-Message:contains("unacceptable")',
        },
        openChatterComposer("o-mail-Chatter-sendMessage", "reply to the customer"),
        {
            content: "write a reply with a taboo phrase",
            trigger: ".o-mail-Chatter .o-mail-Composer-input",
            run: `edit ${TABOO_REPLY}`,
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "the warning names the phrase and the wording to say instead",
            trigger: `.modal:contains("${texts.title}") .modal-body:contains("倒闭"):contains("${SUGGESTION}")`,
        },
        {
            content: "edit the reply",
            trigger: `.modal .modal-footer button:contains("${texts.edit}")`,
            run: "click",
        },
        {
            content: "the reply was not sent and is still in the composer",
            trigger: `body:not(:has(.modal)) .o-mail-Chatter .o-mail-Composer-input`,
            run() {
                if (!this.anchor.value.includes("倒闭")) {
                    throw new Error("the text to edit is gone");
                }
                if ([...document.querySelectorAll(".o-mail-Message")].some((el) => el.textContent.includes("倒闭"))) {
                    throw new Error("the taboo reply was sent");
                }
            },
        },
        {
            content: "rewrite it in the suggested wording",
            trigger: ".o-mail-Chatter .o-mail-Composer-input",
            run: `edit ${CLEAN_REPLY}`,
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "the clean reply is in the chatter, with no warning",
            trigger: `body:not(:has(.modal)) .o-mail-Message:contains("${CLEAN_REPLY}")`,
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_rep_taboo_${lang}`, {
        url: "/odoo",
        steps: () => repTabooSteps(texts, lang),
    });
}
