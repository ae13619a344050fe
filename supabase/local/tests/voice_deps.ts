// voice-stream-audio's deps wired to in-process voice stand-ins (ElevenLabs and OpenAI's audio)
// and a given database client, for the stream's handler test and the voice bench: everything
// but the buyer, which each brings.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../functions/_shared/database.types.ts";
import type { VoiceDeps } from "../../functions/_shared/voice/deps.ts";
import { createVoiceManager, inOrder, voiceProviders } from "../../functions/_shared/voice/manager.ts";
import { ProviderStats } from "../../functions/_shared/voice/stats.ts";

export interface VoiceStandIns {
  el: { url: string };
  oa: { baseURL: string };
}

export function standInVoiceDeps(o: {
  db: SupabaseClient<Database>;
  secret: string;
  standIns: VoiceStandIns;
  /** VOICE_TTS_PROVIDERS, e.g. "elevenlabs,openai". */
  ttsProviders: string;
  buyer: VoiceDeps["buyer"];
  firstByteTimeoutMs?: number;
}): VoiceDeps {
  return {
    enabled: () => true,
    db: () => o.db,
    userDb: () => o.db,
    now: Date.now,
    sessionSecret: () => o.secret,
    turn: () => ({ turnUrls: [], stunUrls: [], ttlSeconds: 60 }),
    streamUrl: () => "ws://unused",
    manager: (onCall, order) => {
      const { tts, stt } = voiceProviders({
        ELEVENLABS_API_KEY: "el", ELEVENLABS_API_BASE_URL: o.standIns.el.url, ELEVENLABS_MODEL: "eleven_flash_v2_5",
        OPENAI_API_KEY: "oa", OPENAI_BASE_URL: o.standIns.oa.baseURL,
        VOICE_TTS_PROVIDERS: o.ttsProviders, VOICE_STT_PROVIDERS: "openai",
      });
      return createVoiceManager({
        tts: inOrder(tts, order?.tts),
        stt: inOrder(stt, order?.stt),
        stats: new ProviderStats(onCall),
        ...(o.firstByteTimeoutMs ? { firstByteTimeoutMs: o.firstByteTimeoutMs } : {}),
      });
    },
    buyer: o.buyer,
    scorer: () => null,
  };
}
