// sims: a rep's practice session against the AI buyer, over text.
//
//   POST {action:"start", template_id, sim_id?}  → 201 {session}            (start_sim_session: SP402 plan limit, SP422 attempts)
//   POST {action:"say", session_id, text?}       → 200 application/x-ndjson, one JSON object a line:
//        {"type":"rep","turn":…}                    the rep's turn, stored (omitted when `text` is absent: a retry of the reply)
//        {"type":"delta","text":"…"}                the buyer's reply as it streams in
//        {"type":"buyer","turn":…,"hung_up":bool}   the buyer's turn, stored
//        {"type":"error","error":{code,message}}    the buyer failed; the rep's turn stays, `say` without text retries
//   POST {action:"end", session_id}              → 200 {session} scored, or 502 scoring_failed (nothing written; `end` again retries)
//
// The caller must own the session: it is read with the caller's JWT (RLS)
// and its user_id compared with the token's; turns and scores are written
// through backend RPCs with the service role. With OPENAI_API_KEY the buyer
// and the scorer are the OpenAI ones (the SDK retries 429/5xx twice; the
// scorer retries invalid output), without it the offline ones.
import type OpenAI from "openai";
import { z } from "zod";
import { offlineBuyerReply, openaiBuyerReply } from "../_shared/sims/buyer.ts";
import type { BuyerReply, ScoreItem, SimScoreResult, SimTemplate, Turn } from "../_shared/sims/schema.ts";
import { scoreOffline, scoreWithOpenAI } from "../_shared/sims/scorer.ts";
import { ConfigError } from "../_shared/env.ts";
import { type DbError, dbErrorResponse, type DbResult } from "../_shared/errors.ts";
import { errorText, log } from "../_shared/log.ts";
import { corsHeaders, handleCors, json, jsonError, readBody } from "../_shared/http.ts";

export type { DbError, DbResult };

export interface SessionRow {
  id: string;
  user_id: string;
  status: "active" | "ended" | "scored";
  [k: string]: unknown;
}

export interface LoadedSession {
  session: SessionRow;
  template: SimTemplate;
  items: ScoreItem[];
  turns: Turn[];
}

/** What the handler needs from the database (handler.ts: supabase-js). */
export interface SimStore {
  /** The token's user id (null: not a signed-in user). */
  userId(req: Request): string | null;
  start(req: Request, templateId: string, simId: string | null): Promise<DbResult<SessionRow>>;
  /** The session as the caller sees it (RLS), with its template, scorecard items and turns. */
  load(req: Request, sessionId: string): Promise<DbResult<LoadedSession>>;
  addTurn(sessionId: string, role: "rep" | "buyer", content: string, reply?: BuyerReply): Promise<DbResult<unknown>>;
  end(sessionId: string): Promise<DbResult<SessionRow>>;
  saveScore(sessionId: string, score: SimScoreResult): Promise<DbResult<SessionRow>>;
  noteScoreError(sessionId: string, message: string): Promise<void>;
}

export interface Deps {
  store: SimStore;
  /** null without OPENAI_API_KEY: the offline buyer and scorer. */
  ai(): { client: OpenAI; model: string } | null;
}

const Body = z.discriminatedUnion("action", [
  z.object({ action: z.literal("start"), template_id: z.uuid(), sim_id: z.uuid().nullish() }),
  z.object({ action: z.literal("say"), session_id: z.uuid(), text: z.string().trim().min(1).max(2000).optional() }),
  z.object({ action: z.literal("end"), session_id: z.uuid() }),
]);

const notFound = () => jsonError(404, "not_found", "Practice session not found");

function providerMessage(err: unknown): string {
  const status = (err as { status?: number })?.status;
  if (status === 429) return "The AI service is busy (rate limited). Try again in a moment.";
  if (typeof status === "number" && status >= 500) return "The AI service had an error. Try again in a moment.";
  if ((err as Error)?.name === "InvalidModelOutput") return "The AI returned an unusable answer several times. Try again.";
  return "The AI service did not answer. Try again in a moment.";
}

