// Events: read through /v1/events, and triggered through the control API (a state change and
// its events, or any event as given).
import { parse, SandboxError } from "../kernel/control.ts";
import { z } from "zod";
import { createdMatches, listed, respond, type StripeRoute } from "./lists.ts";
import { invalid, type Json, noSuch, str, stringList } from "./params.ts";
import { AUTOMATIC, Metadata, TriggerSpec } from "./specs.ts";
import type { StripeState } from "./state.ts";

export function eventRoutes(state: StripeState): StripeRoute[] {
  return [
    ["GET", /^\/v1\/events$/, ({ params }) => {
      const type = str(params, "type");
      const types = stringList(params, "types");
      if (type && types.length) {
        throw invalid("You may only specify one of these parameters: type, types.", "types");
      }
      const typeMatches = (t: string) =>
        type
          ? (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type)
          : !types.length || types.includes(t);
      const keep = (e: Json) => typeMatches(e.type) && createdMatches(e.created, params);
      return listed(state, "/v1/events", state.events, keep, params);
    }],
    ["GET", /^\/v1\/events\/([^/]+)$/, ({ params, match }) => {
      const e = state.events.get(match[1]);
      if (!e) throw noSuch("event", match[1]);
      return respond(state, e, params);
    }],
  ];
}

/** POST /_sandbox/events/trigger. */
export function trigger(state: StripeState, input: unknown): Json[] {
  const spec = parse(TriggerSpec, input);
  if (spec.object) return [state.emit(spec.type, spec.object, AUTOMATIC)];
  const sub = spec.subscription ? state.subscriptions.get(spec.subscription) : undefined;
  if (spec.subscription && !sub) {
    throw new SandboxError(404, "not_found", `no subscription ${spec.subscription}`);
  }
  const needSub = () => {
    if (!sub) {
      throw new SandboxError(400, "subscription_required", `${spec.type} needs a subscription`);
    }
    return sub;
  };
  switch (spec.type) {
    case "customer.subscription.trial_will_end": {
      const s = needSub();
      if (s.status !== "trialing" || !s.trial_end) {
        throw new SandboxError(400, "not_trialing", `subscription ${s.id} is not trialing`);
      }
      return [state.emit(spec.type, s, AUTOMATIC)];
    }
    case "invoice.payment_failed": {
      const s = needSub();
      const open = state.invoices.get(s.latest_invoice);
      if (open && open.status === "open") {
        state.markFailed(open);
        const events = [state.emit("invoice.payment_failed", open, AUTOMATIC)];
        if (s.status === "active") {
          const before = structuredClone(s);
          s.status = "past_due";
          const updated = state.changed(s, before, AUTOMATIC);
          if (updated) events.push(updated);
        }
        return events;
      }
      return state.advance(s, "failed", AUTOMATIC);
    }
    case "invoice.paid": {
      const s = needSub();
      const open = state.invoices.get(s.latest_invoice);
      return open && open.status === "open"
        ? state.payInvoice(open, AUTOMATIC)
        : state.advance(s, "paid", AUTOMATIC);
    }
    case "invoice.upcoming": {
      const s = needSub();
      const preview = {
        ...structuredClone(state.invoices.get(s.latest_invoice) ?? {}),
        id: null,
        object: "invoice",
        status: "draft",
        customer: s.customer,
        period_start: s.current_period_start,
        period_end: s.current_period_end,
        next_payment_attempt: s.current_period_end,
      };
      return [state.emit("invoice.upcoming", preview, AUTOMATIC)];
    }
    case "customer.subscription.updated": {
      const s = needSub();
      const patch = parse(
        z.object({
          status: z.enum([
            "active",
            "past_due",
            "unpaid",
            "canceled",
            "incomplete",
            "incomplete_expired",
            "trialing",
            "paused",
          ]).optional(),
          cancel_at_period_end: z.boolean().optional(),
          cancel_at: z.number().int().nullable().optional(),
          trial_end: z.number().int().nullable().optional(),
          metadata: Metadata.optional(),
        }).strict(),
        spec.patch ?? {},
      );
      const before = structuredClone(s);
      Object.assign(s, patch);
      if (patch.cancel_at_period_end !== undefined) {
        s.cancel_at = patch.cancel_at_period_end ? s.current_period_end : null;
        s.canceled_at = patch.cancel_at_period_end ? state.now() : null;
      }
      const updated = state.changed(s, before, AUTOMATIC);
      return updated ? [updated] : [];
    }
    case "customer.subscription.deleted": {
      const s = needSub();
      if (s.status === "canceled") {
        throw new SandboxError(400, "already_canceled", `${s.id} is canceled`);
      }
      return [state.cancelNow(s, AUTOMATIC)];
    }
    default: {
      if (!spec.object) {
        throw new SandboxError(
          400,
          "object_required",
          `no built-in trigger for ${spec.type}: pass the event's data.object as "object"`,
        );
      }
      return [state.emit(spec.type, spec.object, AUTOMATIC)];
    }
  }
}
