// Metered billing: meter events (identifier unique for 24 h, validated as Stripe reports
// asynchronously) and a meter's usage summaries.
import { aggregate, listOf, type StripeRoute } from "./lists.ts";
import {
  allowParams,
  DAY,
  int,
  invalid,
  type Json,
  missingParam,
  newId,
  noSuch,
  str,
  StripeApiError,
} from "./params.ts";
import type { MeterEventRecord } from "./specs.ts";
import type { StripeState } from "./state.ts";

export function createMeterEvent(state: StripeState, params: Json): Json {
  allowParams(params, ["event_name", "payload", "identifier", "timestamp", "expand"]);
  const eventName = str(params, "event_name");
  if (!eventName) throw missingParam("event_name");
  if (eventName.length > 100) {
    throw invalid("event_name can have a maximum length of 100 characters.", "event_name");
  }
  const payload = params.payload;
  if (payload === undefined || payload === "") throw missingParam("payload");
  if (typeof payload !== "object" || Array.isArray(payload)) {
    throw invalid("Invalid hash", "payload");
  }
  const t = state.now();
  for (const [k, at] of state.meterIdentifiers) {
    if (at < t - DAY) state.meterIdentifiers.delete(k);
  }
  const identifier = str(params, "identifier") || crypto.randomUUID();
  if (identifier.length > 100) {
    throw invalid("identifier can have a maximum length of 100 characters.", "identifier");
  }
  if (state.meterIdentifiers.has(identifier)) {
    // What Stripe answers for an identifier seen within the last 24 hours.
    throw new StripeApiError(400, {
      type: "invalid_request_error",
      message: `An event already exists with identifier ${identifier}.`,
      param: "identifier",
    }, { "stripe-should-retry": "false" });
  }
  const timestamp = int(params, "timestamp") ?? t;
  state.meterIdentifiers.set(identifier, t);
  const event: Json = {
    object: "billing.meter_event",
    created: t,
    event_name: eventName,
    identifier,
    livemode: false,
    payload: structuredClone(payload),
    timestamp,
  };
  // Stripe validates the rest asynchronously and reports problems as meter error reports.
  const meter = [...state.meters.values()].find((m) =>
    m.event_name === eventName && m.status === "active"
  );
  const record: MeterEventRecord = {
    event,
    customer: null,
    value: null,
    meter: meter?.id ?? null,
    error: null,
    invoiced_in: null,
  };
  const fail = (code: string, message: string) => (record.error ??= { code, message });
  if (!meter) fail("no_meter", `No active meter was found for event_name ${eventName}.`);
  const customerKey = meter?.customer_mapping.event_payload_key ?? "stripe_customer_id";
  const valueKey = meter?.value_settings.event_payload_key ?? "value";
  const customer = payload[customerKey];
  if (typeof customer !== "string" || !customer) {
    fail("meter_event_no_customer_defined", `The payload has no ${customerKey}.`);
  } else if (!state.customers.get(customer) || state.customers.get(customer)!.deleted) {
    fail("meter_event_customer_not_found", `No such customer: '${customer}'.`);
  } else {
    record.customer = customer;
  }
  const rawValue = payload[valueKey];
  if (meter?.default_aggregation.formula !== "count" || rawValue !== undefined) {
    if (typeof rawValue !== "string" || !/^-?\d+(\.\d+)?$/.test(rawValue)) {
      fail("meter_event_invalid_value", `The payload's ${valueKey} is not a number.`);
    } else {
      record.value = Number(rawValue);
    }
  }
  if (timestamp > t + 300) fail("timestamp_in_future", "The timestamp is in the future.");
  if (timestamp < t - 35 * DAY) {
    fail("timestamp_too_far_in_past", "The timestamp is more than 35 days in the past.");
  }
  state.meterEvents.push(record);
  return event;
}

export function meterRoutes(state: StripeState): StripeRoute[] {
  return [
    ["GET", /^\/v1\/billing\/meters\/([^/]+)\/event_summaries$/, ({ params, match }) => {
      const meter = state.meters.get(match[1]);
      if (!meter) throw noSuch("billing.meter", match[1]);
      const customer = str(params, "customer");
      if (!customer) throw missingParam("customer");
      const start = int(params, "start_time");
      if (start === undefined) throw missingParam("start_time");
      const end = int(params, "end_time");
      if (end === undefined) throw missingParam("end_time");
      const records = state.meterEvents.filter((r) =>
        !r.error && r.meter === meter.id && r.customer === customer &&
        r.event.timestamp >= start && r.event.timestamp < end
      );
      const summary = {
        id: newId("mtrusg_test_"),
        object: "billing.meter_event_summary",
        aggregated_value: aggregate(meter, records),
        end_time: end,
        livemode: false,
        meter: meter.id,
        start_time: start,
      };
      return listOf(`/v1/billing/meters/${meter.id}/event_summaries`, [summary], params);
    }],
    ["POST", /^\/v1\/billing\/meter_events$/, ({ params }) => createMeterEvent(state, params)],
  ];
}
