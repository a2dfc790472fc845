/**
 * Steps the closure tours share.
 */

/**
 * Open the chatter's composer with its top-bar button (Send message or Log
 * note). The chatter may still be mounting (after a breadcrumb or a kanban
 * click): a click on a chatter being replaced opens nothing, so click again
 * until the composer is there.
 *
 * @param {string} button the button's class: "o-mail-Chatter-sendMessage" or "o-mail-Chatter-logNote"
 * @param {string} content what the step does, for the tour's log
 */
export function openChatterComposer(button, content) {
    const trigger = `.o-mail-Chatter-topbar button.${button}`;
    return {
        content,
        trigger,
        async run(helpers) {
            for (let attempt = 0; attempt < 10; attempt++) {
                if (document.querySelector(".o-mail-Chatter .o-mail-Composer-input")) {
                    return;
                }
                await helpers.click(trigger);
                await new Promise((resolve) => setTimeout(resolve, 1000));
            }
            throw new Error(`the composer did not open (${content})`);
        },
    };
}
