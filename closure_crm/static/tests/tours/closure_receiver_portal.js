import { registry } from "@web/core/registry";

/**
 * The receiving partner's portal user opens My Transfers, opens the customer
 * introduced to their company, reads the customer's consent, accepts and
 * reads what happens next (closure_receiver_accept_*); once the data is handed over, the data package
 * appears on the same page (closure_receiver_package_*). The customer is
 * found by name (data); the labels checked are the portal user's language
 * (the website adds its language prefix to the links: matched on their end).
 */
const TEXTS = {
    en_US: {
        transfers: "Customer Transfers",
        consent: "Customer's consent",
        accepted: "Receiver Accepted",
        package: "Data handed over",
        next: "What happens next",
        handedOver: "The customer's data is handed over to you.",
    },
    zh_CN: {
        transfers: "客户转移",
        consent: "客户的同意",
        accepted: "接收方已接受",
        package: "已移交的数据",
        next: "接下来",
        handedOver: "客户的数据已移交给您。",
    },
};

function openTransfer(texts) {
    return [
        {
            content: "open My Transfers from the portal home",
            trigger: `a[href$="/my/closure/transfers"]:contains("${texts.transfers}")`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "open the introduced customer",
            trigger: 'table a[href*="/my/closure/transfers/"]:contains("Portal Tour Customer")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the customer's consent is shown",
            trigger: `h5:contains("${texts.consent}") + p strong`,
        },
    ];
}

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`closure_receiver_accept_${lang}`, {
        steps: () => [
            ...openTransfer(texts),
            {
                content: "no data before the hand-over",
                trigger: "body:not(:has(.o_closure_transfer_package)) h4",
            },
            {
                content: "accept the customer",
                trigger: "form button[name=decision][value=accept]",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "the transfer shows as accepted, no answer asked any more",
                trigger: `body:not(:has(button[name=decision])) .badge:contains("${texts.accepted}")`,
            },
            {
                content: "the acceptance is confirmed, with what happens next",
                trigger: `.o_closure_transfer_next.alert-success:contains("${texts.next}")`,
            },
        ],
    });
    registry.category("web_tour.tours").add(`closure_receiver_package_${lang}`, {
        steps: () => [
            ...openTransfer(texts),
            {
                content: "the data package appears with the consented contact data",
                trigger: `.o_closure_transfer_package:has(h5:contains("${texts.package}")):contains("portal.tour@customer.example.com")`,
            },
            {
                content: "the page says the data is theirs now and what to do",
                trigger: `.o_closure_transfer_next:contains("${texts.handedOver}")`,
            },
            {
                content: "and its download link",
                trigger: '.o_closure_transfer_package a[href$="/package"]',
            },
        ],
    });
}
