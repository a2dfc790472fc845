import { registry } from "@web/core/registry";

/**
 * The trainee. In eLearning (closure_trainee_course_*): opens the course the
 * plan assigned them, finishes a lesson and its quiz. In the back office
 * (closure_trainee_practice_*): tries a gated action (taking an A-tier case)
 * and is refused with the missing certification named, answers the daily
 * practice question, writes an answer to the reply coach and reads its
 * verdict. In the certification (closure_trainee_certification_*): answers
 * every question by the text of its right answer, wherever the attempt's
 * shuffled order puts it, and passes. Courses, lessons, questions and cases
 * are found by their names (data, in the trainee's language), the rest by
 * field and button names.
 */
const TEXTS = {
    en_US: {
        course: "Farewell Communication",
        lesson: "Empathy first",
        certification: "Closure Communication Certification",
        reply: "Sorry, the company is bankrupt, nothing we can do.",
        taboo: "bankrupt",
        notYet: "Not yet",
        quizAnswers: ["Acknowledge how the change affects the customer", "Empathy, solution, keep in touch"],
        // [question, its right answer]: clicked by text, the order of the answers is shuffled per attempt
        certificationAnswers: [
            ["A customer hears of the closure for the first time. Your first sentence?", "We understand this disrupts your plans, and we are sorry."],
            ["Which reason do notices give?", "The neutral reason written in the plan, e.g. a strategic adjustment"],
            ["Which sentence may a notice or a call use?", "Because of a strategic adjustment we will end this service; we have arranged an alternative for you."],
            ["The liquidation group was formed on 1 March. On 10 March a customer asks for their unused balance back. What do you do?", "Register it as a declared claim: nothing is paid during the declaration period; it is paid after it, in the order the liquidation plan sets."],
            ["The dissolution was decided on 1 March; the liquidation group is not formed yet. On 3 March a customer asks for a refund of their prepaid balance. The rule?", "The company still trades: pay within 15 days and before the group forms; if still unpaid when it forms, it becomes a declared claim."],
            ["A customer received the creditor notice on 10 May. Until when can they declare their claim?", "Until 9 June: 30 days after receiving the notice"],
            ["A customer never received a notice. When does their time to declare a claim end?", "45 days after the announcement"],
            ["An A-tier customer asks for priority in the founders' next venture. What may you promise?", "Only a privilege the plan records as offered and confirmed; nothing the company cannot deliver."],
            ["After the liquidation group is formed, an A-tier customer asks on which date their refund will be paid. You say:", "The claim is registered; it is paid after the declaration period, on the date the confirmed liquidation plan sets."],
            ["The contract does not mention refunds; the customer has an unused prepaid balance.", "The unused balance is refunded pro rata, under the plan's refund rules for the customer's regime."],
            ["An angry customer: what first?", "Listen, acknowledge, then solve the most pressing problem"],
            ["When do you follow up a complaint?", "Within 24 hours"],
            ["The customer declines every receiver. You...", "hand over no data to any receiver"],
            ["Under PIPL Art. 22 a transfer notice names...", "the recipient's name and contact details"],
            ["When may a receiver get the customer's contact details?", "After the customer's recorded, separate consent to that receiver"],
            ["Export and erasure: which order is right?", "Service ends, the export channel stays open after it, erasure follows on the set date once the claims are settled"],
            ["What does erasure keep?", "The posted accounting records, with the customer's name, tax ID and country"],
            ["On the planned erasure date, the customer's refund claim is still under review. What happens?", "Erasure waits until the customer's claims are settled"],
        ],
    },
    zh_CN: {
        course: "告别沟通",
        lesson: "先共情",
        certification: "注销沟通认证",
        reply: "公司倒闭了，我们也没办法。",
        taboo: "倒闭",
        notYet: "还不够好",
        quizAnswers: ["说出这一变化给客户带来的影响", "共情、方案、保持联系"],
        // [question, its right answer]: clicked by text, the order of the answers is shuffled per attempt
        certificationAnswers: [
            ["客户第一次听说公司注销。您的第一句话是？", "我们理解这会打乱您的计划，非常抱歉。"],
            ["通知中给出什么原因？", "计划中写明的中性原因，例如战略调整"],
            ["下列哪句话可以用在通知或电话中？", "由于战略调整，我们将结束这项服务，并已为您安排了替代方案。"],
            ["清算组已于3月1日成立。3月10日，一位客户要求退还未使用的余额。您怎么做？", "将其登记为已申报债权：申报期内不作任何清偿，申报期结束后按清算方案确定的顺序支付。"],
            ["公司于3月1日作出解散决定，清算组尚未成立。3月3日，一位客户要求退还预付余额。规则是什么？", "公司仍在经营：在15日内、且在清算组成立前退款；清算组成立时仍未支付的，转为已申报债权。"],
            ["客户于5月10日收到债权人通知。他们最晚何时可以申报债权？", "6月9日前：收到通知之日起30日内"],
            ["一位客户从未收到通知。他们申报债权的期限何时届满？", "公告之日起45日"],
            ["一位A类客户要求在创始人的下一个项目中享有优先权。您可以承诺什么？", "只能是计划中已记录并确认提供的权益；公司做不到的一律不承诺。"],
            ["清算组成立后，一位A类客户询问退款在哪一天支付。您回答：", "债权已登记；申报期结束后，在经确认的清算方案确定的日期支付。"],
            ["合同没有提到退款；客户还有未使用的预付余额。", "未使用的余额按比例退还，适用计划中该客户所处阶段的退款规则。"],
            ["面对愤怒的客户，首先做什么？", "倾听、认可感受，然后解决最紧迫的问题"],
            ["何时跟进投诉？", "24小时内"],
            ["客户拒绝了所有接收方。您应当……", "不向任何接收方移交任何数据"],
            ["根据《个人信息保护法》第二十二条，转移通知须写明……", "接收方的名称和联系方式"],
            ["接收方何时可以获得客户的联系方式？", "在客户对该接收方作出单独同意并已记录之后"],
            ["数据导出与删除：哪种顺序是正确的？", "服务结束，之后导出渠道仍然开放，债权处理完毕后在设定日期删除"],
            ["删除数据时保留什么？", "已过账的会计记录，包括客户名称、税号和国家"],
            ["到了计划删除日期，客户的退款债权仍在审核中。会怎样？", "删除推迟到客户的债权处理完毕之后"],
        ],
    },
};

