// insights (the analyze_call job): the insight pipeline for one recorded call.
//  1. A call the voice webhook never saw has no organization yet: resolve it
//     through Twilio's Calls resource (To → our number → organization), or
//     mark it orphaned for staff.
//  2. transcribing: Twilio's transcript, or OpenAI speech-to-text per channel
//     (organization setting, or when Twilio has none); PII redacted before it
//     is stored or sent to any LLM.
//  3. analyzing: OpenAI Structured Outputs with the organization's model
//     (analysis_model: plan default, organization setting, budget cap; the
//     larger model once when the output fails validation), or the offline
//     analyzer without OPENAI_API_KEY; evidence-checked against the transcript.
//  4. record_call_metrics: talk metrics and sentiment per turn; record_insight:
//     current insight + history, call analyzed; bookkeeping
//     by trigger. Idempotent per job (run_key): a re-run adds nothing.
// Provider trouble is thrown for the queue to retry with backoff; what
// retrying cannot fix fails the call with its reason.
// The database is reached over the backend pool (ctx.sql: one Postgres round
// trip per step, no HTTP hops through the API gateway and PostgREST), each
// step one statement calling the backend-only SQL functions; statements that
// write carry the job's request id (inRequest), as PostgREST calls do.
import { APIConnectionError, APIError } from "openai";
import { classifyOpenAIError, openaiRateGate } from "../_shared/providers/openai.ts";
import { analyzeOffline } from "../_shared/insights/offline.ts";
import { analyzeWithOpenAI, InvalidModelOutput } from "../_shared/insights/openai_analyzer.ts";
import { PII_TYPES, type PiiType, redactSegments } from "../_shared/insights/redact.ts";
import { type AnalysisResult, ScriptItem, type Segment } from "../_shared/insights/schema.ts";
import { verifyEvidence } from "../_shared/insights/evidence.ts";
import { conversationMetrics } from "../_shared/insights/metrics.ts";
import { analyzeCallSentiment } from "../_shared/insights/sentiment.ts";
import {
  downloadRecordingWav,
  openaiTranscript,
  type RawTranscript,
  twilioTranscript,
} from "../_shared/insights/transcribe.ts";
import { callerCountry } from "../_shared/consent.ts";
import { type Job, type JobContext, PermanentError, RetryLaterError } from "./worker.ts";
import { setOrgId } from "../_shared/log.ts";
import { inRequest, requestScope } from "../_shared/sql.ts";
import type postgres from "postgres";

/** Provider errors the queue can fix by retrying; others fail the call. */
function providerError(err: unknown, what: string): Error {
  if (err instanceof PermanentError || err instanceof InvalidModelOutput || err instanceof RetryLaterError) return err;
  if (err instanceof APIError && err.status === 429) {
    // OpenAI's rate limit: come back when it says (every job of this isolate
    // waits too), not after our backoff. Out of quota is not a rate limit.
    const f = classifyOpenAIError(err);
    if (f.retryable) {
      const ms = f.retryAfterMs ?? 1000;
      openaiRateGate.block(ms);
      return new RetryLaterError(`${what}: rate limited (429), retry after ${ms} ms: ${err.message}`, ms);
    }
  }
  const status = (err as { status?: number }).status;
  if (err instanceof APIConnectionError || status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) {
    return new Error(`${what}: ${(err as Error).message}`);
  }
  return new PermanentError(`${what}: ${(err as Error).message}`);
}

/** Refuses to send while OpenAI's Retry-After runs: the job comes back when it ends. */
function openAIGateOpen(what: string): void {
  const wait = openaiRateGate.remainingMs();
  if (wait > 0) throw new RetryLaterError(`${what}: waiting out OpenAI's Retry-After (${wait} ms left)`, wait);
}

