// Billing (owners/admins): the current plan and its status, usage against the
// plan's limits, the plans on sale (Stripe Checkout), the Billing Portal,
// paid seats, the model for call analysis, the latest invoice — and the return from Checkout, where the
// page polls until the webhook has moved the organization to the new plan.
import { useBudgetStatus } from "../api/getBudgetStatus";
import { useEffect, useRef, useState } from "react";
import { useRouter } from "../../../lib/router";
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtMoney, fmtNum } from "../../../lib/format";
import { type Entitlements, useEntitlements } from "../../../lib/queries/entitlements";
import { type Invoice, useInvoices } from "../api/getInvoices";
import { type Plan, usePlans } from "../api/getPlans";
import { isRunning, type Subscription, useSubscription } from "../api/getSubscription";
import { useOpenBillingPortal } from "../api/openBillingPortal";
import { CHECKOUT_KEY, useStartCheckout } from "../api/startCheckout";
import { useUpdateSeats } from "../api/updateSeats";
import { AnalysisModel } from "./AnalysisModel";

const POLL_MS = 2_000;
const POLL_FOR_MS = 30_000;
const DAY = 86_400_000;

const STATUS: Record<string, { label: string; tone: "good" | "warn" | "bad" | "" }> = {
  none: { label: "No subscription", tone: "" },
  trialing: { label: "Trial", tone: "good" },
  active: { label: "Active", tone: "good" },
  past_due: { label: "Past due", tone: "bad" },
  canceled: { label: "Canceled", tone: "" },
  unpaid: { label: "Unpaid", tone: "bad" },
  incomplete: { label: "Incomplete", tone: "warn" },
  incomplete_expired: { label: "Expired", tone: "" },
  paused: { label: "Paused", tone: "warn" },
};

const FEATURES: Record<string, string> = {
  call_insights: "Call insights",
  coaching: "Coaching",
  sims: "Sales role-play SIMs",
  voice: "Voice role-play",
};

const usd = (cents: number) =>
  new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(
    Math.round(cents) / 100,
  );
const fmtDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" }) : "—");

export function BillingPage({ redirect = (url: string) => window.location.assign(url) }: {
  /** Where Checkout and the Portal are opened (tests observe it). */
  redirect?: (url: string) => void;
}) {
  const { orgId, isAdmin } = useOrg();
  if (!isAdmin) {
    return <EmptyState title="Owners and admins only">Ask an owner or admin of your organization about its plan and billing.</EmptyState>;
  }
  return <BillingScreen key={orgId} orgId={orgId} redirect={redirect} />;
}

/** Near the budget cap staff set, analyses use a cheaper model: say so. */
function BudgetNotice({ orgId }: { orgId: string }) {
  const budget = useBudgetStatus(orgId);
  const n = budget.data?.notice;
  if (!n) return null;
  return (
    <Banner kind="warning">
      <span data-testid="budget-notice">
        This month's provider costs reached ${n.spent_usd} of your ${n.cap_usd} budget: calls are now analyzed with {n.model}.
      </span>
    </Banner>
  );
}

/** The plan a Checkout started from this browser is buying (for this organization), if known. */
function checkoutTarget(orgId: string): string | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(CHECKOUT_KEY) ?? "null") as { orgId?: string; plan?: string } | null;
    return v?.orgId === orgId && v.plan ? v.plan : null;
  } catch {
    return null;
  }
}

/**
 * After `?checkout=success`: poll every 2 s, for at most 30 s, until the
 * entitlements show the plan bought (or, when unknown, any other plan than
 * the one seen first).
 */
function useCheckoutWatch(orgId: string, returned: boolean) {
  const [target] = useState(() => (returned ? checkoutTarget(orgId) : null));
  const [timedOut, setTimedOut] = useState(false);
  const first = useRef<string | null>(null);
  useEffect(() => {
    if (!returned) return;
    const t = setTimeout(() => setTimedOut(true), POLL_FOR_MS);
    return () => clearTimeout(t);
  }, [returned]);
  const arrivedFor = (plan: string | undefined) => {
    if (!plan) return false;
    if (first.current === null) first.current = plan;
    return target ? plan === target : plan !== first.current;
  };
  return { returned, timedOut, arrivedFor };
}

