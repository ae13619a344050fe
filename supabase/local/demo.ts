// Demo traffic for `npm start`: the sample calls in supabase/local/demo/calls/
// are registered with the Twilio stand-in (recording + Voice Intelligence
// sentences) and their recording-status callbacks are delivered, signed,
// through the real webhook into the pipeline — the dashboard fills within a
// minute. Idempotent: SIDs derive from the file names, and calls already in
// the database are not posted again (the stand-in, which keeps its state in
// memory, is re-taught them at every start so audio and re-analysis work).
import { join } from "node:path";
import postgres from "postgres";
import { type Instance, ROOT } from "./config.ts";

const DIR = join(ROOT, "supabase/local/demo/calls");

interface DemoCall {
  title: string;
  from: string;
  to: string;
  days_ago: number;
  sentences: { media_channel: number; start_time: number; end_time: number; transcript: string }[];
}

async function sid(prefix: string, name: string) {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${prefix}:${name}`)));
  return prefix + [...h.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function demoFiles(): string[] {
  try {
    return [...Deno.readDirSync(DIR)].filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

export async function postDemoCalls(inst: Instance): Promise<{ registered: number; posted: number; callSids: string[] }> {
  const sandbox = `http://127.0.0.1:${inst.ports.twilio}/_sandbox`;
  const sql = postgres(inst.dbUrl, { max: 1, onnotice: () => {} });
  let posted = 0;
  const files = demoFiles();
  const callSids: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const call: DemoCall = JSON.parse(Deno.readTextFileSync(join(DIR, file)));
      const callSid = await sid("CA", file);
      callSids.push(callSid);
      const duration = Math.ceil(Math.max(...call.sentences.map((s) => s.end_time)) + 2);
      // Spread over the day so the calls of one day do not share a minute.
      const start = new Date(Date.now() - call.days_ago * 86_400_000 - (i + 1) * 47 * 60_000 - duration * 1000);
      const res = await fetch(`${sandbox}/calls`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          call_sid: callSid,
          from: call.from,
          to: call.to,
          duration,
          start_time: start.toISOString(),
          recording: { sid: await sid("RE", file), duration, channels: 2 },
          transcript: { sid: await sid("GT", file), sentences: call.sentences },
        }),
      });
      if (!res.ok) throw new Error(`the Twilio stand-in refused demo call ${file}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      const [known] = await sql`select 1 from public.calls where twilio_call_sid = ${callSid}`;
      if (known) continue;
      const hook = await fetch(`${sandbox}/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          event: "recording-status",
          call_sid: callSid,
          url: `${inst.apiUrl}/functions/v1/twilio-recording`,
        }),
      });
      const delivery = await hook.json();
      if (delivery.response?.status !== 200) {
        throw new Error(`demo call ${file}: the webhook answered ${delivery.response?.status ?? delivery.error}`);
      }
      posted++;
    }
  } finally {
    await sql.end();
  }
  return { registered: files.length, posted, callSids };
}
