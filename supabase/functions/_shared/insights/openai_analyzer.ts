// GPT-4o analysis with Structured Outputs: the zod Insight schema becomes the
// response format; the SDK parses and validates the reply. An invalid reply
// is retried once with the validation error; a second one is a permanent
// failure. Provider errors (429, 5xx, timeouts) are thrown for the queue to
// retry with backoff.
import type OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { z } from "zod";
import { type AnalysisInput, type AnalysisResult, Insight } from "./schema.ts";

export const PROMPT_VERSION = "call-insight-v1";

export class InvalidModelOutput extends Error {
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

export function transcriptForPrompt(input: AnalysisInput): string {
  return input.segments
    .map((s) => `[${clock(s.start)} | t=${s.start.toFixed(1)}] ${s.speaker === "agent" ? "Agent" : "Customer"}: ${s.text}`)
    .join("\n");
}

export function systemPrompt(input: AnalysisInput): string {
  const checklist = input.script.map((i) => `- ${i.id}: ${i.label}${i.description ? ` — ${i.description}` : ""}`).join("\n");
  return [
    "You analyze recorded sales phone calls for sales managers.",
    "Use only what is said in the transcript. Personal data has been replaced with placeholders like [CARD]; never guess it.",
    "Every piece of evidence must be a verbatim quote copied exactly from one transcript line, with that line's t= value as time and its speaker.",
    "sentiment is the customer's sentiment. converted is true only if the customer committed to buy during this call.",
    `upsell is additional revenue beyond the base purchase that the customer agreed to, in ${input.currency} unless another currency is stated.`,
    "script_adherence: one checklist entry per script item below (use its id), done only if the agent clearly did it.",
    "Call script:",
    checklist || "- (no script)",
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
): Promise<{ value: z.infer<S>; tokensIn: number; tokensOut: number }> {
  const messages = [...opts.messages];
  let tokensIn = 0;
  let tokensOut = 0;
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let problem: string;
    let raw = "";
    try {
      const completion = await opts.client.chat.completions.parse({
        model: opts.model,
        messages,
        temperature: 0,
        response_format: zodResponseFormat(opts.schema, opts.name),
      });
      tokensIn += completion.usage?.prompt_tokens ?? 0;
      tokensOut += completion.usage?.completion_tokens ?? 0;
      const message = completion.choices[0]?.message;
      raw = message?.content ?? "";
      if (message?.refusal) throw new InvalidModelOutput(`the model refused: ${message.refusal}`);
      return { value: opts.schema.parse(message?.parsed), tokensIn, tokensOut };
    } catch (err) {
      const e = err as Error;
      const invalid = e instanceof InvalidModelOutput || e.name === "ZodError" || e instanceof SyntaxError ||
        e.name === "LengthFinishReasonError" || e.name === "ContentFilterFinishReasonError";
      if (!invalid) throw err; // provider trouble: the caller (the queue, or the SDK's own retries) decides
      problem = e.message.slice(0, 2000);
    }
    if (attempt === opts.attempts) {
      throw new InvalidModelOutput(`invalid model output ${opts.attempts === 2 ? "twice" : `${opts.attempts} times`}: ${problem}`);
    }
    messages.push(
      { role: "assistant", content: raw || "(no content)" },
      { role: "user", content: `That reply was not valid for the required schema: ${problem}\nReply again with a valid JSON object.` },
    );
  }
  throw new InvalidModelOutput("unreachable");
}

export async function analyzeWithOpenAI(
  input: AnalysisInput,
  opts: { client: OpenAI; model: string },
): Promise<AnalysisResult> {
  const t0 = performance.now();
  const r = await parseWithRetries({
    client: opts.client,
    model: opts.model,
    messages: [
      { role: "system", content: systemPrompt(input) },
      { role: "user", content: `Transcript:\n${transcriptForPrompt(input)}` },
    ],
    schema: Insight,
    name: "call_insight",
    attempts: 2,
  });
  return {
    insight: r.value,
    analyzer: "openai",
    model: opts.model,
    promptVersion: PROMPT_VERSION,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    latencyMs: Math.round(performance.now() - t0),
    droppedClaims: 0,
  };
}
