// OpenAI analysis with Structured Outputs: the zod Insight schema becomes the
// response format; the SDK parses and validates the reply. An invalid reply
// is retried once with the validation error; a second one escalates to the
// larger model once (when the caller gives one), else is a permanent failure.
// The static instructions come first and the call's text (script, compacted
// transcript) last, so the provider's prompt cache serves the prefix.
// Provider errors (429, 5xx, timeouts) are thrown for the queue to retry.
import type OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { z } from "zod";
import { compactTranscript, restoreQuotes } from "./compact.ts";
import { type AnalysisInput, type AnalysisResult, Insight } from "./schema.ts";

export const PROMPT_VERSION = "call-insight-v2";

export class InvalidModelOutput extends Error {
  /** What the failed requests used (an escalation adds them to the call's tokens). */
  tokensIn = 0;
  tokensOut = 0;
  tokensCached = 0;
  constructor(message: string) {
    super(message);
    this.name = "InvalidModelOutput";
  }
}

function clock(t: number) {
  const m = Math.floor(t / 60);
  const s = Math.floor(t % 60);
  return `${m}:${String(s).padStart(2, "0")}`;
}

/** One line per sentence with its clock and t= value (the sim scorer's conversation). */
export function transcriptForPrompt(input: AnalysisInput): string {
  return input.segments
    .map((s) => `[${clock(s.start)} | t=${s.start.toFixed(1)}] ${s.speaker === "agent" ? "Agent" : "Customer"}: ${s.text}`)
    .join("\n");
}

// The same for every call and organization, first in every request (with the
// response schema), so the provider's prompt cache serves it.
const INSTRUCTIONS = [
  "You analyze recorded sales phone calls for sales managers.",
  "Use only what is said in the transcript. Personal data has been replaced with placeholders like [CARD]; never guess it.",
  "The transcript has one line per speaker turn: its start time in seconds, the speaker (A = the agent, C = the customer), then what they said.",
  "Every piece of evidence must be a verbatim quote copied exactly from within one sentence of one transcript line, with that line's start time as time and its speaker (agent or customer).",
  "sentiment is the customer's sentiment. converted is true only if the customer committed to buy during this call.",
  "script_adherence: one checklist entry per script item given with the call (use its id), done only if the agent clearly did it.",
].join("\n");

/** The static instructions: no call- or organization-specific text. */
export function systemPrompt(): string {
  return INSTRUCTIONS;
}

/** What is specific to the call, last: currency, call script, transcript. */
export function callPrompt(input: AnalysisInput): string {
  const checklist = input.script.map((i) => `- ${i.id}: ${i.label}${i.description ? ` — ${i.description}` : ""}`).join("\n");
  return [
    `Currency: upsell is additional revenue beyond the base purchase that the customer agreed to, in ${input.currency} unless another currency is stated.`,
    "Call script:",
    checklist || "- (no script)",
    "Transcript:",
    compactTranscript(input.segments),
  ].join("\n");
}

/**
 * One Structured Outputs request, validated by `schema`; an invalid reply
 * (unparseable, off-schema, refused, cut off) is asked again with the
 * validation error, up to `attempts` requests in all, then InvalidModelOutput.
 * Provider errors (429, 5xx, timeouts) are thrown as they come.
 */
