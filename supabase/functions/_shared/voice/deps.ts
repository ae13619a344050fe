// What the voice Edge Functions run on (their `realDeps()`), from the environment.
// The buyer and the scorer are the SIM engine's (sim_engine.ts): the persona of the SIM
// template the session practises, by the model when OPENAI_API_KEY is set, scripted otherwise.
import { type Db, serviceClient, userClient } from "../clients.ts";
import { ConfigError, openaiEnv, publicFunctionUrl, voiceEnv } from "../env.ts";
import { openaiClient } from "../providers/openai.ts";
import { type SimAi, simBuyer, simScorer } from "./sim_engine.ts";
import type { Database } from "../database.types.ts";
import { createVoiceManager, inOrder, type VoiceManager, voiceProviders } from "./manager.ts";
import type { Buyer, Scorer } from "./session.ts";
import { ProviderStats, type ProviderCall } from "./stats.ts";
import { splitUrls, type TurnConfig } from "./turn.ts";

export type VoiceSessionRow = Database["public"]["Tables"]["voice_sessions"]["Row"];

export interface VoiceDeps {
  /** FEATURE_VOICE_AI_ENABLED: the deployment switch (the plan's voice_ai is checked in SQL). */
  enabled(): boolean;
  db(): Db;
  userDb(req: Request): Db;
  now(): number;
  sessionSecret(): string;
  turn(): TurnConfig;
  /** The WebSocket URL of voice-stream-audio. */
  streamUrl(): string;
  /** A provider manager whose every call is passed to `onCall` (usage written as it happens). */
  manager(onCall: (c: ProviderCall) => void, order?: { tts?: string[] | null; stt?: string[] | null }): VoiceManager;
  buyer(session: VoiceSessionRow): Buyer | null;
  scorer(): Scorer | null;
}

export function voiceDeps(): VoiceDeps {
  return {
    enabled: () => ["true", "1"].includes(voiceEnv().FEATURE_VOICE_AI_ENABLED),
    db: serviceClient,
    userDb: userClient,
    now: Date.now,
    sessionSecret: () => {
      const secret = voiceEnv().VOICE_SESSION_SECRET;
      if (!secret) throw new ConfigError("missing or invalid environment: VOICE_SESSION_SECRET");
      return secret;
    },
    turn: () => {
      const e = voiceEnv();
      return { turnUrls: splitUrls(e.TURN_URLS), secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS, stunUrls: splitUrls(e.STUN_URLS) };
    },
    streamUrl: () => publicFunctionUrl("voice-stream-audio").replace(/^http/, "ws"),
    manager: (onCall, order) => {
      const { tts, stt } = voiceProviders(voiceEnv());
      return createVoiceManager({ tts: inOrder(tts, order?.tts), stt: inOrder(stt, order?.stt), stats: new ProviderStats(onCall) });
    },
    buyer: (session) => simBuyer(serviceClient(), session.id, simAi),
    scorer: () => simScorer(serviceClient(), simAi),
  };
}

/** The model behind the buyer and the scorer, when OPENAI_API_KEY is set (else the offline engine). */
function simAi(): SimAi | null {
  const env = openaiEnv();
  if (!env.OPENAI_API_KEY) return null;
  return { model: env.OPENAI_MODEL, client: openaiClient({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: 30_000, maxRetries: 2 }) };
}
