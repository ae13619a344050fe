// phone-numbers: owners and admins search Twilio for local numbers, buy one for
// their organization (within the plan's limit) and release it again.
//
//   POST {action:"search",  org_id, area_code}                          → 200 [{e164, friendly_name, locality, region}]
//   POST {action:"buy",     org_id, e164, agent_id?, friendly_name?}    → 201 the phone_numbers row
//   POST {action:"release", org_id, id}                                 → 200 the phone_numbers row (status released)
//
// Buying is the step that costs money, so everything that can refuse runs
// before it: the caller's role (RLS, with the caller's JWT), the plan limit
// (org_entitlements, with the caller's JWT), the agent, and whether SalesPulse
// already holds the number. If the row still cannot be written afterwards (a
// concurrent purchase took the last slot — SP402 from the limit trigger —, the
// agent moved, …) the number is released at Twilio again before answering, so
// no paid number is left without an owner.
//
// This module talks to Twilio and the database only through `Deps`; the live
// ones are wired in handler.ts, so the decisions here are unit-tested.
import { z } from "zod";
import type { Caller } from "../_shared/auth.ts";
import type { Tables, TablesInsert } from "../_shared/database.types.ts";
import { ConfigError } from "../_shared/env.ts";
import { type DbError, dbErrorResponse, type DbResult } from "../_shared/errors.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { errorText, log } from "../_shared/log.ts";

export type PhoneNumberRow = Tables<"phone_numbers">;

/** One number on offer, as the SPA shows it. */
export interface AvailableNumber {
  e164: string;
  friendly_name: string;
  locality: string | null;
  region: string | null;
}

export interface BoughtNumber {
  sid: string;
  e164: string;
  friendly_name: string;
}

/** What the handler needs from Twilio (deps.ts: the `twilio` SDK). */
export interface NumbersProvider {
  search(areaCode: string, limit: number): Promise<AvailableNumber[]>;
  buy(e164: string, opts: { voiceUrl: string; friendlyName?: string }): Promise<BoughtNumber>;
  /** The account's number with exactly this E.164, if the account holds it. */
  find(e164: string): Promise<BoughtNumber | null>;
  release(sid: string): Promise<void>;
}

export type { DbError, DbResult };

export type ExistingNumber = Pick<
  PhoneNumberRow,
  "id" | "org_id" | "e164" | "status" | "provider_sid"
>;
export interface AgentRef {
  id: string;
  active: boolean;
}

/** What the handler needs from the database (deps.ts: supabase-js). */
export interface NumbersStore {
  /** The caller and their role in the organization (null: not signed in). Caller's JWT. */
  caller(req: Request, orgId: string): Promise<Caller | null>;
  /** public.org_entitlements(org) with the caller's JWT. */
  entitlements(req: Request, orgId: string): Promise<DbResult<unknown>>;
  /** The organization's agent, as the caller sees it (RLS). */
  agent(req: Request, orgId: string, agentId: string): Promise<DbResult<AgentRef>>;
  /** Rows of any organization holding these numbers (service role: the numbers are unique across tenants). */
  existing(e164s: string[]): Promise<DbResult<ExistingNumber[]>>;
  /** Whether a row (any organization) references this Twilio SID. */
  knowsSid(sid: string): Promise<DbResult<boolean>>;
  insert(row: TablesInsert<"phone_numbers">): Promise<DbResult<PhoneNumberRow>>;
  /** Brings the organization's own released row for the number back (the E.164 is unique). */
  reactivate(
    id: string,
    fields: Pick<PhoneNumberRow, "provider_sid" | "friendly_name" | "agent_id">,
  ): Promise<DbResult<PhoneNumberRow>>;
  get(orgId: string, id: string): Promise<DbResult<PhoneNumberRow>>;
  markReleased(id: string): Promise<DbResult<PhoneNumberRow>>;
}

export interface Deps {
  store: NumbersStore;
  /** Created on use: a missing Twilio configuration is a 500 for this request only. */
  provider(): NumbersProvider;
  /** The public URL of twilio-voice, which Twilio calls for the number. */
  voiceUrl(): string;
}

// --- request bodies ---------------------------------------------------------------

export const SEARCH_LIMIT = 10;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export const Body = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("search"),
    org_id: z.uuid(),
    area_code: z.string().regex(/^[2-9][0-9]{2}$/, "a 3-digit US area code, e.g. 415"),
  }).strict(),
  z.object({
    action: z.literal("buy"),
    org_id: z.uuid(),
    e164: z.string().regex(E164, "an E.164 phone number, e.g. +14155550123"),
    agent_id: z.uuid().nullish(),
    // Twilio keeps at most 64 characters.
    friendly_name: z.string().trim().max(64).nullish(),
  }).strict(),
  z.object({
    action: z.literal("release"),
    org_id: z.uuid(),
    id: z.uuid(),
  }).strict(),
]);
export type Body = z.infer<typeof Body>;

/** The validated body, or the response refusing it (405, 413, 400 invalid_json / invalid_body). */
export function parseBody(req: Request): Promise<Body | Response> {
  return readBody(req, Body);
}

