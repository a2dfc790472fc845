import { registry } from "@web/core/registry";

/**
 * The trainee. In eLearning (closure_trainee_course_*): opens the course the
 * plan assigned them, finishes a lesson and its quiz. In the back office
 * (closure_trainee_practice_*): tries a gated action (taking an A-tier case)
 * and is refused with the missing certification named, answers the daily
 * practice question, writes an answer to the reply coach and reads its
 * verdict. Courses, lessons and cases are found by their names (data, in
 * the trainee's language), the rest by field and button names.
 */
const TEXTS = {
    en_US: {
        course: "Farewell Communication",
        lesson: "Empathy first",
        certification: "Closure Communication Certification",
        reply: "Sorry, the company is bankrupt, nothing we can do.",
        taboo: "bankrupt",
        notYet: "Not yet",
    },
    zh_CN: {
        course: "告别沟通",
        lesson: "先共情",
        certification: "注销沟通认证",
        reply: "公司倒闭了，我们也没办法。",
        taboo: "倒闭",
        notYet: "还不够好",
    },
};

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
        {
            content: "answer the first quiz question (first answer)",
            trigger: ".o_wslides_js_lesson_quiz_question:first .list-group a:first",
            run: "click",
        },
        {
            content: "answer the second quiz question (first answer)",
            trigger: ".o_wslides_js_lesson_quiz_question:last .list-group a:first",
            run: "click",
        },
        {
            content: "submit the quiz",
            trigger: ".o_wslides_js_lesson_quiz_submit",
            run: "click",
        },
        {
            content: "the quiz is passed: karma won",
            trigger: ".o_wslides_quiz_modal_rank_motivational, .modal:contains(karma), .o_wslides_js_lesson_quiz:has(.o_wslides_quiz_success)",
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

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_trainee_course_${lang}`, {
        url: "/slides",
        steps: () => courseSteps(texts),
    });
    registry.category("web_tour.tours").add(`closure_trainee_practice_${lang}`, {
        steps: () => practiceSteps(texts),
    });
}
