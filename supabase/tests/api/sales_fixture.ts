// Shared by the goals, activities, referrals and scenarios API tests: a
// fresh organization per test (a manager signed up through Auth who creates
// it, an agent with a number and a call script), PostgREST calls as a
// signed-in user, and a call posted through the signed Twilio webhook.
import assert from "node:assert/strict";
import { SALE } from "../../functions/_shared/insights/testdata/calls.ts";
import { accessToken, ANON_KEY, API_URL, createAuthUser, db, poll } from "../../local/tests/helpers.ts";
import { postRecordedCall } from "./fixtures.ts";

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

/** A sale (SALE) to `to` registered at the Twilio stand-in and its signed recording callback delivered; its SID. */
export const deliverCall = (to: string, from = "+15553330000"): Promise<string> => postRecordedCall(to, SALE, 60, from);

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

