// Fixtures for browser tests that need a tenant of their own (so they hold in
// any order and alone): users through Auth's admin API, who then sign in
// through the form with DEMO_PASSWORD; organizations, memberships, agents and
// numbers arranged through PostgREST with the service role; calls posted
// through the Twilio stand-in and our signed recording webhook, analyzed by the
// real pipeline.
import { expect } from "@playwright/test";
import { API_URL, DEMO_PASSWORD, rest, SERVICE_KEY } from "./helpers";

export type Role = "owner" | "admin" | "manager" | "agent";
export interface User { id: string; email: string }
export interface Org { id: string; name: string; owner: User }

const tag = () => Math.random().toString(36).slice(2, 10);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");
const insert = async <T>(table: string, row: unknown): Promise<T> =>
  (await rest<T[]>(table, { method: "POST", headers: { prefer: "return=representation" }, body: JSON.stringify(row) }))[0];

/** A confirmed user who signs in with DEMO_PASSWORD. */
export async function createUser(label = "user", fullName?: string): Promise<User> {
  const email = `${label}.${tag()}@e2e.test`;
  const res = await fetch(`${API_URL}/auth/v1/admin/users`, {
    method: "POST",
    headers: { apikey: SERVICE_KEY, authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD, email_confirm: true, user_metadata: fullName ? { full_name: fullName } : {} }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`creating ${email}: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, email };
}

/** A SalesPulse staff member (a platform admin, in no organization). */
export async function createStaff(): Promise<User> {
  const u = await createUser("staff", "Sam Staff");
  await rest("platform_admins", { method: "POST", body: JSON.stringify({ user_id: u.id, note: "e2e" }) });
  return u;
}

/**
 * An organization with a new owner; `room` lifts the free plan's seat, number, minute and
 * practice limits and turns on coaching and SIMs (a paid plan's features).
 */
export async function createOrg(opts: { name?: string; room?: boolean } = {}): Promise<Org> {
  const owner = await createUser("owner");
  const name = opts.name ?? `E2E ${tag()}`;
  const org = await insert<{ id: string }>("organizations", { name, slug: `e2e-${tag()}` });
  if (opts.room ?? true) {
    const limits = { seats: 25, phone_numbers: 10, analyzed_minutes_per_month: 100000, sim_sessions_per_month: 1000 };
    await rest("feature_flags", {
      method: "POST",
      body: JSON.stringify([
        ...Object.entries(limits).map(([key, limit]) => ({ org_id: org.id, key, enabled: null, limit_value: limit, note: "e2e" })),
        ...["coaching", "sims"].map((key) => ({ org_id: org.id, key, enabled: true, limit_value: null, note: "e2e" })),
      ]),
    });
  }
  await addMember(org.id, "owner", owner);
  return { id: org.id, name, owner };
}

/** A member of `orgId` with `role` (a new user unless given); their current organization if they had none. */
export async function addMember(orgId: string, role: Role, user?: User, fullName?: string): Promise<User> {
  const u = user ?? await createUser(role, fullName);
  await rest("memberships", { method: "POST", body: JSON.stringify({ org_id: orgId, user_id: u.id, role }) });
  await rest(`profiles?id=eq.${u.id}&current_org_id=is.null`, { method: "PATCH", body: JSON.stringify({ current_org_id: orgId }) });
  return u;
}

export async function createAgent(orgId: string, name: string, user?: User): Promise<{ id: string; name: string }> {
  const a = await insert<{ id: string }>("agents", { org_id: orgId, name, phone: "+1555" + digits(7), user_id: user?.id ?? null });
  return { id: a.id, name };
}

export async function createNumber(orgId: string, agentId: string | null): Promise<{ id: string; e164: string }> {
  const e164 = "+1415" + digits(7);
  const n = await insert<{ id: string }>("phone_numbers", {
    org_id: orgId, e164, provider_sid: "PN" + crypto.randomUUID().replaceAll("-", ""), friendly_name: "E2E line", agent_id: agentId,
  });
  return { id: n.id, e164 };
}

export interface Team {
  org: Org;
  manager: User;
  agentUser: User;
  agent: { id: string; name: string };
  /** The number that rings the agent. */
  line: string;
}

const SCRIPT = [
  { id: "greet", label: "Greet and introduce yourself", description: "Thank the caller, say the company and your name." },
  { id: "needs", label: "Ask about the customer's needs", description: "Ask open questions about their goals." },
  { id: "close", label: "Ask for the sale", description: "Ask clearly whether the customer wants to go ahead." },
  { id: "next_steps", label: "Confirm next steps", description: "Agree on paperwork, a date or a follow-up call." },
];

/**
 * An organization with a default call script (so its calls have a scorecard), a manager
 * ("Maya Manager") and an agent ("Alex Agent": a member, their agent record and the number
 * that rings them).
 */
export async function createTeam(opts: { name?: string; room?: boolean } = {}): Promise<Team> {
  const org = await createOrg(opts);
  await rest("call_scripts", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "Sales call", is_default: true, items: SCRIPT }) });
  const manager = await addMember(org.id, "manager", undefined, "Maya Manager");
  const agentUser = await addMember(org.id, "agent", undefined, "Alex Agent");
  const agent = await createAgent(org.id, "Alex Agent", agentUser);
  const { e164 } = await createNumber(org.id, agent.id);
  return { org, manager, agentUser, agent, line: e164 };
}

export type Sentence = { media_channel: 1 | 2; start_time: number; end_time: number; transcript: string };

/** A call that converts, with an upsell (a battery for $300) and a next step. */
export const SALE: Sentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling, this is Alex. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 9, transcript: "Hi Alex, I'm ready to order the panels we discussed." },
  { media_channel: 2, start_time: 9.5, end_time: 15, transcript: "Wonderful. Would you also like the battery backup for an extra $300?" },
  { media_channel: 1, start_time: 15.5, end_time: 18, transcript: "Yes, let's do it, add the battery." },
  { media_channel: 2, start_time: 18.5, end_time: 24, transcript: "Perfect, I'll email the paperwork today and we'll schedule the install." },
];

/** A call that does not convert. */
export const NO_SALE: Sentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling, this is Alex. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 9, transcript: "I was only asking about your opening hours, thanks." },
];

async function twilio(path: string, body: unknown) {
  const r = await fetch(`${process.env.TWILIO_SANDBOX_URL}/_sandbox/${path}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return await r.json();
}

/** A call to `to` in the Twilio stand-in, its recording callback delivered (signed) to our webhook. */
export async function postCall(to: string, sentences: Sentence[], duration = 30): Promise<string> {
  const { call } = await twilio("calls", { from: "+15553330000", to, duration, transcript: { sentences } });
  const delivery = await twilio("webhooks", { event: "recording-status", call_sid: call.sid, url: `${API_URL}/functions/v1/twilio-recording` });
  expect(delivery.response.status).toBe(200);
  return call.sid;
}

export interface CallSeed {
  startedAt: string;
  agentId?: string | null;
  status?: "analyzed" | "received" | "failed";
  /** An analysis of the call (its current insight); none when left out. */
  insight?: { converted?: boolean; sentiment?: "positive" | "neutral" | "negative"; upsell?: number; adherence?: number };
}

/**
 * Calls written straight to the tables with the service role (no recording, no pipeline), for
 * screens that need many or exactly dated calls; their ids in the order given.
 */
export async function insertCalls(orgId: string, seeds: CallSeed[]): Promise<string[]> {
  const calls = seeds.map((s) => ({
    id: crypto.randomUUID(), org_id: orgId, twilio_call_sid: "CA" + crypto.randomUUID().replaceAll("-", ""),
    status: s.status ?? "analyzed", started_at: s.startedAt, duration_seconds: 60, agent_id: s.agentId ?? null,
  }));
  await rest("calls", { method: "POST", body: JSON.stringify(calls) });
  const insights = seeds.flatMap((s, i) => s.insight ? [{
    org_id: orgId, call_id: calls[i].id, run_key: "e2e", analyzer: "offline", model: "e2e", prompt_version: "e2e",
    sentiment_label: s.insight.sentiment ?? "neutral", sentiment_score: { positive: 0.6, neutral: 0, negative: -0.6 }[s.insight.sentiment ?? "neutral"],
    converted: s.insight.converted ?? false, upsell_amount: s.insight.upsell ?? 0, adherence_score: s.insight.adherence ?? null,
    summary: "e2e", data: {},
  }] : []);
  if (insights.length) await rest("insights", { method: "POST", body: JSON.stringify(insights) });
  return calls.map((c) => c.id);
}

/** Waits for the pipeline to finish the call; its row. */
export async function analyzed(sid: string): Promise<{ id: string; status: string }> {
  let row: { id: string; status: string } | undefined;
  await expect.poll(async () => {
    [row] = await rest<{ id: string; status: string }[]>(`calls?select=id,status&twilio_call_sid=eq.${sid}`);
    return row?.status;
  }, { timeout: 45_000 }).toBe("analyzed");
  return row!;
}

/** Runs the job queue's worker once (it sends queued email through the Mailgun stand-in). */
export async function processJobs(): Promise<void> {
  const res = await fetch(`${API_URL}/functions/v1/process-jobs`, {
    method: "POST", headers: { authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json" }, body: "{}",
  });
  await res.body?.cancel();
}

/** The accept link of the invitation mailed to `email` (runs the worker until Mailgun has it). */
export async function invitationLink(email: string): Promise<string> {
  let text = "";
  await expect.poll(async () => {
    await processJobs();
    const r = await (await fetch(`${process.env.MAILGUN_SANDBOX_URL}/_sandbox/messages?to=${encodeURIComponent(email)}`)).json();
    text = r.items[0]?.text ?? "";
    return /\/accept-invite\?token=/.test(text);
  }, { timeout: 20_000 }).toBe(true);
  return /(http\S+\/accept-invite\?token=\S+)/.exec(text)![1];
}
