import { _t } from "@web/core/l10n/translation";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";

/**
 * The warning shown before a staff member sends a closure case's customer a
 * message holding a taboo phrase of the handbook: each phrase and what to
 * say instead, "Edit" (the default: back to the text) or "Send anyway"
 * (the server records the confirmation on the message).
 *
 * @param {Object} dialogService
 * @param {string} body the phrases found and the wording to use, one per line
 * @param {Function} sendAnyway called on "Send anyway"
 * @param {Function} [edit] called on "Edit", Escape or the close button
 */
export function showTabooWarning(dialogService, body, sendAnyway, edit = () => {}) {
    dialogService.add(ConfirmationDialog, {
        title: _t("Check the wording before it leaves"),
        body: `${body}\n\n${_t(
            "Customers read every word: edit the message, or send it as it is (your confirmation is recorded for procedure compliance)."
        )}`,
        // the safe choice is the main button; closing the dialog is editing too
        confirmLabel: _t("Edit the message"),
        confirm: edit,
        cancelLabel: _t("Send anyway"),
        cancel: sendAnyway,
        dismiss: edit,
    });
}

/**
 * @param {{phrase: string, suggestion: string}[]} hits from closure.phrase.check_text
 * @returns {string}
 */
export function tabooHitsText(hits) {
    return hits
        .map((hit) =>
            _t('Taboo phrase "%(phrase)s": say instead "%(suggestion)s".', {
                phrase: hit.phrase,
                suggestion: hit.suggestion,
            })
        )
        .join("\n");
}
