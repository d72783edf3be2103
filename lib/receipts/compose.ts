import MailComposer from "nodemailer/lib/mail-composer";
import { formatPrice } from "@/lib/catalog/views";

/** What a receipt says: one order, as the shopper bought it. */
export type ReceiptOrder = {
  orderId: string;
  saleId: string;
  productName: string;
  quantity: number;
  priceCents: number;
  orderedAt: Date;
};

/** The same Message-ID every time an order's receipt is built: a resend is the same message. */
export const receiptMessageId = (orderId: string, fromAddress: string) =>
  `<receipt.${orderId}@${fromAddress.split("@")[1] ?? "stampede.test"}>`;

export const orderUrl = (publicBaseUrl: string, o: { orderId: string; saleId: string }) =>
  new URL(`/orders/${o.orderId}?sale=${o.saleId}`, publicBaseUrl).toString();

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** The whole message (headers and a text and an HTML part), ready for the DATA command. */
export async function composeReceipt(
  o: ReceiptOrder,
  m: { from: string; to: string; messageId: string; publicBaseUrl: string },
): Promise<Buffer> {
  const total = formatPrice(o.priceCents * o.quantity);
  const link = orderUrl(m.publicBaseUrl, o);
  const when = o.orderedAt.toUTCString();
  const text = [
    `Thank you for your order.`,
    ``,
    `Order:    ${o.orderId}`,
    `Product:  ${o.productName}${o.quantity > 1 ? ` × ${o.quantity}` : ""}`,
    `Total:    ${total}`,
    `Ordered:  ${when}`,
    ``,
    `See your order: ${link}`,
  ].join("\n");
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#111;max-width:32rem">
<h1 style="font-size:1.25rem">Thank you for your order</h1>
<table style="border-collapse:collapse">
<tr><th scope="row" style="text-align:left;padding:.25rem 1rem .25rem 0">Order</th><td>${escapeHtml(o.orderId)}</td></tr>
<tr><th scope="row" style="text-align:left;padding:.25rem 1rem .25rem 0">Product</th><td>${escapeHtml(o.productName)}${o.quantity > 1 ? ` × ${o.quantity}` : ""}</td></tr>
<tr><th scope="row" style="text-align:left;padding:.25rem 1rem .25rem 0">Total</th><td>${escapeHtml(total)}</td></tr>
<tr><th scope="row" style="text-align:left;padding:.25rem 1rem .25rem 0">Ordered</th><td>${escapeHtml(when)}</td></tr>
</table>
<p><a href="${escapeHtml(link)}">See your order</a></p>
</body></html>`;
  return new MailComposer({
    from: m.from,
    to: m.to,
    subject: `Your order: ${o.productName}`,
    messageId: m.messageId,
    date: o.orderedAt,
    text,
    html,
  })
    .compile()
    .build();
}
