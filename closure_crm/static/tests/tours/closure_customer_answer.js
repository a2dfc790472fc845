import { registry } from "@web/core/registry";

/**
 * The customer (public, no login) opens the answer link of a notice, picks
 * another receiver than the proposed one, ticks two data categories, asks for
 * the refund and a copy of the data, sends, sees the confirmation and the
 * recorded answer (kept at the top of the page, the form filled in as answered); a second answer (no transfer after all) changes it. Receivers are found by their
 * names (data), the rest by field names; the labels checked are the ones the
 * customer reads in their language.
 */
const TEXTS = {
    en_US: {
        thanks: "we have recorded your answer",
        section: "Who continues your service",
        refunded: "You asked for a refund on",
        copy: "You asked for a copy of your data on",
        noTransfer: "no transfer",
    },
    zh_CN: {
        thanks: "我们已记录您的答复",
        section: "谁来接续您的服务",
        refunded: "退款",
        copy: "申请数据副本",
        noTransfer: "不需要转交",
    },
};

function receiverChoice(name) {
    return `.o_closure_answer .form-check:has(strong:contains("${name}")) input[name=choice]`;
}

function answerSteps(lang) {
    const texts = TEXTS[lang];
    return [
        {
            content: "the page speaks the customer's language",
            trigger: `.o_closure_answer h2:contains("${texts.section}")`,
        },
        {
            content: "the proposed receiver is marked, the other one offered too",
            trigger: `.o_closure_answer .form-check:has(strong:contains("Harbour IT")) .badge`,
        },
        {
            content: "choose the other receiver",
            trigger: receiverChoice("Second Choice"),
            run: "check",
        },
        {
            content: "tick the first data category",
            trigger: ".o_closure_answer input[name=category_ids]:eq(0)",
            run: "check",
        },
        {
            content: "tick the second data category",
            trigger: ".o_closure_answer input[name=category_ids]:eq(1)",
            run: "check",
        },
        {
            content: "ask for the refund",
            trigger: ".o_closure_answer input#refund",
            run: "check",
        },
        {
            content: "ask for a copy of the data",
            trigger: ".o_closure_answer input#data_copy",
            run: "check",
        },
        {
            content: "send the answer",
            trigger: ".o_closure_answer form#closure_answer_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the confirmation",
            trigger: `.o_closure_answer .alert-success:contains("${texts.thanks}")`,
        },
        {
            content: "the recorded answer stays visible at the top: the chosen receiver",
            trigger: '.o_closure_answer #closure_recorded_answer li:contains("Second Choice")',
        },
        {
            content: "and the form keeps the choice",
            trigger: `${receiverChoice("Second Choice")}:checked`,
        },
        {
            content: "the recorded answer names the chosen receiver",
            trigger: '.o_closure_answer .alert-info:contains("Second Choice")',
        },
        {
            content: "the refund request is shown as recorded, no longer offered",
            trigger: `.o_closure_answer:not(:has(input#refund)) p:contains("${texts.refunded}")`,
        },
        {
            content: "the copy request is shown as recorded",
            trigger: `.o_closure_answer:not(:has(input#data_copy)) p:contains("${texts.copy}")`,
        },
        {
            content: "change the answer: no transfer after all",
            trigger: ".o_closure_answer input#choice_decline",
            run: "check",
        },
        {
            content: "send the second answer",
            trigger: ".o_closure_answer form#closure_answer_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the recorded answer is now: no transfer",
            trigger: `.o_closure_answer:has(.alert-success) .alert-info:contains("${texts.noTransfer}"):not(:contains("Second Choice"))`,
        },
        {
            content: "the answer at the top says it too",
            trigger: `.o_closure_answer #closure_recorded_answer:contains("${texts.noTransfer}"):not(:contains("Second Choice"))`,
        },
    ];
}

for (const lang of Object.keys(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_customer_answer_${lang}`, {
        steps: () => answerSteps(lang),
    });
}
