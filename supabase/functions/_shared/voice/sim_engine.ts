// The voice session's buyer and scorer are the SIM engine's: the buyer is the
// persona of the SIM template the session's scenario practises (or, without
// one, the organization's first built-in template), played by the model when
// OPENAI_API_KEY is set and by the scripted offline buyer otherwise; the
// session is scored on that template's scorecard with the same scorer (and
// evidence check) as text practice.
import type OpenAI from "openai";
import type { Db } from "../clients.ts";
import { offlineBuyerReply, openaiBuyerReply } from "../sims/buyer.ts";
import { type ScoreItem, SimTemplate, type Turn as SimTurn } from "../sims/schema.ts";
import { scoreOffline, scoreWithOpenAI } from "../sims/scorer.ts";
import type { Buyer, Scorer, Turn } from "./session.ts";

export interface SimAi {
  client: OpenAI;
  model: string;
}

interface Practised {
  template: SimTemplate;
  scorecardId: string;
}

/** The SIM template a voice session practises. */
export async function practisedTemplate(db: Db, sessionId: string): Promise<Practised | null> {
  const { data: s, error } = await db.from("voice_sessions")
    .select("org_id, scenario:voice_scenarios(sim_template_id)").eq("id", sessionId).maybeSingle();
  if (error) throw new Error(`loading the voice session failed: ${error.message}`);
  if (!s) return null;
  const templateId = (s.scenario as { sim_template_id: string | null } | null)?.sim_template_id ?? null;
  const columns = "name, persona_name, persona_role, company, temperament, difficulty, scenario, objectives, objections, scorecard_id";
  const q = templateId
    ? db.from("sim_templates").select(columns).eq("id", templateId)
    : db.from("sim_templates").select(columns).eq("org_id", s.org_id).eq("is_builtin", true).order("name").limit(1);
  const { data: rows, error: tErr } = await q;
  if (tErr) throw new Error(`loading the SIM template failed: ${tErr.message}`);
  const row = rows?.[0];
  if (!row) return null;
  return { template: SimTemplate.parse(row), scorecardId: row.scorecard_id };
}

/** Voice turns as the SIM engine's turns (system notices are not part of the conversation). */
export function asSimTurns(turns: Turn[]): SimTurn[] {
  return turns.filter((t) => t.speaker !== "system")
    .map((t, i) => ({ role: t.speaker as "rep" | "buyer", content: t.text, at_seconds: i }));
}

/** The buyer of one voice session: the model's reply streamed as it is written, or the scripted buyer's. */
export function simBuyer(db: Db, sessionId: string, ai: () => SimAi | null): Buyer {
  let practised: Promise<Practised | null> | undefined;
  return {
    async *reply(turns: Turn[], signal: AbortSignal) {
      const p = await (practised ??= practisedTemplate(db, sessionId));
      if (!p) throw new Error("the voice session practises no SIM template");
      const history = asSimTurns(turns);
      const model = ai();
      if (!model) {
        yield offlineBuyerReply(p.template, history).text;
        return;
      }
      // The SDK streams; its deltas are handed on as they arrive.
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      let done = false;
      let failure: unknown = null;
      openaiBuyerReply(p.template, history, {
        ...model,
        onDelta: (d) => {
          queue.push(d);
          wake?.();
        },
      }).catch((e) => (failure = e)).finally(() => {
        done = true;
        wake?.();
      });
      while (!signal.aborted) {
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        if (done) break;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
      if (failure) throw failure;
    },
  };
}

/** The scorer of voice sessions: the practised template's scorecard, as text practice is scored. */
export function simScorer(db: Db, ai: () => SimAi | null): Scorer {
  return {
    async score({ sessionId, turns }) {
      const p = await practisedTemplate(db, sessionId);
      if (!p) return null;
      const { data: items, error } = await db.from("scorecard_items")
        .select("id, key, question, guidance, weight, partial_credit")
        .eq("scorecard_id", p.scorecardId).eq("archived", false).order("position");
      if (error) throw new Error(`loading the scorecard failed: ${error.message}`);
      const input = {
        template: p.template,
        items: (items ?? []).map((i): ScoreItem => ({
          item_id: i.id,
          key: i.key,
          question: i.question,
          guidance: i.guidance,
          weight: Number(i.weight),
          partial_credit: i.partial_credit,
        })),
        turns: asSimTurns(turns),
      };
      const model = ai();
      return model ? await scoreWithOpenAI(input, model) : scoreOffline(input);
    },
  };
}
