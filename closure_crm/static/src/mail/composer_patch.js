import { Composer } from "@mail/core/common/composer";
import { toRaw } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";

import { showTabooWarning, tabooHitsText } from "./taboo_warning";

/**
 * The chatter's composer on a closure case: before a message (not a note)
 * goes to the customer, its text is checked for taboo phrases
 * (closure.phrase.check_text); if it holds one, a warning names it with the
 * wording to use instead, and the message is sent only on "Send anyway",
 * which tells the server (context key closure_taboo_confirmed) so the
 * confirmation is recorded on the message. The server refuses the message
 * without it whatever the client does.
 */
patch(Composer.prototype, {
    async sendMessage() {
        const composer = toRaw(this.props.composer);
        const thread = toRaw(this.thread);
        if (
            this.closureTabooConfirmed ||
            composer.message ||
            this.props.type === "note" ||
            thread?.model !== "crm.lead" ||
            !thread.id ||
            !composer.text.trim()
        ) {
            return super.sendMessage(...arguments);
        }
        const hits = await this.env.services.orm.call("closure.phrase", "check_text", [
            composer.text,
            thread.model,
            thread.id,
        ]);
        if (!hits.length) {
            return super.sendMessage(...arguments);
        }
        showTabooWarning(
            this.env.services.dialog,
            tabooHitsText(hits),
            async () => {
                this.closureTabooConfirmed = true;
                try {
                    await super.sendMessage();
                } finally {
                    this.closureTabooConfirmed = false;
                }
            },
            () => {
                composer.autofocus++;
            }
        );
    },

    async _sendMessage(value, postData, extraData) {
        if (this.closureTabooConfirmed) {
            extraData = {
                ...extraData,
                context: { ...extraData?.context, closure_taboo_confirmed: true },
            };
        }
        return super._sendMessage(value, postData, extraData);
    },
});