export function makeHandler(deps: Deps) {
  async function owned(req: Request, sessionId: string): Promise<LoadedSession | Response> {
    const uid = deps.store.userId(req);
    if (!uid) return jsonError(401, "not_authenticated", "Sign in first");
    const { data, error } = await deps.store.load(req, sessionId);
    if (error) return dbErrorResponse(error);
    // Managers may read their team's sessions, but only the rep practises in one.
    if (!data || data.session.user_id !== uid) return notFound();
    return data;
  }

  async function buyerReply(s: LoadedSession, turns: Turn[], onDelta: (t: string) => void): Promise<BuyerReply> {
    const ai = deps.ai();
    if (!ai) {
      const r = offlineBuyerReply(s.template, turns);
      onDelta(r.text);
      return r;
    }
    return await openaiBuyerReply(s.template, turns, { client: ai.client, model: ai.model, onDelta });
  }

  async function say(req: Request, sessionId: string, text: string | undefined): Promise<Response> {
    const s = await owned(req, sessionId);
    if (s instanceof Response) return s;
    if (s.session.status !== "active") return jsonError(409, "conflict", "This session has ended");
    let repTurn: unknown = null;
    if (text !== undefined) {
      const r = await deps.store.addTurn(sessionId, "rep", text);
      if (r.error) return dbErrorResponse(r.error);
      repTurn = r.data;
      s.turns.push({ role: "rep", content: text, at_seconds: Number((r.data as { at_seconds?: number })?.at_seconds ?? 0) });
    } else if (s.turns.at(-1)?.role !== "rep") {
      return jsonError(422, "rule_violation", "The buyer has already answered; say something first");
    }
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (o: unknown) => controller.enqueue(enc.encode(JSON.stringify(o) + "\n"));
        if (repTurn) send({ type: "rep", turn: repTurn });
        try {
          const reply = await buyerReply(s, s.turns, (d) => send({ type: "delta", text: d }));
          const r = await deps.store.addTurn(sessionId, "buyer", reply.text, reply);
          if (r.error) throw Object.assign(new Error(r.error.message ?? "could not store the reply"), { db: r.error });
          send({ type: "buyer", turn: r.data, hung_up: reply.hungUp });
        } catch (err) {
          log("error", "buyer reply failed", { error: errorText(err) });
          send({ type: "error", error: { code: "buyer_failed", message: providerMessage(err) } });
        }
        controller.close();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { ...corsHeaders, "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
    });
  }

  async function end(req: Request, sessionId: string): Promise<Response> {
    const s = await owned(req, sessionId);
    if (s instanceof Response) return s;
    if (s.session.status === "scored") return json({ session: s.session });
    const ended = await deps.store.end(sessionId);
    if (ended.error) return dbErrorResponse(ended.error);
    const ai = deps.ai();
    const input = { template: s.template, items: s.items, turns: s.turns };
    let score: SimScoreResult;
    try {
      score = ai ? await scoreWithOpenAI(input, ai) : scoreOffline(input);
    } catch (err) {
      log("error", "scoring failed", { error: errorText(err) });
      const message = providerMessage(err);
      await deps.store.noteScoreError(sessionId, message);
      return jsonError(502, "scoring_failed", `Scoring failed, nothing was saved. ${message}`);
    }
    const saved = await deps.store.saveScore(sessionId, score);
    if (saved.error) return dbErrorResponse(saved.error);
    return json({ session: saved.data });
  }

  return async (req: Request): Promise<Response> => {
    const cors = handleCors(req);
    if (cors) return cors;
    const body = await readBody(req, Body, { maxBytes: 16 * 1024 });
    if (body instanceof Response) return body;
    try {
      if (body.action === "start") {
        if (!deps.store.userId(req)) return jsonError(401, "not_authenticated", "Sign in first");
        const { data, error } = await deps.store.start(req, body.template_id, body.sim_id ?? null);
        if (error) return dbErrorResponse(error);
        return json({ session: data }, { status: 201 });
      }
      if (body.action === "say") return await say(req, body.session_id, body.text);
      return await end(req, body.session_id);
    } catch (err) {
      if (err instanceof ConfigError) return jsonError(500, "misconfigured", err.message);
      log("error", "unexpected error", { error: errorText(err) });
      return jsonError(500, "internal_error", "Something went wrong on our side");
    }
  };
}
