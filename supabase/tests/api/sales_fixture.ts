// Shared by the goals, activities, referrals and scenarios API tests: a
// fresh organization per test (a manager signed up through Auth who creates
// it, an agent with a number and a call script), PostgREST calls as a
// signed-in user, and a call posted through the signed Twilio webhook.
import assert from "node:assert/strict";
import { instance, type InstanceName } from "../../local/config.ts";
import { accessToken, ANON_KEY, API_URL, createAuthUser, db, poll } from "../../local/tests/helpers.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}/_sandbox`;

const SENTENCES = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling, this is Ann. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 9, transcript: "Hi Ann, I'm ready to order the panels we discussed." },
  { media_channel: 2, start_time: 9.5, end_time: 15, transcript: "Wonderful. Would you also like the battery backup for an extra $300?" },
  { media_channel: 1, start_time: 15.5, end_time: 18, transcript: "Yes, let's do it, add the battery." },
  { media_channel: 2, start_time: 18.5, end_time: 24, transcript: "Perfect, I'll email the paperwork today and we'll schedule the install." },
];

// deno-lint-ignore no-explicit-any
export type Json = any;

export async function api(user: string, method: string, path: string, body?: unknown, prefer?: string) {
  const headers: Record<string, string> = {
    apikey: ANON_KEY,
    authorization: `Bearer ${await accessToken(user)}`,
    "content-type": "application/json",
  };
  if (prefer) headers.prefer = prefer;
  const res = await fetch(`${API_URL}/rest/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Json : null };
}
export const rpc = (user: string, fn: string, args: unknown = {}) => api(user, "POST", `rpc/${fn}`, args);

async function control(path: string, body: unknown) {
  const r = await fetch(`${TWILIO}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return await r.json();
}

/** A fresh organization: a manager (signed up through Auth) who creates it, an agent with a number. */
export async function team() {
  const tag = crypto.randomUUID().slice(0, 8);
  const manager = await createAuthUser(`manager.${tag}@goals.test`);
  const agent = await createAuthUser(`agent.${tag}@goals.test`);
  const created = await rpc(manager.email, "create_organization", { name: `Goals ${tag}`, slug: `goals-${tag}` });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const org: string = created.body;
  const e164 = "+1628" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  const sql = db();
  let agentId: string;
  try {
    await sql`insert into public.memberships (org_id, user_id, role) values (${org}, ${agent.id}, 'agent')`;
    await sql`update public.profiles set current_org_id = ${org} where id = ${agent.id}`;
    [{ id: agentId }] = await sql`insert into public.agents (org_id, name, user_id) values (${org}, 'Ann Agent', ${agent.id}) returning id`;
    await sql`insert into public.phone_numbers (org_id, e164, agent_id, status) values (${org}, ${e164}, ${agentId}, 'active')`;
    await sql`insert into public.call_scripts (org_id, name, is_default, items) values (${org}, 'Sales', true,
      ${sql.json([{ id: "greet", label: "Greet the caller" }, { id: "addon", label: "Offer an add-on" }, { id: "close", label: "Ask for the sale" }])})`;
  } finally {
    await sql.end();
  }
  return { org, manager: manager.email, agent: agent.email, agentUserId: agent.id, agentId, e164 };
}

/** A call to `to` registered at the Twilio stand-in and its signed recording callback delivered; its SID. */
export async function deliverCall(to: string, from = "+15553330000"): Promise<string> {
  const { call } = await control("calls", { from, to, duration: 60, transcript: { sentences: SENTENCES } });
  const delivery = await control("webhooks", { event: "recording-status", call_sid: call.sid, url: `${API_URL}/functions/v1/twilio-recording` });
  assert.equal(delivery.response.status, 200, JSON.stringify(delivery));
  return call.sid as string;
}

export async function postCall(to: string, from = "+15553330000") {
  const call = { sid: await deliverCall(to, from) };
  const sql = db();
  try {
    return await poll(`call ${call.sid} analyzed`, async () => {
      const [c] = await sql`select c.id, c.twilio_recording_sid, c.status, c.error, i.converted from public.calls c
                            left join public.insights i on i.call_id = c.id and i.is_current where c.twilio_call_sid = ${call.sid}`;
      return c && ["analyzed", "failed"].includes(c.status) ? c : null;
    }, 60_000, 250);
  } finally {
    await sql.end();
  }
}

