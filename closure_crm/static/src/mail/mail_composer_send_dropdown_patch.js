import "@mail/chatter/web/mail_composer_send_dropdown"; // registers the widget patched here
import { patch } from "@web/core/utils/patch";
import { registry } from "@web/core/registry";

import { showTabooWarning } from "./taboo_warning";

/**
 * The full composer (mail.compose.message) on a closure case: once saved,
 * the wizard's closure_taboo_warning names the taboo phrases of the message
 * and the wording to use instead; "Send" then asks "Edit" or "Send anyway",
 * which ticks the wizard's closure_taboo_confirmed (recorded on the message).
 */
const { component: MailComposerSendDropdown } = registry
    .category("view_widgets")
    .get("mail_composer_send_dropdown");

patch(MailComposerSendDropdown.prototype, {
    async onClickSend() {
        const record = this.props.record;
        if (!("closure_taboo_warning" in record.data) || record.data.closure_taboo_confirmed) {
            return super.onClickSend(...arguments);
        }
        // the warning is computed by the server from the saved text
        if (!(await record.save())) {
            return;
        }
        if (!record.data.closure_taboo_warning) {
            return super.onClickSend(...arguments);
        }
        showTabooWarning(this.dialogService, record.data.closure_taboo_warning, async () => {
            await record.update({ closure_taboo_confirmed: true });
            await super.onClickSend();
        });
    },
});