function BillingScreen({ orgId, redirect }: { orgId: string; redirect: (url: string) => void }) {
  const { location, navigate } = useRouter();
  // Once the plan has arrived, ?checkout=success leaves the URL (a reload
  // must not wait for it again); the success message stays for this visit.
  const [arrivedPlan, setArrivedPlan] = useState<string | null>(null);
  const checkout = location.search.get("checkout");
  const watch = useCheckoutWatch(orgId, checkout === "success");
  const [polling, setPolling] = useState(watch.returned);
  const ent = useEntitlements(orgId, { refetchInterval: polling ? POLL_MS : false });
  const sub = useSubscription(orgId);
  const plans = usePlans();
  const portal = useOpenBillingPortal(orgId, redirect);
  const arrived = watch.returned && ent.data !== undefined && watch.arrivedFor(ent.data.plan);
  const refetchSub = sub.refetch;
  const invoices = useInvoices(orgId);
  const refetchInvoices = invoices.refetch;

  useEffect(() => {
    if (!polling) return;
    if (arrived || watch.timedOut) {
      setPolling(false);
      if (arrived) {
        try {
          sessionStorage.removeItem(CHECKOUT_KEY);
        } catch { /* nothing to clean */ }
        void refetchSub();
        void refetchInvoices();
        setArrivedPlan(ent.data?.plan_name ?? null);
        navigate("/app/billing", { replace: true });
      }
    }
  }, [polling, arrived, watch.timedOut, refetchSub, refetchInvoices, ent.data?.plan_name, navigate]);

  if (ent.isPending) return <Spinner label="Loading billing…" />;
  if (ent.isError) return <ErrorState error={ent.error} onRetry={() => ent.refetch()} />;
  const e = ent.data;
  const s = sub.data ?? null;
  const hasCustomer = Boolean(s?.stripe_customer_id);
  const manage = (label = "Manage billing") => (
    <button type="button" className="secondary" disabled={portal.isPending} onClick={() => portal.mutate()}>
      {portal.isPending ? "Opening…" : label}
    </button>
  );
  const pastDue = e.status === "past_due";
  const trialDays = e.status === "trialing" && e.trial_end ? Math.ceil((Date.parse(e.trial_end) - Date.now()) / DAY) : null;

  return (
    <>
      <div className="bill-head">
        <h1>Billing</h1>
        {hasCustomer && !pastDue && manage()}
      </div>

      <BudgetNotice orgId={orgId} />
      {arrivedPlan && <Banner kind="success">Payment received — you are now on the {arrivedPlan} plan.</Banner>}
      {checkout === "success" && !arrivedPlan && (
        arrived
          ? <Banner kind="success">Payment received — you are now on the {e.plan_name} plan.</Banner>
          : watch.timedOut
          ? (
            <Banner kind="warning">
              Payment received, but Stripe has not confirmed the new plan yet. It usually takes a moment: refresh this page in a minute.
            </Banner>
          )
          : (
            <Banner kind="info">
              <span className="spinner" aria-hidden="true" /> Payment received — your plan updates in a moment.
            </Banner>
          )
      )}
      {checkout === "canceled" && <Banner kind="info">Checkout was canceled — nothing was charged. Your plan is unchanged.</Banner>}
      {portal.isError && <Banner kind="error">{errorMessage(portal.error)}</Banner>}

      {pastDue && (
        <Banner kind="error">
          <span className="bill-banner">
            <span>
              <strong>Payment failed</strong> — update your payment method to keep the {e.plan_name} plan.
              {e.in_grace ? " Your plan stays active for a few days while you fix it." : ""}
            </span>
            {hasCustomer && manage()}
          </span>
        </Banner>
      )}
      {trialDays !== null && trialDays > 0 && trialDays <= 7 && (
        <Banner kind="warning">
          <span className="bill-banner">
            <span>
              Your trial ends {trialDays === 1 ? "tomorrow" : `in ${trialDays} days`} ({fmtDate(e.trial_end)}). Add a payment method to keep
              the {e.plan_name} plan.
            </span>
            {hasCustomer && manage("Add payment method")}
          </span>
        </Banner>
      )}
      {e.cancel_at && e.status !== "canceled" && (
        <Banner kind="info">Your subscription is set to end on {fmtDate(e.cancel_at)}; after that the organization moves to the Free plan.</Banner>
      )}

      <CurrentPlan e={e} s={s} />
      <Usage e={e} />
      {isRunning(s) && <Seats orgId={orgId} current={s!.seats} inUse={e.usage.members + e.usage.pending_invitations} />}
      <Plans orgId={orgId} e={e} s={s} plans={plans} redirect={redirect} />
      <AnalysisModel orgId={orgId} />
      <Invoices query={invoices} />
    </>
  );
}