/** A step's statement; a database error names the step. */
async function must<T>(p: PromiseLike<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

/** The columns of a call the pipeline reads. */
interface CallRow {
  id: string;
  org_id: string | null;
  twilio_call_sid: string;
  twilio_recording_sid: string | null;
  recording_url: string | null;
  from_number: string | null;
}

export function transcriptText(segments: Segment[]): string {
  return segments.map((s) => `${s.speaker === "agent" ? "Agent" : "Customer"}: ${s.text}`).join("\n");
}

async function transcribe(
  ctx: JobContext,
  call: { twilio_recording_sid: string | null; recording_url: string | null },
  source: string,
) {
  const ai = ctx.openai();
  const tw = ctx.twilio();
  const viaOpenAI = async (): Promise<RawTranscript> => {
    if (!ai) throw new PermanentError("no transcript: Twilio has none and speech-to-text needs OPENAI_API_KEY");
    if (!call.recording_url) throw new PermanentError("no transcript: the call has no recording URL");
    const wav = await downloadRecordingWav(call.recording_url, tw.credentials).catch((e) => {
      throw providerError(e, "recording download");
    });
    openAIGateOpen("OpenAI speech-to-text");
    return await openaiTranscript(ai.client, wav).catch((e) => {
      throw providerError(e, "OpenAI speech-to-text");
    });
  };
  if (source === "openai" && ai) return await viaOpenAI();
  if (!call.twilio_recording_sid) throw new PermanentError("no transcript: the call has no recording");
  const fromTwilio = await twilioTranscript(tw.client, call.twilio_recording_sid).catch((e) => {
    throw providerError(e, "Twilio transcript");
  });
  return fromTwilio ?? await viaOpenAI();
}

export async function analyzeCall(job: Job, ctx: JobContext) {
  const { sql } = ctx;
  const callId = (job.payload as { call_id?: string })?.call_id;
  if (!callId) throw new PermanentError("payload.call_id is missing");
  const load = async () => {
    const [c] = await must(
      sql<CallRow[]>`
        select id, org_id, twilio_call_sid, twilio_recording_sid, recording_url, from_number
          from public.calls where id = ${callId}`,
      "loading the call",
    );
    if (!c) throw new PermanentError(`call ${callId} does not exist`);
    return c;
  };
  let call = await load();
  const setStatus = (status: string, error: string | null = null) =>
    must(inRequest(sql, sql`public.set_call_status(${call.id}, ${status}::public.call_status, ${error})`), "set_call_status");

  if (!call.org_id) {
    const remote = await ctx.twilio().client.calls(call.twilio_call_sid).fetch().catch((e) => {
      throw providerError(e, "Twilio Calls resource");
    });
    const [{ r: resolved }] = await must(
      inRequest<{ resolved: boolean }>(sql, sql`public.resolve_call_org(${call.id}, ${remote.from}, ${remote.to})`),
      "resolve_call_org",
    );
    if (!resolved.resolved) return { call_id: call.id, outcome: "orphaned", to: remote.to };
    call = await load();
  }
  const orgId = call.org_id!;
  const [org] = await must(
    sql<{ suspended_at: Date | null; currency: string; settings: Record<string, unknown> | null }[]>`
      select suspended_at, currency, settings from public.organizations where id = ${orgId}`,
    "loading the organization",
  );
  // A suspended tenant's calls wait (status received) until staff reactivate it,
  // which queues them again.
  if (org?.suspended_at) return { call_id: call.id, outcome: "waiting: the organization is suspended" };

  // The consent ledger decides first: without the consent its jurisdiction
  // requires, the call is kept but not analyzed (status and reason on the call).
  const [{ r: consent }] = await must(
    inRequest<{ analysis_allowed: boolean; reason: string | null } | null>(
      sql,
      sql`public.record_call_consent(${call.id}, ${callerCountry(call.from_number) ?? ""}, '', 'analyzer')`,
    ),
    "record_call_consent",
  );
  if (consent && !consent.analysis_allowed) {
    await setStatus("not_analyzed", consent.reason);
    return { call_id: call.id, outcome: "not_analyzed", reason: consent.reason };
  }
  setOrgId(orgId);
  const runKey = job.dedupe_key ?? `job:${job.id}`;
  // This run's insight, if an earlier attempt stored it, and the transcript (kept across retries and re-analyses).
  const [{ done, segments: stored }] = await must(
    sql<{ done: string | null; segments: Segment[] | null }[]>`
      select (select id from public.insights where call_id = ${call.id} and run_key = ${runKey}) as done,
             (select segments from public.transcripts where call_id = ${call.id}) as segments`,
    "checking for this run's insight and the transcript",
  );
  if (done) return { call_id: call.id, insight_id: done, outcome: "already recorded" };

  try {
    if (!org) throw new PermanentError(`organization ${orgId} does not exist`);
    const settings = (org.settings ?? {}) as {
      transcription_source?: string;
      keep_unredacted_transcripts?: boolean;
      redact_types?: string[];
    };
    // Which PII types the organization redacts (settings.redact_types; all when unset).
    const redactTypes = Array.isArray(settings.redact_types)
      ? PII_TYPES.filter((t) => settings.redact_types!.includes(t))
      : undefined;

    // 2. Transcript.
    let segments = stored;
    if (!segments) {
      await setStatus("transcribing");
      const raw = await transcribe(ctx, call, settings.transcription_source ?? "twilio");
      const redacted = redactSegments(raw.segments, { types: redactTypes as PiiType[] | undefined });
      const transcript = {
        source: raw.source,
        language: raw.language,
        full_text: transcriptText(redacted.segments),
        segments: redacted.segments,
        redactions: redacted.counts,
        original_text: settings.keep_unredacted_transcripts ? transcriptText(raw.segments) : null,
      };
      await must(inRequest(sql, sql`public.save_transcript(${call.id}, ${sql.json(transcript as unknown as postgres.JSONValue)})`), "save_transcript");
      segments = redacted.segments;
    }
    if (!segments.length) throw new PermanentError("the transcript is empty");

    // 3. Analysis, within the plan's analyzed minutes (SP402 otherwise): one
    // statement checks the limit, marks the call analyzing and reads the
    // organization's script and, with OpenAI, its model choice (the plan's
    // default, the organization's setting, or the budget cap's cheaper one near
    // the tenant's cap; the larger model once if its output fails validation).
    const openai = ctx.openai();
    let prepared: { script_id: string | null; items: unknown; choice: { model: string; reason: string | null; escalation_model: string | null } | null };
    try {
      [prepared] = await sql<typeof prepared[]>`
        with ${requestScope(sql)},
             allowed as materialized (select public.check_analysis_allowed(${call.id}) from _request),
             analyzing as materialized (select public.set_call_status(${call.id}, 'analyzing', null) from allowed)
        select s.id as script_id, s.items,
               case when ${Boolean(openai)} then public.analysis_model(${orgId}) end as choice
          from analyzing left join lateral public.default_call_script(${orgId}) s on true`;
    } catch (e) {
      const pg = e as { code?: string; message: string };
      throw pg.code === "SP402" ? new PermanentError(pg.message) : new Error(`check_analysis_allowed: ${pg.message}`);
    }
    const script = ScriptItem.array().catch([]).parse(prepared.items ?? []);
    const input = { segments, script, currency: org.currency };
    const choice = openai ? prepared.choice : null;
    let result: AnalysisResult & { escalation?: string | null };
    if (openai) openAIGateOpen("OpenAI analysis");
    try {
      result = openai && choice
        ? await analyzeWithOpenAI(input, { client: openai.client, model: choice.model, escalation: choice.escalation_model })
        : await analyzeOffline(input);
    } catch (e) {
      throw e instanceof APIError || e instanceof APIConnectionError ? providerError(e, "OpenAI analysis") : e;
    }
    const checked = verifyEvidence(result.insight, segments, script);

    // 4. Store, in one statement: the conversation metrics (with the customer's
    // sentiment per turn and trajectory), then the insight, then why it used
    // the model it did.
    const sentiment = analyzeCallSentiment(segments);
    const metrics = {
      ...conversationMetrics(segments),
      sentiment: { by_speaker: sentiment.by_speaker, customer: sentiment.customer, turns: sentiment.turns },
    };
    const insight = {
      analyzer: result.analyzer,
      model: result.model,
      prompt_version: result.promptVersion,
      script_id: prepared.script_id ?? null,
      insight: checked.insight,
      tokens_in: result.tokensIn,
      tokens_out: result.tokensOut,
      latency_ms: result.latencyMs,
      dropped_claims: result.droppedClaims + checked.dropped,
    };
    const reason = [choice?.reason, result.escalation].filter(Boolean).join("; ");
    const [{ insight_id: insightId }] = await must(
      sql<{ insight_id: string }[]>`
        with ${requestScope(sql)},
             metrics as materialized (
               select public.record_call_metrics(${call.id}, ${sql.json(metrics as unknown as postgres.JSONValue)}) from _request),
             stored as materialized (
               select public.record_insight(${call.id}, ${runKey}, ${sql.json(insight as unknown as postgres.JSONValue)}) as id from metrics)
        select id as insight_id, case when ${reason} <> '' then public.note_insight_model(id, ${reason}) end from stored`,
      "record_insight",
    );
    return { call_id: call.id, insight_id: insightId, analyzer: result.analyzer, dropped_claims: checked.dropped };
  } catch (err) {
    const e = err instanceof InvalidModelOutput ? new PermanentError(err.message) : err as Error;
    const message = e.message;
    const final = e instanceof PermanentError || job.attempts >= job.max_attempts;
    // The call shows where it stands: failed with the reason, or waiting for a
    // retry. A failed RE-analysis leaves the call analyzed with its previous
    // insight (still current), and says why the new one is missing.
    const [previous] = final
      ? await sql`select id from public.insights where call_id = ${call.id} and is_current`.catch(() => [])
      : [];
    await setStatus(
      final ? (previous ? "analyzed" : "failed") : "received",
      final ? `${previous ? "re-analysis failed: " : ""}${message}`.slice(0, 1000) : `retrying: ${message.slice(0, 500)}`,
    ).catch(() => {});
    throw e;
  }
}
