// sims: the live wiring of sims.ts — the caller's session read with the
// caller's JWT (RLS), turns and scores written through the backend RPCs with
// the service role, and OpenAI through the `openai` SDK (OPENAI_BASE_URL: the
// stand-in locally) when OPENAI_API_KEY is set.
import { jwtSub } from "../_shared/auth.ts";
import { serviceClient, userClient } from "../_shared/clients.ts";
import { openaiEnv } from "../_shared/env.ts";
import { errorText, log } from "../_shared/log.ts";
import { openaiClient } from "../_shared/providers/openai.ts";
import type { ScoreItem, SimTemplate, Turn } from "../_shared/sims/schema.ts";
import { type Deps, type LoadedSession, makeHandler, type SessionRow, type SimStore } from "./sims.ts";

interface SessionView {
  session: SessionRow;
  template: SimTemplate;
  turns: { role: "rep" | "buyer"; content: string; at_seconds: number | string }[];
  items: (Omit<ScoreItem, "weight"> & { weight: number | string })[];
}

export const supabaseSims: SimStore = {
  userId: (req) => jwtSub(req),
  async start(req, templateId, simId) {
    const { data, error } = await userClient(req).rpc("start_sim_session", {
      p_template_id: templateId,
      ...(simId ? { p_sim_id: simId } : {}),
    });
    return { data: data as unknown as SessionRow, error };
  },
  async load(req, sessionId) {
    const { data, error } = await userClient(req).rpc("sim_session", { p_session_id: sessionId });
    if (error) return { data: null, error };
    const v = data as unknown as SessionView | null;
    if (!v) return { data: null, error: null };
    const loaded: LoadedSession = {
      session: v.session,
      template: v.template,
      turns: v.turns.map((t): Turn => ({ role: t.role, content: t.content, at_seconds: Number(t.at_seconds) })),
      items: v.items.map((i) => ({ ...i, weight: Number(i.weight) })),
    };
    return { data: loaded, error: null };
  },
  async addTurn(sessionId, role, content, reply) {
    return await serviceClient().rpc("record_sim_turn", {
      p_session_id: sessionId,
      p_role: role,
      p_content: content,
      ...(reply ? { p_tokens_in: reply.tokensIn, p_tokens_out: reply.tokensOut, p_buyer: reply.buyer, p_model: reply.model } : {}),
    });
  },
  async end(sessionId) {
    const { data, error } = await serviceClient().rpc("end_sim_session", { p_session_id: sessionId });
    return { data: data as unknown as SessionRow, error };
  },
  async saveScore(sessionId, score) {
    const { data, error } = await serviceClient().rpc("record_sim_score", {
      p_session_id: sessionId,
      p: {
        scorer: score.scorer,
        model: score.model,
        prompt_version: score.promptVersion,
        tokens_in: score.tokensIn,
        tokens_out: score.tokensOut,
        dropped_claims: score.droppedClaims,
        items: score.items.map((i) => ({ ...i })),
        tips: score.tips,
      },
    });
    return { data: data as unknown as SessionRow, error };
  },
  async noteScoreError(sessionId, message) {
    const { error } = await serviceClient().rpc("note_sim_score_error", { p_session_id: sessionId, p_error: message });
    if (error) log("error", "could not note the scoring error", { error: errorText(error) });
  },
};

export { makeHandler };

export function realDeps(): Deps {
  return {
    store: supabaseSims,
    ai: () => {
      const env = openaiEnv();
      if (!env.OPENAI_API_KEY) return null;
      // An interactive turn: let the SDK retry 429/5xx twice (backing off) before the rep sees an error.
      return { model: env.OPENAI_MODEL, client: openaiClient({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: 30_000, maxRetries: 2 }) };
    },
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());