function Invoices({ query }: { query: ReturnType<typeof useInvoices> }) {
  let body;
  if (query.isPending) body = <Spinner label="Loading invoices…" />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => query.refetch()} title="Couldn't load invoices" />;
  else if (query.data.length === 0) body = <EmptyState title="No invoices yet">Invoices appear here once Stripe bills the organization.</EmptyState>;
  else {
    body = (
      <div className="table-wrap">
        <table className="bill-invoices">
          <thead>
            <tr><th scope="col">Invoice</th><th scope="col">Period</th><th scope="col" className="num">Amount</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Link</span></th></tr>
          </thead>
          <tbody>
            {query.data.map((i: Invoice) => (
              <tr key={i.stripe_invoice_id} data-testid="invoice-row">
                <td>{i.number ?? i.stripe_invoice_id}</td>
                <td>{i.period_start ? `${fmtDate(i.period_start)} – ${fmtDate(i.period_end)}` : "—"}</td>
                <td className="num">{fmtMoney((i.status === "paid" ? i.amount_paid_cents : i.amount_due_cents) / 100, i.currency.toUpperCase(), 2)}</td>
                <td>
                  {i.status === "paid"
                    ? <span className="badge good">Paid {fmtDate(i.paid_at)}</span>
                    : <span className="badge bad">Payment failed</span>}
                </td>
                <td>{i.hosted_invoice_url && <a href={i.hosted_invoice_url} target="_blank" rel="noreferrer">View</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return <Card title="Invoices">{body}</Card>;
}

function CurrentPlan({ e, s }: { e: Entitlements; s: Subscription | null }) {
  const status = STATUS[e.status] ?? { label: e.status, tone: "" as const };
  return (
    <Card title="Current plan" className="bill-current">
      <div className="bill-plan-line">
        <strong className="bill-plan-name" data-testid="current-plan">{e.plan_name}</strong>
        <span className={`badge ${status.tone}`} data-testid="plan-status">{status.label}</span>
      </div>
      <dl className="bill-facts">
        <div><dt>Seats</dt><dd>{e.seats}</dd></div>
        {s?.billing_interval && <div><dt>Billed</dt><dd>{s.billing_interval === "year" ? "Yearly" : "Monthly"}</dd></div>}
        {e.current_period_end && e.status !== "canceled" && (
          <div><dt>{s?.cancel_at_period_end ? "Ends on" : "Renews on"}</dt><dd>{fmtDate(e.current_period_end)}</dd></div>
        )}
        {s?.latest_invoice_status && (
          <div>
            <dt>Latest invoice</dt>
            <dd>
              <span className={`badge ${s.latest_invoice_status === "paid" ? "good" : "bad"}`}>
                {s.latest_invoice_status === "paid" ? "Paid" : s.latest_invoice_status === "payment_failed" ? "Payment failed" : s.latest_invoice_status}
              </span>
              {s.latest_invoice_amount_cents != null && <> {usd(s.latest_invoice_amount_cents)}</>}
              {s.latest_invoice_url && (
                <>
                  {" · "}
                  <a href={s.latest_invoice_url} target="_blank" rel="noreferrer">View invoice</a>
                </>
              )}
            </dd>
          </div>
        )}
      </dl>
      {e.metered && <p className="muted">Analyzed minutes beyond those included are billed per minute.</p>}
      {!e.paid && e.status !== "none" && (
        <p className="muted">Without an active subscription the organization has the Free plan's limits.</p>
      )}
    </Card>
  );
}

interface UsageRow {
  key: "analyzed_minutes" | "phone_numbers" | "members";
  label: string;
  used: number;
  limit: number | null;
  unit: string;
}

function Usage({ e }: { e: Entitlements }) {
  const rows: UsageRow[] = [
    {
      key: "analyzed_minutes",
      label: "Analyzed call minutes this period",
      used: e.usage.analyzed_minutes,
      limit: e.limits.analyzed_minutes_per_month ?? null,
      unit: "minutes",
    },
    { key: "phone_numbers", label: "Phone numbers", used: e.usage.phone_numbers, limit: e.limits.phone_numbers ?? null, unit: "numbers" },
    {
      key: "members",
      label: "Seats (members and pending invitations)",
      used: e.usage.members + e.usage.pending_invitations,
      limit: e.seats,
      unit: "seats",
    },
  ];
  return (
    <Card title="Usage">
      <ul className="bill-usage">
        {rows.map((r) => {
          const id = `bill-usage-${r.key}`;
          const over = r.limit !== null && r.used > r.limit;
          const full = r.limit !== null && r.used >= r.limit;
          return (
            <li
              key={r.key}
              className={`bill-usage-row ${over ? "bill-over" : full ? "bill-full" : ""}`}
              data-testid={`usage-${r.key}`}
              data-used={r.used}
              data-limit={r.limit ?? ""}
            >
              <div className="bill-usage-label">
                <span id={`${id}-label`}>{r.label}</span>
                <span className="bill-usage-figure">
                  {r.limit === null ? `${fmtNum(r.used, 1)} ${r.unit} · no limit` : `${fmtNum(r.used, 1)} of ${fmtNum(r.limit)} ${r.unit}`}
                </span>
              </div>
              {r.limit !== null && (
                <progress
                  aria-labelledby={`${id}-label`}
                  value={Math.min(r.used, r.limit)}
                  max={Math.max(r.limit, 1)}
                />
              )}
              {r.key === "analyzed_minutes" && over && e.metered && <span className="muted">Minutes beyond the plan are billed per minute.</span>}
              {r.key !== "analyzed_minutes" && full && <span className="muted">{over ? "Over" : "At"} the plan's limit: upgrade below to add more.</span>}
              {r.key === "analyzed_minutes" && full && !e.metered && (
                <span className="muted">Limit reached: new calls are not analyzed until the next period or an upgrade.</span>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Seats({ orgId, current, inUse }: { orgId: string; current: number; inUse: number }) {
  const [seats, setSeats] = useState(current);
  const update = useUpdateSeats(orgId);
  const min = Math.max(1, inUse);
  useEffect(() => setSeats(current), [current]);
  const clamp = (n: number) => Math.min(1000, Math.max(min, Math.round(n) || min));
  return (
    <Card title="Seats">
      <p className="muted">
        You pay for {current} seat{current === 1 ? "" : "s"}; {inUse} {inUse === 1 ? "is" : "are"} in use (members and pending invitations).
      </p>
      <div className="bill-seats" role="group" aria-label="Paid seats">
        <button type="button" className="secondary" aria-label="Remove a seat" disabled={seats <= min} onClick={() => setSeats(clamp(seats - 1))}>
          −
        </button>
        <input
          type="number"
          aria-label="Seats"
          min={min}
          max={1000}
          value={seats}
          onChange={(ev) => setSeats(clamp(Number(ev.target.value)))}
        />
        <button type="button" className="secondary" aria-label="Add a seat" disabled={seats >= 1000} onClick={() => setSeats(clamp(seats + 1))}>
          +
        </button>
        <button type="button" disabled={seats === current || update.isPending} onClick={() => update.mutate(seats)}>
          {update.isPending ? "Updating…" : "Update seats"}
        </button>
      </div>
      {update.isSuccess && (
        <Banner kind="success">Seat change to {update.variables} requested — it applies (prorated) once Stripe confirms it.</Banner>
      )}
      {update.isError && <Banner kind="error">{errorMessage(update.error)}</Banner>}
    </Card>
  );
}

function limitsOf(p: Plan): string[] {
  const l = (p.limits ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  if (l.analyzed_minutes_per_month != null) out.push(`${fmtNum(Number(l.analyzed_minutes_per_month))} analyzed minutes / month`);
  if (l.phone_numbers != null) out.push(`${fmtNum(Number(l.phone_numbers))} phone number${Number(l.phone_numbers) === 1 ? "" : "s"}`);
  if (l.sim_sessions_per_month != null) out.push(`${fmtNum(Number(l.sim_sessions_per_month))} SIM sessions / month`);
  return out;
}

function Plans({ orgId, e, s, plans, redirect }: {
  orgId: string;
  e: Entitlements;
  s: Subscription | null;
  plans: ReturnType<typeof usePlans>;
  redirect: (url: string) => void;
}) {
  // The subscription's interval until the owner picks one (the subscription may arrive after the first render).
  const [chosen, setBillingInterval] = useState<"month" | "year" | null>(null);
  const interval = chosen ?? (s?.billing_interval === "year" ? "year" : "month");
  const checkout = useStartCheckout(orgId, redirect);
  const running = isRunning(s);
  return (
    <Card
      title="Plans"
      actions={
        <fieldset className="bill-interval">
          <legend className="sr-only">Billing interval</legend>
          <label>
            <input type="radio" name="interval" value="month" checked={interval === "month"} onChange={() => setBillingInterval("month")} /> Monthly
          </label>
          <label>
            <input type="radio" name="interval" value="year" checked={interval === "year"} onChange={() => setBillingInterval("year")} /> Yearly
          </label>
        </fieldset>
      }
    >
      {checkout.isError && <Banner kind="error">{errorMessage(checkout.error)}</Banner>}
      {running && <p className="muted">To switch plans or cancel, use Manage billing (Stripe's billing portal).</p>}
      {plans.isPending && <Spinner label="Loading plans…" />}
      {plans.isError && <ErrorState error={plans.error} onRetry={() => plans.refetch()} />}
      {plans.isSuccess && plans.data.length === 0 && <EmptyState title="No plans are on sale right now" />}
      {plans.isSuccess && plans.data.length > 0 && (
        <ul className="bill-plans">
          {plans.data.map((p) => {
            const current = p.key === e.plan;
            const price = interval === "year" ? p.stripe_price_yearly : p.stripe_price_monthly;
            const perSeatMonth = interval === "year" ? p.price_yearly_cents / 12 : p.price_monthly_cents;
            const free = p.price_monthly_cents === 0 && p.price_yearly_cents === 0;
            return (
              <li key={p.key} className={`bill-plan ${current ? "bill-plan-current" : ""}`} data-testid={`plan-${p.key}`}>
                <div className="bill-plan-top">
                  <h3>{p.name}</h3>
                  {current && <span className="badge good">Current plan</span>}
                </div>
                {p.description && <p className="muted">{p.description}</p>}
                <p className="bill-price">
                  {free ? <strong>Free</strong> : (
                    <>
                      <strong>{usd(perSeatMonth)}</strong> per seat / month
                      {interval === "year" && <span className="muted"> · billed yearly ({usd(p.price_yearly_cents)} per seat)</span>}
                    </>
                  )}
                </p>
                <ul className="bill-plan-facts">
                  <li>{p.seats_included} seat{p.seats_included === 1 ? "" : "s"} included</li>
                  {limitsOf(p).map((t) => <li key={t}>{t}</li>)}
                  {p.stripe_price_metered && <li>Extra analyzed minutes billed per minute</li>}
                  {p.features.map((f) => <li key={f}>{FEATURES[f] ?? f}</li>)}
                </ul>
                {!current && !running && price && (
                  <button
                    type="button"
                    data-plan={p.key}
                    disabled={checkout.isPending}
                    onClick={() => checkout.mutate({ plan: p.key, interval })}
                  >
                    {checkout.isPending && checkout.variables?.plan === p.key ? "Opening checkout…" : `Choose ${p.name}`}
                  </button>
                )}
                {!current && !price && !free && <p className="muted">Not available {interval === "year" ? "yearly" : "monthly"}.</p>}
              </li>
            );
          })}
        </ul>
      )}
      <p className="muted">Prices in US dollars, before tax. Payments are handled by Stripe.</p>
    </Card>
  );
}
