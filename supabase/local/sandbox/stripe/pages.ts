// The pages a browser visits: hosted Checkout, the Billing Portal and hosted invoices.
import { SandboxError } from "../kernel/control.ts";
import { completeCheckout } from "./checkout.ts";
import { money } from "./lists.ts";
import { invalid, type Json, StripeApiError } from "./params.ts";
import { AUTOMATIC } from "./specs.ts";
import type { StripeState } from "./state.ts";
import { cancelSubscription, updateSubscription } from "./subscriptions.ts";

// --- HTML pages --------------------------------------------------------------------------------

export const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function page(title: string, body: string, status = 200): Response {
  return new Response(
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Stripe stand-in</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1f36}
.test{display:inline-block;background:#ffde92;color:#a04e00;border-radius:4px;padding:0 .4rem;font-size:.8rem;font-weight:600}
table{width:100%;border-collapse:collapse;margin:1rem 0}td{padding:.35rem 0;border-bottom:1px solid #e3e8ee}
td.amount{text-align:right}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}
button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}form{margin:1rem 0}
fieldset{border:1px solid #e3e8ee;border-radius:6px;margin:1rem 0}label{display:block;margin:.4rem 0}
</style></head>
<body><p><span class="test">TEST MODE</span> Stripe stand-in</p>
${body}
</body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

const formOf = async (req: Request) => new URLSearchParams(await req.text());
const redirect = (location: string) => new Response(null, { status: 303, headers: { location } });

function linesTable(items: { name: string; detail: string; amount: string }[], total?: string) {
  return `<table>${
    items.map((i) =>
      `<tr><td>${esc(i.name)}<br><small>${esc(i.detail)}</small></td><td class="amount">${
        esc(i.amount)
      }</td></tr>`
    ).join("")
  }${
    total
      ? `<tr><td><strong>Total due today</strong></td><td class="amount"><strong>${
        esc(total)
      }</strong></td></tr>`
      : ""
  }</table>`;
}

export async function pages(state: StripeState, req: Request, url: URL): Promise<Response | null> {
  const path = url.pathname;
  let m: RegExpExecArray | null;
  if ((m = /^\/checkout\/([^/]+)$/.exec(path)) && req.method === "GET") {
    const s = state.checkoutSessions.get(m[1]);
    if (!s) {
      return page(
        "Not found",
        "<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>",
        404,
      );
    }
    if (s.status !== "open") {
      return page(
        "Done",
        `<h1>You're all done here</h1><p>This Checkout Session is ${esc(s.status)}.</p>`,
        410,
      );
    }
    const extras = state.checkoutExtras.get(s.id)!;
    const trialDays = extras.subscriptionData.trial_period_days;
    const customer = s.customer ? state.customers.get(s.customer) : null;
    const items = extras.lineItems.map((li) => ({
      name: li.description,
      detail: li.price.recurring.usage_type === "metered"
        ? `Billed by usage, ${money(li.price.unit_amount, li.currency)} per unit`
        : `Qty ${li.quantity}, billed ${li.price.recurring.interval}ly`,
      amount: li.price.recurring.usage_type === "metered"
        ? "—"
        : money(li.amount_total, li.currency),
    }));
    return page(
      "Checkout",
      `<h1>Subscribe</h1>
${trialDays ? `<p>${trialDays}-day free trial</p>` : ""}
${linesTable(items, money(s.amount_total, s.currency))}
<form method="post" action="/checkout/${esc(s.id)}/complete">
${
        customer
          ? `<p>Paying as ${esc(customer.email ?? customer.id)}</p>`
          : `<label>Email <input type="email" name="email" value="${
            esc(s.customer_email ?? "")
          }" required></label>
<label>Name <input type="text" name="name"></label>`
      }
<p><small>Card 4242 4242 4242 4242 (the stand-in charges nothing)</small></p>
<button type="submit">${trialDays ? "Start trial" : "Pay"}</button>
</form>
${s.cancel_url ? `<p><a href="${esc(s.cancel_url)}">← Back</a></p>` : ""}`,
    );
  }
  if ((m = /^\/checkout\/([^/]+)\/complete$/.exec(path)) && req.method === "POST") {
    const s = state.checkoutSessions.get(m[1]);
    if (!s) return page("Not found", "<h1>Something went wrong</h1>", 404);
    try {
      completeCheckout(state, s, await formOf(req));
    } catch (e) {
      if (e instanceof SandboxError) {
        return page(
          "Checkout",
          `<h1>Payment not completed</h1><p>${esc(e.message)}</p>`,
          e.status,
        );
      }
      throw e;
    }
    return s.success_url
      ? redirect(s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id))
      : page("Done", "<h1>Thanks for your order</h1>");
  }
  if ((m = /^\/portal\/([^/]+)(?:\/(update|cancel))?$/.exec(path))) {
    const ps = state.portalSessions.get(m[1]);
    if (!ps) return page("Not found", "<h1>Something went wrong</h1>", 404);
    if (m[2] && req.method === "POST") {
      const form = await formOf(req);
      const sub = state.subscriptions.get(form.get("subscription") ?? "");
      if (!sub || sub.customer !== ps.customer) {
        return page("Portal", "<h1>Subscription not found</h1>", 404);
      }
      try {
        if (m[2] === "update") {
          const item = sub.items.data.find((i: Json) => i.price.recurring.usage_type !== "metered");
          if (!item) throw invalid("This subscription has no plan to change.");
          const itemParams: Json = { id: item.id };
          if (form.get("price")) itemParams.price = form.get("price");
          if (form.get("quantity")) itemParams.quantity = form.get("quantity");
          updateSubscription(state, sub, {
            items: [itemParams],
            proration_behavior: "create_prorations",
          }, AUTOMATIC);
        } else if (form.get("mode") === "immediately") {
          cancelSubscription(state, sub, {}, AUTOMATIC);
        } else if (form.get("mode") === "renew") {
          updateSubscription(state, sub, { cancel_at_period_end: "false" }, AUTOMATIC);
        } else {
          updateSubscription(state, sub, { cancel_at_period_end: "true" }, AUTOMATIC);
        }
      } catch (e) {
        if (e instanceof StripeApiError) {
          return page("Portal", `<h1>Could not update</h1><p>${esc(e.message)}</p>`, 400);
        }
        throw e;
      }
      return redirect(`/portal/${ps.id}?updated=1`);
    }
    if (req.method !== "GET") return null;
    const customer = state.customers.get(ps.customer);
    const subs = [...state.subscriptions.values()].filter((s) =>
      s.customer === ps.customer && s.status !== "canceled"
    );
    const plans = [...state.prices.values()].filter((p) =>
      p.active && p.type === "recurring" && p.recurring.usage_type === "licensed"
    );
    const section = (s: Json) => {
      const item = s.items.data.find((i: Json) => i.price.recurring.usage_type !== "metered");
      const renews = new Date(s.current_period_end * 1000).toISOString().slice(0, 10);
      return `<fieldset><legend>${esc(s.id)} · ${esc(s.status)}</legend>
<p>${
        s.cancel_at
          ? `Cancels on ${esc(new Date(s.cancel_at * 1000).toISOString().slice(0, 10))}`
          : `Renews on ${esc(renews)}`
      }</p>
${
        item
          ? `<form method="post" action="/portal/${esc(ps.id)}/update">
<input type="hidden" name="subscription" value="${esc(s.id)}">
<label>Plan <select name="price">${
            plans.filter((p) => p.currency === s.currency).map((p) =>
              `<option value="${esc(p.id)}"${p.id === item.price.id ? " selected" : ""}>${
                esc(state.products.get(p.product)?.name ?? p.id)
              } — ${esc(money(p.unit_amount, p.currency))} / ${esc(p.recurring.interval)}</option>`
            ).join("")
          }</select></label>
<label>Seats <input type="number" name="quantity" min="1" value="${esc(item.quantity)}"></label>
<button type="submit">Update plan</button></form>`
          : ""
      }
<form method="post" action="/portal/${esc(ps.id)}/cancel">
<input type="hidden" name="subscription" value="${esc(s.id)}">
${
        s.cancel_at_period_end
          ? `<input type="hidden" name="mode" value="renew"><button type="submit" class="secondary">Renew plan</button>`
          : `<label><input type="radio" name="mode" value="at_period_end" checked> At the end of the period</label>
<label><input type="radio" name="mode" value="immediately"> Immediately</label>
<button type="submit" class="secondary">Cancel plan</button>`
      }
</form></fieldset>`;
    };
    return page(
      "Billing portal",
      `<h1>Billing</h1><p>${esc(customer?.email ?? ps.customer)}</p>
${url.searchParams.get("updated") ? "<p><strong>Your plan was updated.</strong></p>" : ""}
${subs.length ? subs.map(section).join("") : "<p>No active subscriptions.</p>"}
${ps.return_url ? `<p><a href="${esc(ps.return_url)}">← Return</a></p>` : ""}`,
    );
  }
  if ((m = /^\/invoices\/([^/]+)(?:\/(pay|pdf))?$/.exec(path))) {
    const inv = state.invoices.get(m[1]);
    if (!inv) return page("Not found", "<h1>Invoice not found</h1>", 404);
    if (m[2] === "pay" && req.method === "POST") {
      if (inv.status === "open") state.payInvoice(inv, AUTOMATIC);
      return redirect(`/invoices/${inv.id}`);
    }
    if (req.method !== "GET") return null;
    return page(
      `Invoice ${inv.number}`,
      `<h1>Invoice ${esc(inv.number)}</h1><p>Status: <strong>${esc(inv.status)}</strong></p>
${
        linesTable(
          inv.lines.data.map((l: Json) => ({
            name: l.description,
            detail: "",
            amount: money(l.amount, l.currency),
          })),
          money(inv.amount_due, inv.currency),
        )
      }
${
        inv.status === "open"
          ? `<form method="post" action="/invoices/${
            esc(inv.id)
          }/pay"><button type="submit">Pay</button></form>`
          : ""
      }`,
    );
  }
  return null;
}
