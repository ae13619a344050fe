// Teaches the in-memory Stripe stand-in the catalog the database sells: one
// product per plan, its monthly/yearly per-seat prices, and the metered
// analyzed-minutes prices (monthly and yearly) with their billing meter. Run after every `up` (the
// stand-in forgets everything when it restarts); existing ids are skipped.
import postgres from "postgres";
import type { Instance } from "./config.ts";

export async function syncStripeCatalog(inst: Instance): Promise<number> {
  const sandbox = `http://127.0.0.1:${inst.ports.stripe}/_sandbox`;
  const have = await (await fetch(`${sandbox}/catalog`)).json() as { prices: { id: string }[]; meters: { event_name: string }[] };
  const priceIds = new Set(have.prices.map((p) => p.id));
  const meters = new Set(have.meters.map((m) => m.event_name));
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  let added = 0;
  try {
    const plans = await sql`select * from public.plans where active order by sort`;
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${sandbox}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`Stripe stand-in ${path}: ${r.status} ${await r.text()}`);
      await r.body?.cancel();
      added++;
    };
    for (const p of plans) {
      const product = { id: `prod_${p.key}`, name: `SalesPulse ${p.name}` };
      for (const [id, cents, interval] of [
        [p.stripe_price_monthly, p.price_monthly_cents, "month"],
        [p.stripe_price_yearly, p.price_yearly_cents, "year"],
      ] as const) {
        if (id && !priceIds.has(id)) {
          await post("prices", { id, product, unit_amount: cents, currency: "usd", recurring: { interval }, lookup_key: id });
          priceIds.add(id);
        }
      }
      // The metered overage, per interval: Stripe refuses a subscription mixing intervals.
      for (const [id, interval] of [[p.stripe_price_metered, "month"], [p.stripe_price_metered_yearly, "year"]] as const) {
        if (!id || priceIds.has(id)) continue;
        const event = p.stripe_meter_event ?? "analyzed_minutes";
        if (!meters.has(event)) {
          await post("meters", { event_name: event, display_name: "Analyzed call minutes", formula: "sum" });
          meters.add(event);
        }
        await post("prices", {
          id,
          product: { id: `prod_${p.key}_minutes`, name: `SalesPulse ${p.name} analyzed minutes` },
          unit_amount: p.key === "pro" ? 1 : 2,
          currency: "usd",
          recurring: { interval, usage_type: "metered", meter: event },
        });
        priceIds.add(id);
      }
    }
  } finally {
    await sql.end();
  }
  return added;
}