/**
 * Answer the first or last question of the lesson's quiz by the text of its
 * answer, and make sure the answer is taken: a click that lands before the
 * quiz's widget handles it (the fullscreen player renders the lesson, then
 * starts the quiz) selects nothing, and the quiz would then refuse the
 * submission. Clicks again until the answer's radio is checked.
 */
function answerQuizStep(which, answer, content) {
    const question = `.o_wslides_js_lesson_quiz_question:${which}`;
    const findAnswer = () => {
        const questions = [...document.querySelectorAll(".o_wslides_js_lesson_quiz_question")];
        const current = which === "first" ? questions[0] : questions.at(-1);
        return current && [...current.querySelectorAll(".o_wslides_quiz_answer")].find(
            (el) => el.textContent.includes(answer));
    };
    return {
        content,
        trigger: `${question} .o_wslides_quiz_answer:contains("${answer}")`,
        async run(helpers) {
            for (let attempt = 0; attempt < 10; attempt++) {
                const element = findAnswer();
                if (element?.querySelector("input[type=radio]:checked")) {
                    return;
                }
                if (element) {
                    await helpers.click(element);
                }
                await new Promise((resolve) => setTimeout(resolve, 500));
            }
            throw new Error(`the answer "${answer}" is not taken`);
        },
    };
}

