// Webhook endpoints and delivery: one endpoint at a time in event order, or held, released in
// another order, redelivered, retried; every attempt and its response recorded.
import type { z } from "zod";
import { parse, SandboxError } from "../kernel/control.ts";
import { stripeSignature } from "../kernel/sign.ts";
import { type Json, newId, now, randomChars } from "./params.ts";
import {
  DeliverSpec,
  type DeliveryAttempt,
  EndpointSpec,
  RedeliverSpec,
  ReleaseSpec,
  type WebhookEndpoint,
} from "./specs.ts";
import type { StripeState } from "./state.ts";
import { seededRandom } from "../../random.ts";

/** Webhook endpoints, delivery (in order, held, replayed, reordered) and its log. */
export class Webhooks {
  readonly endpoints = new Map<string, WebhookEndpoint>();
  readonly deliveries: DeliveryAttempt[] = [];
  held: { event: Json; endpoint: WebhookEndpoint }[] = [];
  holding = false;
  #chains = new Map<string, Promise<void>>();
  #inflight = new Set<Promise<unknown>>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #abort = new AbortController();
  #next = 1;

  constructor(readonly state: StripeState) {}

  addEndpoint(input: EndpointSpec): WebhookEndpoint {
    const spec = parse(EndpointSpec, input);
    const endpoint: WebhookEndpoint = {
      id: newId("we_"),
      object: "webhook_endpoint",
      url: spec.url,
      secret: spec.secret ?? `whsec_${randomChars(32)}`,
      enabled_events: spec.enabled_events,
      auto_retry: spec.auto_retry,
      timeout_ms: spec.timeout_ms,
      description: spec.description,
      status: "enabled",
      created: this.state.now(),
    };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  #endpoint(id: string): WebhookEndpoint {
    const e = this.endpoints.get(id);
    if (!e) throw new SandboxError(404, "not_found", `no webhook endpoint ${id}`);
    return e;
  }

  #matching(event: Json): WebhookEndpoint[] {
    return [...this.endpoints.values()].filter((e) =>
      e.enabled_events.includes("*") || e.enabled_events.includes(event.type)
    );
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    p.finally(() => this.#inflight.delete(p)).catch(() => {});
    return p;
  }

  /** A new event: queue it for each matching endpoint (or hold it). Returns how many. */
  dispatch(event: Json): number {
    const endpoints = this.#matching(event);
    for (const endpoint of endpoints) {
      if (this.holding) this.held.push({ event, endpoint });
      else this.#enqueue(endpoint, () => this.#attempt(event, endpoint, "event"));
    }
    return endpoints.length;
  }

