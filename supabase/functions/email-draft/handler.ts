// email-draft: a pre-filled email for the composer (user endpoint, JWT).
//
//   POST /functions/v1/email-draft {kind: "call" | "referral", id}
//
// The draft comes from SQL under the caller's RLS (draft_call_follow_up: the
// call's current insight — summary and next steps — in the organization's
// call_follow_up template; draft_referral_email: referral_introduction), so
// a call or referral the caller may not read is a 404. With OPENAI_API_KEY a
// call's follow-up is then rewritten by the model (Structured Outputs, zod)
// from that same text — it is told to add nothing that is not in it; without
// a key, or when the model fails, the template's draft is returned as is.
// `drafted_by` says which.
import type OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { userClient } from "../_shared/clients.ts";
import { openaiEnv } from "../_shared/env.ts";
import { dbErrorResponse } from "../_shared/errors.ts";
import { handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { errorText, log } from "../_shared/log.ts";
import { openaiClient } from "../_shared/providers/openai.ts";

export const PROMPT_VERSION = "email-follow-up-v1";

const Body = z.object({ kind: z.enum(["call", "referral"]), id: z.uuid() }).strict();

export const Written = z.object({
  subject: z.string().min(1).max(300),
  body: z.string().min(1).max(20000),
});

export interface Draft {
  subject: string;
  text: string;
  template_key: string;
  source_type: string;
  source_id: string;
  to: string | null;
  [k: string]: unknown;
}

export interface Deps {
  /** The SQL draft as the caller may read it; error codes as PostgREST gives them. */
  draft(req: Request, kind: "call" | "referral", id: string): Promise<{ data: Draft | null; error: { code?: string; message?: string } | null }>;
  /** null without OPENAI_API_KEY. */
  openai(): { client: OpenAI; model: string } | null;
}

async function rewrite(draft: Draft, ai: { client: OpenAI; model: string }) {
  const completion = await ai.client.chat.completions.parse({
    model: ai.model,
    temperature: 0.3,
    messages: [
      {
        role: "system",
        content: "You write short, friendly follow-up emails that a salesperson sends a customer after a phone call. " +
          "Rewrite the draft below into a natural email. Keep every fact and next step it states, add no facts, prices, " +
          "dates or promises that are not in it, keep the greeting and the signature's name. Plain text, no markdown.",
      },
      { role: "user", content: `Subject: ${draft.subject}\n\n${draft.text}` },
    ],
    response_format: zodResponseFormat(Written, "follow_up_email"),
  });
  const parsed = completion.choices[0]?.message.parsed;
  if (!parsed) throw new Error("the model gave no email");
  return Written.parse(parsed);
}

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = handleCors(req);
    if (cors) return cors;
    const body = await readBody(req, Body);
    if (body instanceof Response) return body;
    const { data, error } = await deps.draft(req, body.kind, body.id);
    if (error) return dbErrorResponse(error);
    if (!data) return jsonError(404, "not_found", "Nothing to draft from");
    const ai = body.kind === "call" ? deps.openai() : null;
    if (!ai) return json({ ...data, drafted_by: "template" });
    try {
      const w = await rewrite(data, ai);
      return json({ ...data, subject: w.subject, text: w.body, drafted_by: "llm", model: ai.model, prompt_version: PROMPT_VERSION });
    } catch (err) {
      log("warn", "the model's draft failed; the template's is used", { error: errorText(err) });
      return json({ ...data, drafted_by: "template", llm_error: "The AI draft was not available; this is the template's." });
    }
  };
}

export function realDeps(): Deps {
  return {
    async draft(req, kind, id) {
      const db = userClient(req);
      const r = kind === "call"
        ? await db.rpc("draft_call_follow_up", { p_call_id: id })
        : await db.rpc("draft_referral_email", { p_referral_id: id });
      return { data: r.data as unknown as Draft | null, error: r.error };
    },
    openai() {
      const env = openaiEnv();
      if (!env.OPENAI_API_KEY) return null;
      return { model: env.OPENAI_MODEL, client: openaiClient({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: 20_000 }) };
    },
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());
