// Redaction on the real pipeline: a spoken SSN split over turns and read
// back, a phone number, a date of birth — through the worker (Twilio
// transcript stand-in → redaction → offline or GPT-4o stand-in analysis). The
// organization's redact_types decides what goes; the counts per type are
// stored with the transcript; the unredacted text is stored nowhere.
import assert from "node:assert/strict";
import { db, kickWorker as kick, poll, rpcAs as rpc } from "../../local/tests/helpers.ts";
import { createTenant, postRecordedCall, type StandInSentence } from "./fixtures.ts";

const SENTENCES: StandInSentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Can I have your social security number to verify?" },
  { media_channel: 1, start_time: 4.5, end_time: 7, transcript: "Sure, it's five three six" },
  { media_channel: 2, start_time: 7.2, end_time: 7.8, transcript: "Mm-hm." },
  { media_channel: 1, start_time: 8, end_time: 11, transcript: "two two, one four seven one" },
  { media_channel: 2, start_time: 11.5, end_time: 16, transcript: "Thanks. And the best phone number to reach you?" },
  { media_channel: 1, start_time: 16.5, end_time: 20, transcript: "It's 415 555 2671. I was born October 29th, 1984." },
];

async function analyzedTranscript(e164: string) {
  const sid = await postRecordedCall(e164, SENTENCES);
  await kick();
  const sql = db();
  try {
    return await poll("the analyzed call", async () => {
      const [row] = await sql`select c.status, t.segments, t.redactions, t.full_text, t.original_text
                                from public.calls c left join public.transcripts t on t.call_id = c.id
                               where c.twilio_call_sid = ${sid}`;
      if (row?.status !== "analyzed") await kick();
      return row?.status === "analyzed" ? row : null;
    }, 60_000, 500);
  } finally {
    await sql.end();
  }
}

Deno.test("every type is redacted by default, with counts per type", async () => {
  const tenant = await createTenant();
  const t = await analyzedTranscript(tenant.number.e164);
  const texts = (t.segments as { text: string }[]).map((s) => s.text);
  assert.deepEqual(texts.slice(1, 4), ["Sure, it's [SSN]", "Mm-hm.", "[SSN]"]);
  assert.equal(texts[5], "It's [PHONE]. I was born [DOB].");
  assert.deepEqual(t.redactions, { CARD: 0, CVV: 0, SSN: 1, EMAIL: 0, PHONE: 1, ACCOUNT: 0, DOB: 1, ADDRESS: 0, NAME: 0 });
  assert.ok(!/2671|1984|five three six/.test(t.full_text), "the stored full text is redacted too");
  assert.equal(t.original_text, null);
});

Deno.test("an organization that redacts only SSNs keeps the phone number and the birth date", async () => {
  const tenant = await createTenant();
  const set = await rpc(tenant.owner.id, "set_redaction_types", { p_org_id: tenant.org.id, p_types: ["SSN"] });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const refused = await rpc(tenant.manager.id, "set_redaction_types", { p_org_id: tenant.org.id, p_types: [] });
  assert.equal(refused.body.code, "SP403", "managers do not change redaction");
  const t = await analyzedTranscript(tenant.number.e164);
  const texts = (t.segments as { text: string }[]).map((s) => s.text);
  assert.equal(texts[3], "[SSN]");
  assert.equal(texts[5], "It's 415 555 2671. I was born October 29th, 1984.");
  assert.deepEqual(t.redactions, { SSN: 1 });
});