function courseSteps(texts) {
    return [
        {
            content: "the assigned course is listed: open it",
            trigger: `a:contains("${texts.course}")`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the trainee is a member: open the first lesson",
            trigger: `.o_wslides_course_main a:contains("${texts.lesson}")`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "open the lesson's quiz",
            trigger: `.o_wslides_fs_sidebar_list_item:has(.o_wslides_fs_slide_name:contains("${texts.lesson}")) .o_wslides_fs_slide_quiz`,
            run: "click",
        },
        answerQuizStep("first", texts.quizAnswers[0],
            "answer the first quiz question (the right answer is not always first)"),
        answerQuizStep("last", texts.quizAnswers[1],
            "answer the second quiz question"),
        {
            content: "submit the quiz",
            trigger: ".o_wslides_js_lesson_quiz_submit",
            run: "click",
        },
        {
            content: "the quiz is passed: karma won (or the quiz says why not)",
            trigger: ".o_wslides_quiz_modal_rank_motivational, .modal:contains(karma), .o_wslides_js_lesson_quiz:has(.o_wslides_quiz_success), .o_wslides_js_quiz_submit_error:not(.d-none)",
            // the answers are checked on the server, which also grants the karma and the course's progress
            timeout: 60000,
            run() {
                if (this.anchor.matches(".o_wslides_js_quiz_submit_error")) {
                    throw new Error(`the quiz refused the answers: ${this.anchor.textContent.trim()}`);
                }
            },
        },
    ];
}

function practiceSteps(texts) {
    return [
        {
            content: "the A-tier case without owner: take it",
            trigger: ".o_field_widget[name=user_id] input",
            run: "edit Trainee Tour",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Trainee Tour")',
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "refused, with the missing certification named",
            trigger: `.modal:contains("${texts.certification}")`,
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "discard the change",
            trigger: "body:not(:has(.modal)) .o_form_button_cancel",
            run: "click",
        },
        {
            content: "open My Daily Practice from the Training menu",
            trigger: '.o_main_navbar [data-menu-xmlid="closure_training.menu_closure_training"]',
            run: "click",
        },
        {
            trigger: '.o-dropdown--menu [data-menu-xmlid="closure_training.menu_closure_training_my_practice"]',
            run: "click",
        },
        {
            content: "today's question, first in the list",
            trigger: ".o_list_view .o_data_row:first td[name=scenario_id]",
            run: "click",
        },
        {
            content: "answer it",
            trigger: ".o_statusbar_buttons button[name=action_answer]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=option_id] input[type=radio]:first",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_submit]",
            run: "click",
        },
        {
            content: "answered: the result and the model answer are shown, the streak starts",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name=action_answer])) .o_field_widget[name=streak]:contains(1)",
        },
        {
            content: "back to the list",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "yesterday's open scenario: the reply coach",
            trigger: ".o_list_view .o_data_row:eq(1) td[name=scenario_id]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_answer]",
            run: "click",
        },
        {
            content: "write what you would say to the customer",
            trigger: ".modal .o_field_widget[name=answer_text] textarea",
            run: `edit ${texts.reply}`,
        },
        {
            trigger: ".modal button[name=action_submit]",
            run: "click",
        },
        {
            content: "the coach's verdict: the taboo phrase is found",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=taboo_phrases]:contains("${texts.taboo}")`,
        },
        {
            content: "and explained",
            trigger: `.o_field_widget[name=feedback]:contains("${texts.notYet}")`,
        },
    ];
}

function certificationSteps(texts) {
    return [
        {
            content: "start the certification",
            trigger: "button.btn.btn-primary.btn-lg",
            run: "click",
        },
        ...texts.certificationAnswers.map(([question, answer]) => ({
            content: `${question}: ${answer}`,
            trigger: `div.js_question-wrapper:contains("${question}") label:contains("${answer}")`,
            run: "click",
        })),
        {
            content: "submit",
            trigger: 'button[type="submit"][value="finish"]:not(.disabled)',
            run: "click",
        },
        {
            content: "the result page",
            trigger: ".o_survey_finished",
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_trainee_course_${lang}`, {
        url: "/slides",
        steps: () => courseSteps(texts),
    });
    registry.category("web_tour.tours").add(`closure_trainee_practice_${lang}`, {
        steps: () => practiceSteps(texts),
    });
    registry.category("web_tour.tours").add(`closure_trainee_certification_${lang}`, {
        steps: () => certificationSteps(texts),
    });
}
