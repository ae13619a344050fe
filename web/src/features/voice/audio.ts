// Browser audio for voice practice: the microphone captured through an AudioWorklet (a
// ScriptProcessor where worklets are missing), downsampled to 16 kHz mono 16-bit PCM in frames
// of 20 ms for the stream; and the buyer's 24 kHz 16-bit PCM chunks played back to back as they
// arrive, stoppable at once (barge-in).

export const MIC_RATE = 16000;
export const BUYER_RATE = 24000;
/** 20 ms at 16 kHz. */
const FRAME_SAMPLES = 320;

/** Float samples at `inputRate` → 16 kHz PCM16, averaging each output sample's window. */
export class Downsampler {
  #ratio: number;
  #need: number; // input samples still to take before the next output sample (fractional)
  #acc = 0;
  #n = 0;
  #pending: number[] = [];

  constructor(inputRate: number, outputRate = MIC_RATE) {
    this.#ratio = Math.max(1, inputRate / outputRate);
    this.#need = this.#ratio;
  }

  /** Full 20 ms frames of PCM16 as they fill up. */
  push(input: Float32Array): Int16Array[] {
    for (let i = 0; i < input.length; i++) {
      this.#acc += input[i];
      this.#n++;
      this.#need -= 1;
      if (this.#need <= 1e-9) {
        const v = Math.max(-1, Math.min(1, this.#acc / this.#n));
        this.#pending.push(v < 0 ? Math.round(v * 0x8000) : Math.round(v * 0x7fff));
        this.#acc = 0;
        this.#n = 0;
        this.#need += this.#ratio;
      }
    }
    const frames: Int16Array[] = [];
    while (this.#pending.length >= FRAME_SAMPLES) frames.push(Int16Array.from(this.#pending.splice(0, FRAME_SAMPLES)));
    return frames;
  }
}

/** Root mean square of a PCM16 frame, 0…1 (the speaking indicator). */
export function level(frame: Int16Array): number {
  let sum = 0;
  for (const s of frame) sum += s * s;
  return frame.length ? Math.sqrt(sum / frame.length) / 0x8000 : 0;
}

/** Little-endian PCM16 bytes (what the stream expects; typed arrays are LE on every browser platform). */
export function pcmBytes(frame: Int16Array): ArrayBuffer {
  const out = new DataView(new ArrayBuffer(frame.length * 2));
  frame.forEach((s, i) => out.setInt16(i * 2, s, true));
  return out.buffer;
}

const WORKLET = `class Tap extends AudioWorkletProcessor {
  process(inputs) { const c = inputs[0] && inputs[0][0]; if (c) this.port.postMessage(c.slice(0)); return true; }
}
registerProcessor("salespulse-mic-tap", Tap);`;

export interface Microphone {
  stop(): void;
}

/** Starts the microphone; `onFrame` gets 20 ms PCM16 frames at 16 kHz. Throws when refused or absent. */
export async function startMicrophone(onFrame: (frame: Int16Array) => void): Promise<Microphone> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error("This browser has no microphone access");
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
  });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  const down = new Downsampler(ctx.sampleRate);
  const feed = (samples: Float32Array) => down.push(samples).forEach(onFrame);
  let node: AudioNode;
  if (ctx.audioWorklet && typeof AudioWorkletNode !== "undefined") {
    const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
    await ctx.audioWorklet.addModule(url);
    URL.revokeObjectURL(url);
    const tap = new AudioWorkletNode(ctx, "salespulse-mic-tap");
    tap.port.onmessage = (e: MessageEvent<Float32Array>) => feed(e.data);
    node = tap;
  } else {
    const proc = ctx.createScriptProcessor(2048, 1, 1);
    proc.onaudioprocess = (e) => feed(e.inputBuffer.getChannelData(0));
    node = proc;
  }
  // A silent sink keeps the graph pulling samples without echoing the microphone.
  const mute = ctx.createGain();
  mute.gain.value = 0;
  source.connect(node).connect(mute).connect(ctx.destination);
  await ctx.resume().catch(() => {});
  return {
    stop() {
      stream.getTracks().forEach((t) => t.stop());
      source.disconnect();
      void ctx.close().catch(() => {});
    },
  };
}

/** Plays the buyer's PCM chunks back to back; `stop()` silences at once (barge-in). */
export class BuyerPlayer {
  #ctx: AudioContext | null = null;
  #next = 0;
  #sources = new Set<AudioBufferSourceNode>();
  #odd: number | null = null;
  /** Called when the buyer starts or stops being heard. */
  onPlaying: (playing: boolean) => void = () => {};

  get playing() {
    return this.#sources.size > 0;
  }

  play(chunk: ArrayBuffer) {
    let bytes = new Uint8Array(chunk);
    if (this.#odd !== null) {
      const joined = new Uint8Array(bytes.length + 1);
      joined[0] = this.#odd;
      joined.set(bytes, 1);
      bytes = joined;
      this.#odd = null;
    }
    if (bytes.length % 2) {
      this.#odd = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (!bytes.length || typeof AudioContext === "undefined") return;
    const ctx = (this.#ctx ??= new AudioContext());
    void ctx.resume().catch(() => {});
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const buffer = ctx.createBuffer(1, bytes.length / 2, BUYER_RATE);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < data.length; i++) data[i] = view.getInt16(i * 2, true) / 0x8000;
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(ctx.destination);
    this.#next = Math.max(this.#next, ctx.currentTime + 0.02);
    src.start(this.#next);
    this.#next += buffer.duration;
    const wasPlaying = this.playing;
    this.#sources.add(src);
    src.onended = () => {
      this.#sources.delete(src);
      if (!this.playing) this.onPlaying(false);
    };
    if (!wasPlaying) this.onPlaying(true);
  }

  stop() {
    const was = this.playing;
    for (const s of this.#sources) {
      s.onended = null;
      try {
        s.stop();
      } catch {
        // not started yet
      }
    }
    this.#sources.clear();
    this.#odd = null;
    this.#next = 0;
    if (was) this.onPlaying(false);
  }

  close() {
    this.stop();
    void this.#ctx?.close().catch(() => {});
    this.#ctx = null;
  }
}