export async function parseWithRetries<S extends z.ZodType>(
  opts: { client: OpenAI; model: string; messages: OpenAI.ChatCompletionMessageParam[]; schema: S; name: string; attempts: number },
): Promise<{ value: z.infer<S>; tokensIn: number; tokensOut: number; tokensCached: number }> {
  const messages = [...opts.messages];
  let tokensIn = 0;
  let tokensOut = 0;
  let tokensCached = 0;
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let problem: string;
    let raw = "";
    try {
      // create + the format's own parser (what chat.completions.parse does), so
      // the usage of a reply that fails to parse is counted too.
      const format = zodResponseFormat(opts.schema, opts.name);
      const completion = await opts.client.chat.completions.create({
        model: opts.model,
        messages,
        temperature: 0,
        response_format: format,
      });
      tokensIn += completion.usage?.prompt_tokens ?? 0;
      tokensOut += completion.usage?.completion_tokens ?? 0;
      tokensCached += completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      const choice = completion.choices[0];
      const message = choice?.message;
      raw = message?.content ?? "";
      if (message?.refusal) throw new InvalidModelOutput(`the model refused: ${message.refusal}`);
      if (choice?.finish_reason === "length") throw new InvalidModelOutput("the reply was cut off (length)");
      if (choice?.finish_reason === "content_filter") throw new InvalidModelOutput("the reply was filtered (content_filter)");
      return { value: opts.schema.parse(format.$parseRaw(raw)), tokensIn, tokensOut, tokensCached };
    } catch (err) {
      const e = err as Error;
      const invalid = e instanceof InvalidModelOutput || e.name === "ZodError" || e instanceof SyntaxError ||
        e.name === "LengthFinishReasonError" || e.name === "ContentFilterFinishReasonError";
      if (!invalid) throw err; // provider trouble: the caller (the queue, or the SDK's own retries) decides
      problem = e.message.slice(0, 2000);
    }
    if (attempt === opts.attempts) {
      const times = opts.attempts === 1 ? "" : opts.attempts === 2 ? " twice" : ` ${opts.attempts} times`;
      const e = new InvalidModelOutput(`invalid model output${times}: ${problem}`);
      Object.assign(e, { tokensIn, tokensOut, tokensCached });
      throw e;
    }
    messages.push(
      { role: "assistant", content: raw || "(no content)" },
      { role: "user", content: `That reply was not valid for the required schema: ${problem}\nReply again with a valid JSON object.` },
    );
  }
  throw new InvalidModelOutput("unreachable");
}

/**
 * Analysis with `model`; when its output is still invalid after its retries
 * and an `escalation` model is given, the larger model is asked once (one
 * request) and the result says so (`escalation`). Tokens are summed over all
 * requests; `tokensCached` is the prompt tokens the provider served from its cache.
 */
export async function analyzeWithOpenAI(
  input: AnalysisInput,
  opts: { client: OpenAI; model: string; escalation?: string | null },
): Promise<AnalysisResult & { tokensCached: number; escalation: string | null }> {
  const t0 = performance.now();
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: systemPrompt() },
    { role: "user", content: callPrompt(input) },
  ];
  const ask = (model: string, attempts: number) =>
    parseWithRetries({ client: opts.client, model, messages, schema: Insight, name: "call_insight", attempts });
  let model = opts.model;
  let escalation: string | null = null;
  let spent = { tokensIn: 0, tokensOut: 0, tokensCached: 0 };
  let r: Awaited<ReturnType<typeof ask>>;
  try {
    r = await ask(model, 2);
  } catch (e) {
    if (!(e instanceof InvalidModelOutput) || !opts.escalation || opts.escalation === model) throw e;
    spent = { tokensIn: e.tokensIn, tokensOut: e.tokensOut, tokensCached: e.tokensCached };
    escalation = `escalated: ${model} output failed validation (${e.message.slice(0, 160)}); ${opts.escalation} instead`;
    model = opts.escalation;
    try {
      r = await ask(model, 1);
    } catch (e2) {
      if (!(e2 instanceof InvalidModelOutput)) throw e2;
      const failed = new InvalidModelOutput(
        `invalid model output twice from ${opts.model}, then from ${model}: ${e2.message.replace(/^invalid model output: /, "")}`,
      );
      Object.assign(failed, { tokensIn: e.tokensIn + e2.tokensIn, tokensOut: e.tokensOut + e2.tokensOut });
      throw failed;
    }
  }
  return {
    insight: restoreQuotes(r.value, input.segments),
    analyzer: "openai",
    model,
    promptVersion: PROMPT_VERSION,
    tokensIn: spent.tokensIn + r.tokensIn,
    tokensOut: spent.tokensOut + r.tokensOut,
    tokensCached: spent.tokensCached + r.tokensCached,
    latencyMs: Math.round(performance.now() - t0),
    droppedClaims: 0,
    escalation,
  };
}