  /** Runs deliveries to one endpoint one after another, in the order queued. */
  #enqueue(endpoint: WebhookEndpoint, run: () => Promise<unknown>): Promise<void> {
    const prev = this.#chains.get(endpoint.id) ?? Promise.resolve();
    const next = prev.then(run).then(() => {}, () => {});
    this.#chains.set(endpoint.id, next);
    this.#track(next);
    return next;
  }

  async #attempt(
    event: Json,
    endpoint: WebhookEndpoint,
    reason: DeliveryAttempt["reason"],
  ): Promise<DeliveryAttempt> {
    const payload = JSON.stringify(event, null, 2);
    const signature = await stripeSignature(payload, endpoint.secret, now());
    const attempt: DeliveryAttempt = {
      id: `wda_${this.#next++}`,
      event_id: event.id,
      event_type: event.type,
      endpoint_id: endpoint.id,
      url: endpoint.url,
      attempt:
        this.deliveries.filter((d) => d.event_id === event.id && d.endpoint_id === endpoint.id)
          .length + 1,
      reason,
      at: new Date().toISOString(),
      signature,
      status: null,
      ok: false,
      response_body: null,
      error: null,
      duration_ms: 0,
    };
    this.deliveries.push(attempt);
    const started = performance.now();
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "cache-control": "no-cache",
          accept: "*/*; q=0.5, application/xml",
          "stripe-signature": signature,
        },
        body: payload,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(endpoint.timeout_ms)]),
      });
      const body = await res.text();
      attempt.status = res.status;
      attempt.ok = res.ok;
      attempt.response_body = body.length > 2000 ? body.slice(0, 2000) + "…" : body;
    } catch (e) {
      attempt.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    attempt.duration_ms = Math.round(performance.now() - started);
    const stored = this.state.events.get(event.id);
    if (attempt.ok && stored) {
      const firstSuccess = this.deliveries.filter((d) =>
        d.event_id === event.id && d.endpoint_id === endpoint.id && d.ok
      ).length === 1;
      if (firstSuccess) {
        stored.pending_webhooks = Math.max(0, stored.pending_webhooks - 1);
      }
    }
    if (
      !attempt.ok && endpoint.auto_retry && !this.#abort.signal.aborted &&
      attempt.attempt < endpoint.auto_retry.max_attempts
    ) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#enqueue(endpoint, () => this.#attempt(event, endpoint, "retry"));
      }, endpoint.auto_retry.delay_ms);
      this.#timers.add(timer);
    }
    return attempt;
  }

  /** Waits until nothing is being delivered (scheduled auto-retries included). */
  async settle(): Promise<void> {
    while (this.#inflight.size || this.#timers.size) {
      if (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  hold(): void {
    this.holding = true;
  }

  /** Delivers the held events in the order asked for; resolves with the attempts. */
  async release(input: z.input<typeof ReleaseSpec> = {}): Promise<DeliveryAttempt[]> {
    const spec = parse(ReleaseSpec, input);
    const batch = this.held;
    this.held = [];
    this.holding = spec.keep_holding;
    if (spec.order === "reverse") batch.reverse();
    if (spec.order === "shuffle") {
      const rand = seededRandom(spec.seed ?? Date.now());
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [batch[i], batch[j]] = [batch[j], batch[i]];
      }
    }
    await this.settle();
    const attempts: DeliveryAttempt[] = [];
    for (const { event, endpoint } of batch) {
      attempts.push(await this.#manual(event, endpoint, "release"));
    }
    return attempts;
  }

  #manual(
    event: Json,
    endpoint: WebhookEndpoint,
    reason: DeliveryAttempt["reason"],
  ): Promise<DeliveryAttempt> {
    let result!: Promise<DeliveryAttempt>;
    return this.#enqueue(endpoint, () => (result = this.#attempt(event, endpoint, reason)))
      .then(() => result);
  }

  #event(id: string): Json {
    const event = this.state.events.get(id);
    if (!event) throw new SandboxError(404, "not_found", `no event ${id}`);
    return event;
  }

  /** Delivers these events in exactly this order (duplicates allowed). */
  async deliver(input: z.input<typeof DeliverSpec>): Promise<DeliveryAttempt[]> {
    const spec = parse(DeliverSpec, input);
    const events = spec.events.map((id) => this.#event(id));
    const only = spec.endpoint ? this.#endpoint(spec.endpoint) : null;
    await this.settle();
    const attempts: DeliveryAttempt[] = [];
    for (const event of events) {
      for (const endpoint of only ? [only] : this.#matching(event)) {
        attempts.push(await this.#manual(event, endpoint, "deliver"));
      }
    }
    return attempts;
  }

  /** Sends an event again (a duplicate, as Stripe does when it is unsure of a delivery). */
  async redeliver(
    id: string,
    input: z.input<typeof RedeliverSpec> = {},
  ): Promise<DeliveryAttempt[]> {
    const spec = parse(RedeliverSpec, input);
    return await this.deliver({
      events: Array(spec.times).fill(this.#event(id).id),
      endpoint: spec.endpoint,
    });
  }

  /** Tries again every event delivery that has not yet succeeded at its endpoint. */
  async retryFailed(endpointId?: string): Promise<DeliveryAttempt[]> {
    await this.settle();
    const pending = new Map<string, { event: Json; endpoint: WebhookEndpoint }>();
    for (const d of this.deliveries) {
      if (endpointId && d.endpoint_id !== endpointId) continue;
      const key = `${d.endpoint_id} ${d.event_id}`;
      const endpoint = this.endpoints.get(d.endpoint_id);
      const event = this.state.events.get(d.event_id);
      if (d.ok || !endpoint || !event) pending.delete(key);
      else if (
        !this.deliveries.some((x) =>
          x.ok && x.event_id === d.event_id && x.endpoint_id === d.endpoint_id
        )
      ) {
        pending.set(key, { event, endpoint });
      }
    }
    const attempts: DeliveryAttempt[] = [];
    for (const { event, endpoint } of pending.values()) {
      attempts.push(await this.#manual(event, endpoint, "retry"));
    }
    return attempts;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight]);
  }

  reset(): void {
    this.endpoints.clear();
    this.deliveries.length = 0;
    this.held = [];
    this.holding = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
