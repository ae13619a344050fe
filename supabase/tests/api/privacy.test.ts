// Privacy through the real stack: a caller's deletion request filed by the
// owner through PostgREST, carried out by the erase_person job in
// process-jobs, which deletes the recording at the Twilio stand-in through
// the SDK; a search of every text column of every public table then finds
// nothing of the caller, and the owner reads a receipt without personal data.
// The retention purge queues delete_recording jobs that the worker carries
// out the same way. Refusals for agents and removed members.
import assert from "node:assert/strict";
import { instance, type InstanceName, SANDBOX_TWILIO_ACCOUNT_SID, SANDBOX_TWILIO_AUTH_TOKEN } from "../../local/config.ts";
import { createAuthUser, kickWorker, poll } from "../../local/tests/helpers.ts";
import { api, postCall, rpc, team } from "./sales_fixture.ts";
import { withDb } from "./fixtures.ts";

const inst = instance((Deno.env.get("SALESPULSE_INSTANCE") ?? "test") as InstanceName);
const TWILIO = `http://127.0.0.1:${inst.ports.twilio}`;
const basic = `Basic ${btoa(`${SANDBOX_TWILIO_ACCOUNT_SID}:${SANDBOX_TWILIO_AUTH_TOKEN}`)}`;

async function twilioRecordingStatus(sid: string): Promise<number> {
  const r = await fetch(`${TWILIO}/2010-04-01/Accounts/${SANDBOX_TWILIO_ACCOUNT_SID}/Recordings/${sid}.json`, {
    headers: { authorization: basic },
  });
  await r.body?.cancel();
  return r.status;
}

/** Every public table's text/json/array column holding `needle` (information_schema: later tables included). */
async function traces(needle: string): Promise<string[]> {
  return await withDb(async (sql) => {
    const cols = await sql`
      select c.table_name, c.column_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
       where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
         and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'tsvector')`;
    const found: string[] = [];
    for (const { table_name, column_name } of cols) {
      const [{ n }] = await sql.unsafe(
        `select count(*)::int as n from public."${table_name}" t where t."${column_name}"::text ilike $1`,
        [`%${needle}%`],
      );
      if (n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  });
}

Deno.test("a caller's deletion request: rows and the Twilio recording are gone, the receipt has no personal data", async () => {
  const t = await team();
  const caller = "+1555" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  const call = await postCall(t.e164, caller);
  assert.equal(call.status, "analyzed", call.error);
  assert.equal(await twilioRecordingStatus(call.twilio_recording_sid), 200, "Twilio has the recording");
  assert.ok((await traces(caller.slice(2))).length > 0, "the search finds the caller before");

  const filed = await rpc(t.manager, "request_deletion", { p_org_id: t.org, p_kind: "phone", p_subject: caller });
  assert.equal(filed.status, 200, JSON.stringify(filed.body));
  const id: string = filed.body;
  const done = await poll("the deletion request to complete", async () => {
    await kickWorker();
    const r = await api(t.manager, "GET", `deletion_requests?id=eq.${id}&select=*`);
    return r.body?.[0]?.status === "completed" ? r.body[0] : null;
  }, 30_000, 300);

  assert.equal(await twilioRecordingStatus(call.twilio_recording_sid), 404, "the recording is deleted at Twilio");
  assert.deepEqual(await traces(caller.slice(2)), [], "no table holds the caller's number");
  assert.equal(done.receipt.rows.calls, 1);
  assert.equal(done.receipt.recordings_deleted, 1);
  assert.ok(done.receipt.rows.transcripts >= 1 && done.receipt.rows.insights >= 1);
  assert.equal(done.subject, undefined, "no column names the person");
  assert.ok(!JSON.stringify(done).includes(caller.slice(2)), "the receipt names no one");
});

Deno.test("the retention purge deletes expired recordings at Twilio through the job queue", async () => {
  const t = await team();
  const call = await postCall(t.e164);
  assert.equal(call.status, "analyzed", call.error);
  await withDb((sql) => sql`update public.calls set created_at = now() - interval '13 months' where id = ${call.id}`);
  await withDb((sql) => sql`update public.transcripts set created_at = now() - interval '13 months' where call_id = ${call.id}`);
  await withDb((sql) => sql`select private.purge_expired(500)`);
  await poll("the recording to be deleted at Twilio", async () => {
    await kickWorker();
    return await twilioRecordingStatus(call.twilio_recording_sid) === 404 ? true : null;
  }, 30_000, 300);
  const [row] = await withDb((sql) => sql`select c.recording_url, (select count(*)::int from public.transcripts x where x.call_id = c.id) as n
                                            from public.calls c where c.id = ${call.id}`);
  assert.equal(row.recording_url, null);
  assert.equal(row.n, 0);
  const policy = await rpc(t.manager, "retention_policy", { p_org_id: t.org });
  assert.equal(policy.status, 200, JSON.stringify(policy.body));
  assert.equal(policy.body.retention_months, 12);
  assert.ok(policy.body.last_purge.rows >= 2);
});

Deno.test("agents and removed members cannot file deletion requests or read receipts", async () => {
  const t = await team();
  const agent = await rpc(t.agent, "request_deletion", { p_org_id: t.org, p_kind: "email", p_subject: "someone@example.com" });
  assert.equal(agent.status, 400);
  assert.equal(agent.body.code, "SP403");
  const second = await createAuthUser(`owner2.${crypto.randomUUID().slice(0, 8)}@privacy.test`);
  await withDb((sql) => sql`insert into public.memberships (org_id, user_id, role) values (${t.org}, ${second.id}, 'owner')`);
  const ok = await rpc(second.email, "request_deletion", { p_org_id: t.org, p_kind: "email", p_subject: "someone@example.com" });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await api(second.email, "GET", "deletion_requests?select=id")).body.length, 1);
  assert.deepEqual((await api(t.agent, "GET", "deletion_requests?select=id")).body, []);
  await withDb((sql) => sql`delete from public.memberships where org_id = ${t.org} and user_id = ${second.id}`);
  assert.deepEqual((await api(second.email, "GET", "deletion_requests?select=id")).body, [], "a removed owner reads no receipts");
  const removed = await rpc(second.email, "request_deletion", { p_org_id: t.org, p_kind: "email", p_subject: "x@example.com" });
  assert.equal(removed.body.code, "SP403");
});
