// analyze_call: the call-analysis pipeline for one recorded call.
//  1. A call the voice webhook never saw has no organization yet: resolve it
//     through Twilio's Calls resource (To → our number → organization), or
//     mark it orphaned for staff.
//  2. Move the call to `transcribing` (the insight engine continues here).
import type { Db } from "../_shared/clients.ts";
import { twilioEnv } from "../_shared/env.ts";
import { twilioClient } from "../_shared/providers/twilio.ts";
import { type Job, PermanentError } from "./worker.ts";

export async function analyzeCall(job: Job, { db }: { db: Db }) {
  const callId = (job.payload as { call_id?: string })?.call_id;
  if (!callId) throw new PermanentError("payload.call_id is missing");
  const { data: call, error } = await db.from("calls").select("*").eq("id", callId).maybeSingle();
  if (error) throw new Error(`loading call failed: ${error.message}`);
  if (!call) throw new PermanentError(`call ${callId} does not exist`);

  if (!call.org_id) {
    const env = twilioEnv();
    const twilio = twilioClient({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      baseUrl: env.TWILIO_API_BASE_URL,
      timeoutMs: 15_000,
    });
    const remote = await twilio.calls(call.twilio_call_sid).fetch();
    const { data: resolved, error: e } = await db.rpc("resolve_call_org", {
      p_call_id: call.id,
      p_from: remote.from,
      p_to: remote.to,
    });
    if (e) throw new Error(`resolve_call_org failed: ${e.message}`);
    if (!(resolved as { resolved: boolean }).resolved) {
      return { call_id: call.id, outcome: "orphaned", to: remote.to };
    }
  }

  if (call.status === "analyzed" || call.status === "orphaned") {
    return { call_id: call.id, outcome: `already ${call.status}` };
  }
  const { error: e2 } = await db.rpc("set_call_status", { p_call_id: call.id, p_status: "transcribing" });
  if (e2) throw new Error(`set_call_status failed: ${e2.message}`);
  return { call_id: call.id, outcome: "transcribing" };
}