// --- pure decisions -----------------------------------------------------------------

const Entitlements = z.object({
  plan_name: z.string().catch("current"),
  limits: z.record(z.string(), z.unknown()).catch({}),
  usage: z.object({ phone_numbers: z.coerce.number() }),
});

export interface PlanLimit {
  plan_name: string;
  limit: number;
  used: number;
}

/** The phone-number limit when the organization has reached it; null when it may add one. */
export function reachedNumberLimit(entitlements: unknown): PlanLimit | null {
  const e = Entitlements.parse(entitlements);
  const raw = e.limits.phone_numbers;
  if (raw === null || raw === undefined || raw === "") return null; // no limit configured: unlimited
  const limit = Number(raw);
  if (!Number.isFinite(limit)) return null;
  return e.usage.phone_numbers >= limit
    ? { plan_name: e.plan_name, limit, used: e.usage.phone_numbers }
    : null;
}

export function planLimitResponse(l: PlanLimit): Response {
  const numbers = (n: number) => `${n} phone number${n === 1 ? "" : "s"}`;
  return jsonError(
    402,
    "plan_limit",
    `Your ${l.plan_name} plan includes ${numbers(l.limit)} and ${l.used} ${
      l.used === 1 ? "is" : "are"
    } in use. ` +
      "Upgrade your plan on the billing page to add another number.",
    { limit: l.limit, used: l.used, plan: l.plan_name },
  );
}

/**
 * Numbers Twilio offers that SalesPulse already holds (another tenant's, or an
 * active one) are left out; the organization's own released numbers may be
 * bought back.
 */
export function offerable(
  available: AvailableNumber[],
  existing: ExistingNumber[],
  orgId: string,
): AvailableNumber[] {
  const taken = new Set(
    existing.filter((r) => !(r.status === "released" && r.org_id === orgId)).map((r) => r.e164),
  );
  return available.filter((n) => !taken.has(n.e164));
}

interface TwilioLikeError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/** A REST error answered by Twilio (the SDK's RestException), as opposed to a network failure. */
export function isTwilioRestError(
  err: unknown,
): err is { status: number; code?: number; message?: string } {
  return typeof err === "object" && err !== null &&
    typeof (err as TwilioLikeError).status === "number";
}

/**
 * The response for a failed Twilio call. Twilio's own message (which can name
 * the account or echo input) is logged, never returned.
 *   429 → 503 twilio_busy · 21422 (number not available) → 409 number_unavailable ·
 *   21421 (invalid number) → 400 invalid_input · anything else, network errors
 *   and timeouts included → 502 twilio_error.
 */
export function twilioErrorResponse(err: unknown): Response {
  if (err instanceof ConfigError) {
    log("error", "phone numbers are not configured", { error: err.message });
    return jsonError(500, "misconfigured", "Phone numbers are not configured on this server");
  }
  if (isTwilioRestError(err)) {
    log("error", "twilio error", { status: err.status, code: err.code, error: err.message });
    if (err.status === 429) {
      return jsonError(
        503,
        "twilio_busy",
        "The phone provider is busy. Please try again in a moment.",
      );
    }
    if (err.code === 21422) {
      return jsonError(
        409,
        "number_unavailable",
        "That number is no longer available. Search again and pick another one.",
      );
    }
    if (err.code === 21421) {
      return jsonError(400, "invalid_input", "The phone provider does not accept this number.");
    }
    return jsonError(
      502,
      "twilio_error",
      "The phone provider could not complete the request. Please try again.",
    );
  }
  log("error", "twilio unreachable", { error: errorText(err) });
  return jsonError(
    502,
    "twilio_error",
    "The phone provider could not be reached. Please try again.",
  );
}

/** The response for a failed write of the number's row. */
export function writeErrorResponse(err: DbError): Response {
  if (err.code === "23505") {
    return jsonError(409, "number_taken", "This number is already registered in SalesPulse.");
  }
  return dbErrorResponse(err);
}

// --- the handler ----------------------------------------------------------------------

async function requireNumbersManager(
  deps: Deps,
  req: Request,
  orgId: string,
): Promise<{ userId: string } | Response> {
  const caller = await deps.store.caller(req, orgId);
  if (!caller) return jsonError(401, "not_authenticated", "Sign in first");
  if (!caller.role) return jsonError(404, "not_found", "Organization not found");
  if (caller.role !== "owner" && caller.role !== "admin") {
    return jsonError(403, "forbidden", "Only owners and admins manage phone numbers");
  }
  return { userId: caller.userId };
}

async function search(deps: Deps, body: Extract<Body, { action: "search" }>): Promise<Response> {
  let available: AvailableNumber[];
  try {
    available = await deps.provider().search(body.area_code, SEARCH_LIMIT);
  } catch (err) {
    return twilioErrorResponse(err);
  }
  if (!available.length) return json([]);
  const { data: existing, error } = await deps.store.existing(available.map((n) => n.e164));
  if (error) return dbErrorResponse(error);
  return json(offerable(available, existing ?? [], body.org_id));
}

