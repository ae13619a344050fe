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

async function must<T>(p: PromiseLike<{ data: T; error: { message: string } | null }>, what: string): Promise<T> {
  const { data, error } = await p;
  if (error) throw new Error(`${what}: ${error.message}`);
  return data;
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
  const { db } = ctx;
  const callId = (job.payload as { call_id?: string })?.call_id;
  if (!callId) throw new PermanentError("payload.call_id is missing");
  const load = async () => {
    const c = await must(db.from("calls").select("*").eq("id", callId).maybeSingle(), "loading the call");
    if (!c) throw new PermanentError(`call ${callId} does not exist`);
    return c;
  };
  let call = await load();

  if (!call.org_id) {
    const remote = await ctx.twilio().client.calls(call.twilio_call_sid).fetch().catch((e) => {
      throw providerError(e, "Twilio Calls resource");
    });
    const resolved = await must(
      db.rpc("resolve_call_org", { p_call_id: call.id, p_from: remote.from, p_to: remote.to }),
      "resolve_call_org",
    );
    if (!(resolved as { resolved: boolean }).resolved) return { call_id: call.id, outcome: "orphaned", to: remote.to };
    call = await load();
  }
  // A suspended tenant's calls wait (status received) until staff reactivate it,
  // which queues them again.
  const tenant = await must(
    db.from("organizations").select("suspended_at").eq("id", call.org_id!).maybeSingle(),
    "loading the organization",
  );
  if (tenant?.suspended_at) return { call_id: call.id, outcome: "waiting: the organization is suspended" };

  // The consent ledger decides first: without the consent its jurisdiction
  // requires, the call is kept but not analyzed (status and reason on the call).
  const consent = await must(
    db.rpc("record_call_consent", {
      p_call_id: call.id,
      p_country: callerCountry(call.from_number) ?? "",
      p_notice: "",
      p_source: "analyzer",
    }),
    "record_call_consent",
  ) as { analysis_allowed: boolean; reason: string | null } | null;
  if (consent && !consent.analysis_allowed) {
    await must(
      db.rpc("set_call_status", { p_call_id: call.id, p_status: "not_analyzed", p_error: consent.reason ?? undefined }),
      "set_call_status",
    );
    return { call_id: call.id, outcome: "not_analyzed", reason: consent.reason };
  }
  setOrgId(call.org_id);
  const runKey = job.dedupe_key ?? `job:${job.id}`;
  const done = await must(
    db.from("insights").select("id").eq("call_id", call.id).eq("run_key", runKey).maybeSingle(),
    "checking for this run's insight",
  );
  if (done) return { call_id: call.id, insight_id: done.id, outcome: "already recorded" };

  try {
    const org = await must(
      db.from("organizations").select("currency, settings").eq("id", call.org_id!).maybeSingle(),
      "loading the organization",
    );
    if (!org) throw new PermanentError(`organization ${call.org_id} does not exist`);
    const settings = (org.settings ?? {}) as {
      transcription_source?: string;
      keep_unredacted_transcripts?: boolean;
      redact_types?: string[];
    };
    // Which PII types the organization redacts (settings.redact_types; all when unset).
    const redactTypes = Array.isArray(settings.redact_types)
      ? PII_TYPES.filter((t) => settings.redact_types!.includes(t))
      : undefined;

    // 2. Transcript (kept across retries and re-analyses).
    let transcript = await must(
      db.from("transcripts").select("segments").eq("call_id", call.id).maybeSingle(),
      "loading the transcript",
    );
    if (!transcript) {
      await must(db.rpc("set_call_status", { p_call_id: call.id, p_status: "transcribing" }), "set_call_status");
      const raw = await transcribe(ctx, call, settings.transcription_source ?? "twilio");
      const redacted = redactSegments(raw.segments, { types: redactTypes as PiiType[] | undefined });
      await must(
        db.rpc("save_transcript", {
          p_call_id: call.id,
          p: {
            source: raw.source,
            language: raw.language,
            full_text: transcriptText(redacted.segments),
            segments: redacted.segments,
            redactions: redacted.counts,
            original_text: settings.keep_unredacted_transcripts ? transcriptText(raw.segments) : null,
          },
        }),
        "save_transcript",
      );
      transcript = { segments: redacted.segments };
    }
    const segments = transcript.segments as Segment[];
    if (!segments.length) throw new PermanentError("the transcript is empty");

    // 3. Analysis, within the plan's analyzed minutes (SP402 otherwise).
    const { error: limit } = await db.rpc("check_analysis_allowed", { p_call_id: call.id });
    if (limit) {
      throw limit.code === "SP402" ? new PermanentError(limit.message) : new Error(`check_analysis_allowed: ${limit.message}`);
    }
    await must(db.rpc("set_call_status", { p_call_id: call.id, p_status: "analyzing" }), "set_call_status");
    const scriptRow = await must(db.rpc("default_call_script", { p_org_id: call.org_id! }), "default_call_script") as
      | { id: string | null; items: unknown }
      | null;
    const script = ScriptItem.array().catch([]).parse(scriptRow?.items ?? []);
    const input = { segments, script, currency: org.currency };
    const openai = ctx.openai();
    // The model: the plan's default, the organization's setting, or the budget
    // cap's cheaper one near the tenant's cap; the larger model once if its output fails validation.
    const choice = openai
      ? await must(db.rpc("analysis_model", { p_org_id: call.org_id! }), "analysis_model") as
        { model: string; reason: string | null; escalation_model: string | null }
      : null;
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

    // 4. Store: conversation metrics (with the customer's sentiment per turn and trajectory), then the insight.
    const sentiment = analyzeCallSentiment(segments);
    await must(
      db.rpc("record_call_metrics", {
        p_call_id: call.id,
        p: { ...conversationMetrics(segments), sentiment: { by_speaker: sentiment.by_speaker, customer: sentiment.customer, turns: sentiment.turns } },
      }),
      "record_call_metrics",
    );
    const insightId = await must(
      db.rpc("record_insight", {
        p_call_id: call.id,
        p_run_key: runKey,
        p: {
          analyzer: result.analyzer,
          model: result.model,
          prompt_version: result.promptVersion,
          script_id: scriptRow?.id ?? null,
          insight: checked.insight,
          tokens_in: result.tokensIn,
          tokens_out: result.tokensOut,
          latency_ms: result.latencyMs,
          dropped_claims: result.droppedClaims + checked.dropped,
        },
      }),
      "record_insight",
    );
    const reason = [choice?.reason, result.escalation].filter(Boolean).join("; ");
    if (reason) {
      await must(db.rpc("note_insight_model", { p_insight_id: insightId as string, p_reason: reason }), "note_insight_model");
    }
    return { call_id: call.id, insight_id: insightId, analyzer: result.analyzer, dropped_claims: checked.dropped };
  } catch (err) {
    const e = err instanceof InvalidModelOutput ? new PermanentError(err.message) : err as Error;
    const message = e.message;
    const final = e instanceof PermanentError || job.attempts >= job.max_attempts;
    // The call shows where it stands: failed with the reason, or waiting for a
    // retry. A failed RE-analysis leaves the call analyzed with its previous
    // insight (still current), and says why the new one is missing.
    const { data: previous } = final
      ? await db.from("insights").select("id").eq("call_id", call.id).eq("is_current", true).maybeSingle()
      : { data: null };
    await db.rpc("set_call_status", {
      p_call_id: call.id,
      p_status: final ? (previous ? "analyzed" : "failed") : "received",
      p_error: final
        ? `${previous ? "re-analysis failed: " : ""}${message}`.slice(0, 1000)
        : `retrying: ${message.slice(0, 500)}`,
    });
    throw e;
  }
}
