// Real speech for the voice stand-ins (ElevenLabs, OpenAI and OpenRouter audio): espeak-ng speaks
// the text and sox converts it to the format asked for. Both are Debian packages (espeak-ng, sox,
// libsox-fmt-mp3 for MP3). Results are cached by (voice, text, format), as synthesis costs CPU.

/** An audio format a voice stand-in can produce. */
export interface AudioFormat {
  /** sox output arguments (after `-t wav -` input). */
  sox: string[];
  contentType: string;
}

/** Raw 16-bit little-endian mono PCM at `rate`. */
export const pcmFormat = (rate: number): AudioFormat => ({
  sox: ["-t", "raw", "-r", String(rate), "-e", "signed", "-b", "16", "-c", "1", "-L", "-"],
  contentType: `audio/pcm;rate=${rate};channels=1`,
});
export const wavFormat = (rate: number): AudioFormat => ({
  sox: ["-t", "wav", "-r", String(rate), "-e", "signed", "-b", "16", "-c", "1", "-"],
  contentType: "audio/wav",
});
export const mp3Format = (rate: number, kbps: number): AudioFormat => ({
  sox: ["-t", "mp3", "-r", String(rate), "-C", String(kbps), "-c", "1", "-"],
  contentType: "audio/mpeg",
});
export const ulawFormat = (rate: number): AudioFormat => ({
  sox: ["-t", "raw", "-r", String(rate), "-e", "u-law", "-b", "8", "-c", "1", "-"],
  contentType: "audio/basic",
});
export const flacFormat = (rate: number): AudioFormat => ({
  sox: ["-t", "flac", "-r", String(rate), "-c", "1", "-"],
  contentType: "audio/flac",
});

/** espeak-ng voices a provider voice id is mapped onto (stable per id). */
const ESPEAK_VOICES = ["en-us", "en-us+m3", "en-us+f3", "en-gb", "en-us+f4", "en-us+m5"];

export function espeakVoice(voiceId: string): string {
  let h = 0;
  for (const c of voiceId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return ESPEAK_VOICES[h % ESPEAK_VOICES.length];
}

async function run(cmd: string, args: string[], input?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: input ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Read while writing: a big input and output would otherwise fill both pipes and deadlock.
  const output = child.output();
  if (input) {
    const w = child.stdin.getWriter();
    await w.write(input);
    await w.close();
  }
  const out = await output;
  if (!out.success) {
    throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return out.stdout;
}

const cache = new Map<string, Uint8Array>();
const MAX_CACHE = 200;

/** `text` spoken by espeak-ng in the voice for `voiceId`, at `speed` (1 = normal), in `format`. */
export async function synthesize(
  text: string,
  voiceId: string,
  format: AudioFormat,
  speed = 1,
): Promise<Uint8Array> {
  const key = JSON.stringify([voiceId, text, format.sox, speed]);
  const hit = cache.get(key);
  if (hit) return hit;
  const wav = await run("espeak-ng", [
    "-v",
    espeakVoice(voiceId),
    "-s",
    String(Math.round(170 * speed)),
    "--stdout",
    text,
  ]);
  const audio = await run("sox", ["-q", "-t", "wav", "-", ...format.sox], wav);
  cache.set(key, audio);
  if (cache.size > MAX_CACHE) cache.delete(cache.keys().next().value!);
  return audio;
}

/** Whether espeak-ng and sox are installed (the stand-ins answer 500 with a hint otherwise). */
export async function synthAvailable(): Promise<boolean> {
  try {
    await run("espeak-ng", ["--version"]);
    await run("sox", ["--version"]);
    return true;
  } catch {
    return false;
  }
}