/** After a failed purchase whose outcome is unknown (timeout, network), release what Twilio may have bought. */
async function releaseIfBought(deps: Deps, provider: NumbersProvider, e164: string): Promise<void> {
  try {
    const held = await provider.find(e164);
    if (!held) return;
    const { data: known, error } = await deps.store.knowsSid(held.sid);
    if (error || known) return; // someone else's purchase that landed: not ours to release
    await provider.release(held.sid);
    log("warn", "released a number after a failed purchase", { sid: held.sid, e164 });
  } catch (err) {
    log("error", "could not check for a dangling purchase", { e164, error: errorText(err) });
  }
}

async function buy(
  deps: Deps,
  req: Request,
  userId: string,
  body: Extract<Body, { action: "buy" }>,
): Promise<Response> {
  // 1. The plan's limit, with the caller's JWT (org_entitlements checks membership).
  const ent = await deps.store.entitlements(req, body.org_id);
  if (ent.error) return dbErrorResponse(ent.error);
  const reached = reachedNumberLimit(ent.data);
  if (reached) return planLimitResponse(reached);

  // 2. The agent belongs to the organization and takes calls.
  const agentId = body.agent_id ?? null;
  if (agentId) {
    const { data: agent, error } = await deps.store.agent(req, body.org_id, agentId);
    if (error) return dbErrorResponse(error);
    if (!agent) return jsonError(400, "invalid_input", "No such agent in this organization");
    if (!agent.active) {
      return jsonError(
        400,
        "invalid_input",
        "That agent is inactive: activate them first or pick another agent",
      );
    }
  }

  // 3. Nobody in SalesPulse holds the number (the organization's own released row is reused).
  const { data: existing, error: existingError } = await deps.store.existing([body.e164]);
  if (existingError) return dbErrorResponse(existingError);
  const row = existing?.[0] ?? null;
  if (row && !(row.status === "released" && row.org_id === body.org_id)) {
    return jsonError(409, "number_taken", "This number is already registered in SalesPulse.");
  }

  // 4. Buy it, pointing its voice webhook at twilio-voice.
  const voiceUrl = deps.voiceUrl();
  const provider = deps.provider();
  const friendlyName = body.friendly_name || undefined;
  let bought: BoughtNumber;
  try {
    bought = await provider.buy(body.e164, { voiceUrl, friendlyName });
  } catch (err) {
    if (!isTwilioRestError(err)) await releaseIfBought(deps, provider, body.e164);
    return twilioErrorResponse(err);
  }

  // 5. Record it; if that fails, give the number back before answering.
  const fields = {
    provider_sid: bought.sid,
    friendly_name: friendlyName ?? bought.friendly_name,
    agent_id: agentId,
  };
  const written = row ? await deps.store.reactivate(row.id, fields) : await deps.store.insert({
    org_id: body.org_id,
    e164: bought.e164,
    status: "active",
    created_by: userId,
    ...fields,
  });
  if (written.error || !written.data) {
    try {
      await provider.release(bought.sid);
      log("warn", "released a number after its row was refused", { sid: bought.sid, e164: bought.e164, code: written.error?.code });
    } catch (err) {
      // Nothing else can clean this up: make it loud for the operators.
      log("error", "DANGLING NUMBER: row refused and release failed", {
        sid: bought.sid,
        e164: bought.e164,
        org_id: body.org_id,
        error: (err as Error)?.message,
      });
    }
    return writeErrorResponse(written.error ?? { message: "the number's row was not written" });
  }
  return json(written.data, { status: 201 });
}

async function release(deps: Deps, body: Extract<Body, { action: "release" }>): Promise<Response> {
  const { data: row, error } = await deps.store.get(body.org_id, body.id);
  if (error) return dbErrorResponse(error);
  if (!row) return jsonError(404, "not_found", "No such number in this organization");
  if (row.status === "released") return json(row); // already done: releasing is idempotent
  if (row.provider_sid) {
    try {
      await deps.provider().release(row.provider_sid);
    } catch (err) {
      // 404: Twilio no longer has it (released earlier, or by hand): record that.
      if (!(isTwilioRestError(err) && err.status === 404)) return twilioErrorResponse(err);
    }
  }
  const done = await deps.store.markReleased(row.id);
  if (done.error || !done.data) return dbErrorResponse(done.error ?? { code: "SP404" });
  return json(done.data);
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    const body = await parseBody(req);
    if (body instanceof Response) return body;
    try {
      const who = await requireNumbersManager(deps, req, body.org_id);
      if (who instanceof Response) return who;
      switch (body.action) {
        case "search":
          return await search(deps, body);
        case "buy":
          return await buy(deps, req, who.userId, body);
        case "release":
          return await release(deps, body);
      }
    } catch (err) {
      if (err instanceof ConfigError) return twilioErrorResponse(err);
      log("error", "phone-numbers failed", { error: errorText(err) });
      return jsonError(500, "internal_error", "Something went wrong on our side");
    }
  };
}
