// A mono 16-bit PCM WAV (RIFF) around samples: what the speech-to-text providers are sent.

export function pcm16MonoWav(pcm: Int16Array, rate: number): Uint8Array {
  const out = new Uint8Array(44 + pcm.length * 2);
  const w = new DataView(out.buffer);
  const put = (off: number, s: string) => [...s].forEach((c, i) => (out[off + i] = c.charCodeAt(0)));
  put(0, "RIFF");
  w.setUint32(4, 36 + pcm.length * 2, true);
  put(8, "WAVE");
  put(12, "fmt ");
  w.setUint32(16, 16, true);
  w.setUint16(20, 1, true); // PCM
  w.setUint16(22, 1, true); // mono
  w.setUint32(24, rate, true);
  w.setUint32(28, rate * 2, true);
  w.setUint16(32, 2, true);
  w.setUint16(34, 16, true);
  put(36, "data");
  w.setUint32(40, pcm.length * 2, true);
  for (let i = 0; i < pcm.length; i++) w.setInt16(44 + i * 2, pcm[i], true);
  return out;
}
