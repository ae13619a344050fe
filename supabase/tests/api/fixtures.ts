// Fixtures for the API tests: each test creates the tenants, users and rows
// it needs instead of reading the demo seed's ids. Users are created through
// Auth's admin API (createAuthUser), so they sign in through /auth/v1 with
// DEMO_PASSWORD like anyone else (accessToken); organizations, memberships,
// agents, numbers and calls are arranged with a superuser connection, as
// the SQL fixtures (supabase/tests/fixtures.sql) do.
import type { StandInSentence } from "../../functions/_shared/insights/testdata/calls.ts";
import { instance, type InstanceName } from "../../local/config.ts";
import { API_URL, createAuthUser, db } from "../../local/tests/helpers.ts";

export type Role = "owner" | "admin" | "manager" | "agent";
export interface User {
  id: string;
  email: string;
}
export interface Org {
  id: string;
  name: string;
  slug: string;
  owner: User;
}

const tag = () => crypto.randomUUID().slice(0, 8);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");

export async function withDb<T>(fn: (sql: ReturnType<typeof db>) => Promise<T>): Promise<T> {
  const sql = db();
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** A confirmed user who can sign in (password DEMO_PASSWORD). */
export async function createUser(label = "user"): Promise<User> {
  return await createAuthUser(`${label}.${tag()}@tests.test`);
}

/** A SalesPulse staff member (a platform admin) who can sign in. */
export async function createStaff(): Promise<User> {
  const u = await createUser("staff");
  await withDb((sql) => sql`insert into public.platform_admins (user_id, note) values (${u.id}, 'tests')`);
  return u;
}

/**
 * An organization with a new owner (its current organization). `room` gives
 * it design-partner overrides (25 seats, 10 numbers, 100,000 analyzed minutes,
 * coaching) so tests are not stopped by the free plan; without it the free
 * plan applies.
 */
export async function createOrg(opts: { name?: string; room?: boolean; recordingNotice?: string } = {}): Promise<Org> {
  const owner = await createUser("owner");
  const name = opts.name ?? `Fixture ${tag()}`;
  const slug = `fixture-${tag()}`;
  const id = await withDb(async (sql) => {
    const [org] = await sql`insert into public.organizations (name, slug, recording_notice)
      values (${name}, ${slug}, ${opts.recordingNotice ?? null}) returning id`;
    if (opts.room ?? true) {
      await sql`insert into public.feature_flags (org_id, key, limit_value, note) values
        (${org.id}, 'seats', 25, 'tests'), (${org.id}, 'phone_numbers', 10, 'tests'),
        (${org.id}, 'analyzed_minutes_per_month', 100000, 'tests')`;
      await sql`insert into public.feature_flags (org_id, key, enabled, note) values (${org.id}, 'coaching', true, 'tests')`;
    }
    return org.id as string;
  });
  await addMember({ id }, "owner", owner);
  return { id, name, slug, owner };
}

/** A member of `org` with `role` (a new user unless one is given); it becomes their current organization if they had none. */
export async function addMember(org: Pick<Org, "id">, role: Role, user?: User): Promise<User> {
  const u = user ?? await createUser(role);
  await withDb(async (sql) => {
    await sql`insert into public.memberships (org_id, user_id, role) values (${org.id}, ${u.id}, ${role})`;
    await sql`update public.profiles set current_org_id = ${org.id} where id = ${u.id} and current_org_id is null`;
  });
  return u;
}

/** An agent of `org` (linked to `user`, a member, when given) with a phone to dial. */
export async function createAgent(org: Pick<Org, "id">, opts: { user?: User; name?: string } = {}): Promise<{ id: string; phone: string }> {
  const phone = "+1555" + digits(7);
  return await withDb(async (sql) => {
    const [a] = await sql`insert into public.agents (org_id, name, phone, user_id)
      values (${org.id}, ${opts.name ?? `Agent ${tag()}`}, ${phone}, ${opts.user?.id ?? null}) returning id`;
    return { id: a.id as string, phone };
  });
}

/** An active number of `org` ringing `agentId`; its E.164 is random (unique across tenants) unless given. */
export async function createNumber(
  org: Pick<Org, "id">,
  agentId: string | null = null,
  e164 = "+1415" + digits(7),
): Promise<{ id: string; e164: string }> {
  return await withDb(async (sql) => {
    const [n] = await sql`insert into public.phone_numbers (org_id, e164, provider_sid, friendly_name, agent_id)
      values (${org.id}, ${e164}, ${"PN" + crypto.randomUUID().replaceAll("-", "")}, 'Fixture line', ${agentId}) returning id`;
    return { id: n.id as string, e164 };
  });
}

/** A call of `org` (started now, status `received` unless given), arranged directly as the ingest would leave it. */
export async function createCall(
  org: Pick<Org, "id">,
  opts: { agentId?: string | null; status?: string; durationSeconds?: number } = {},
): Promise<{ id: string; sid: string }> {
  const sid = "CA" + crypto.randomUUID().replaceAll("-", "");
  return await withDb(async (sql) => {
    const [c] = await sql`insert into public.calls (org_id, agent_id, twilio_call_sid, status, started_at, duration_seconds)
      values (${org.id}, ${opts.agentId ?? null}, ${sid}, ${opts.status ?? "received"}, now(), ${opts.durationSeconds ?? 60}) returning id`;
    return { id: c.id as string, sid };
  });
}

/** A tenant with every role: owner, admin, manager and an agent who takes calls on one number. */
export async function createTenant(opts: Parameters<typeof createOrg>[0] = {}) {
  const org = await createOrg(opts);
  const admin = await addMember(org, "admin");
  const manager = await addMember(org, "manager");
  const agentUser = await addMember(org, "agent");
  const agent = await createAgent(org, { user: agentUser });
  const number = await createNumber(org, agent.id);
  return { org, owner: org.owner, admin, manager, agentUser, agent, number };
}

export type { StandInSentence };

/**
 * A call to `e164` recorded at the Twilio stand-in with this transcript, and
 * its signed recording callback delivered to twilio-recording (which queues
 * the analysis). Returns the call SID.
 */
export async function postRecordedCall(e164: string, sentences: StandInSentence[], duration = 60, from = "+15553334444"): Promise<string> {
  const twilio = `http://127.0.0.1:${instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName).ports.twilio}/_sandbox`;
  const control = async (path: string, body: unknown) => {
    const r = await fetch(`${twilio}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return await r.json();
  };
  const { call } = await control("/calls", { from, to: e164, duration, transcript: { sentences } });
  const delivery = await control("/webhooks", { event: "recording-status", call_sid: call.sid, url: `${API_URL}/functions/v1/twilio-recording` });
  if (delivery.response.status !== 200) throw new Error(`recording callback: ${JSON.stringify(delivery)}`);
  return call.sid as string;
}
