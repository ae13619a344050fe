// Voice practice in Debian's Chromium against the real test stack, with a fake microphone: the
// WAV it plays is made here with espeak-ng + sox (16 kHz mono, silence around the line so the
// stream's VAD ends the turn), and the speech-to-text stand-in (OpenAI's) is taught its
// transcript. The rep speaks one turn and types another; the SIM buyer answers each in a voice
// (its transcript and audio frames arrive); the running minutes and cost shown are the server's
// (what voice_usage_records holds while the session runs); ending shows the minutes, the cost
// (the sum of those rows) and the score, and — the organization records — a playable recording.
// Then the primary TTS (the ElevenLabs stand-in) fails and the session carries on with the
// fallback provider.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { createTeam, type Team, type User } from "./fixtures";

const SPOKEN = "Hello, this is Sam from Acme, do you have a minute to talk about your team";
const TYPED = "What does your team use today for its sales calls?";
const OPENAI = process.env.OPENAI_SANDBOX_URL ?? "http://127.0.0.1:55330";
const ELEVENLABS = process.env.ELEVENLABS_SANDBOX_URL ?? "http://127.0.0.1:55335";

const dir = mkdtempSync(join(tmpdir(), "salespulse-voice-"));
const wav = join(dir, "rep.wav");
execFileSync("espeak-ng", ["-v", "en-us", "-s", "150", "-w", join(dir, "raw.wav"), SPOKEN]);
// 16 kHz mono 16-bit, 1.5 s of silence before (the microphone starts) and 3 s after (end of turn).
execFileSync("sox", [join(dir, "raw.wav"), "-r", "16000", "-c", "1", "-b", "16", wav, "pad", "1.5", "3"]);

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
      "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}%noloop`,
    ],
  },
});

async function teach() {
  const res = await fetch(`${OPENAI}/_sandbox/voice/transcripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: SPOKEN, audio_base64: readFileSync(wav).toString("base64"), format: "wav" }),
  });
  expect(res.status, await res.text()).toBe(201);
}

/** A team whose plan has voice practice (the voice_ai feature and voice minutes); `recording` turns recording on. */
async function voiceTeam(recording = false): Promise<Team> {
  const team = await createTeam();
  await rest("feature_flags", {
    method: "POST",
    body: JSON.stringify([
      { org_id: team.org.id, key: "voice_ai", enabled: true, limit_value: null, note: "e2e" },
      { org_id: team.org.id, key: "voice_minutes_per_month", enabled: null, limit_value: 600, note: "e2e" },
    ]),
  });
  if (recording) {
    await rest("voice_settings?on_conflict=org_id", {
      method: "POST",
      headers: { prefer: "resolution=merge-duplicates" },
      body: JSON.stringify({ org_id: team.org.id, recording_enabled: true }),
    });
  }
  return team;
}

/** What the server has billed the session so far: its usage rows summed. */
async function billed(sessionId: string) {
  const rows = await rest<{ audio_seconds: number; cost_usd: number }[]>(
    `voice_usage_records?select=audio_seconds,cost_usd&session_id=eq.${sessionId}&kind=eq.session`,
  );
  const sum = (k: "audio_seconds" | "cost_usd") => Math.round(rows.reduce((s, r) => s + Number(r[k]), 0) * 1e4) / 1e4;
  return { rows: rows.length, seconds: sum("audio_seconds"), cost: sum("cost_usd") };
}

async function latestSession(user: User): Promise<string> {
  const [s] = await rest<{ id: string }[]>(
    `voice_sessions?select=id&user_id=eq.${user.id}&order=started_at.desc&limit=1`,
  );
  return s.id;
}

const chunks = async (page: Page) => Number(await page.getByTestId("voice-audio-chunks").getAttribute("data-count"));

async function typeLine(page: Page, text: string) {
  await page.getByLabel("Your line").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("voice-turn-rep").filter({ hasText: text })).toBeVisible();
}

test.afterEach(async () => {
  await fetch(`${ELEVENLABS}/_sandbox/faults`, { method: "DELETE" });
});

test("voice practice: speak through the microphone, type a turn, hear the buyer, end and read minutes, cost and score", async ({ page }) => {
  test.setTimeout(120_000);
  await teach();
  // The organization records its voice sessions.
  const { manager } = await voiceTeam(true);
  await signInAs(page, manager, "/app/voice");
  await expect(page.getByRole("heading", { name: "Voice practice" })).toBeVisible();
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("voice-timer")).toBeVisible();
  await expect(page.getByTestId("voice-rep-speaking")).toHaveText(/Microphone on|You are speaking/);

  // The spoken turn: the fake microphone's WAV → VAD → the taught transcript → the buyer.
  await expect(page.getByTestId("voice-turn-rep").first()).toHaveText(new RegExp(SPOKEN.slice(0, 30)), { timeout: 30_000 });
  await expect(page.getByTestId("voice-turn-buyer").first()).toBeVisible({ timeout: 30_000 });
  expect(await chunks(page)).toBeGreaterThan(0);
  const afterSpoken = await chunks(page);

  // A typed turn in the same session.
  await typeLine(page, TYPED);
  await expect(page.getByTestId("voice-turn-buyer")).toHaveCount(2, { timeout: 30_000 });
  expect(await chunks(page)).toBeGreaterThan(afterSpoken);

  // The running minutes and cost on screen are the server's: what its usage rows add up to.
  const sessionId = await latestSession(manager);
  const running = page.getByTestId("voice-running-cost");
  await expect(running).toHaveAttribute("data-cost", /\d/);
  await expect.poll(async () => {
    const b = await billed(sessionId);
    return b.rows > 0 && b.cost === Number(await running.getAttribute("data-cost")) && b.seconds === Number(await running.getAttribute("data-seconds"));
  }, { message: "the screen shows what the server billed", timeout: 20_000 }).toBe(true);
  const shown = await billed(sessionId);
  await expect(running).toContainText(`${await running.getAttribute("data-minutes")} min · $`);
  expect(shown.cost).toBeGreaterThan(0);

  await page.getByRole("button", { name: "End and score" }).click();
  await expect(page.getByTestId("voice-minutes")).toHaveText(/^\d+ billable minutes?$/);
  await expect(page.getByTestId("voice-cost")).toHaveText(/^\$\d+\.\d{2,3}$/);
  await expect(page.getByTestId("voice-score")).toHaveText(/\d+ of \d+ scorecard items met/);
  expect(await page.getByTestId("voice-score-item").count()).toBeGreaterThan(0);
  const [ended] = await rest<{ cost_usd: number; billable_minutes: number }[]>(`voice_sessions?select=cost_usd,billable_minutes&id=eq.${sessionId}`);
  const total = await billed(sessionId);
  expect(Number(ended.cost_usd)).toBe(total.cost); // the rows, counted once
  expect(total.cost).toBeGreaterThanOrEqual(shown.cost);
  await expect(page.getByTestId("voice-minutes")).toHaveText(`${ended.billable_minutes} billable minute${ended.billable_minutes === 1 ? "" : "s"}`);

  // The recording: both spoken and typed turns' audio, served from a signed URL, plays.
  const audio = page.getByTestId("voice-recording");
  await expect(audio).toBeVisible();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) ? a.duration : 0)), { timeout: 15_000 })
    .toBeGreaterThan(2);
  const src = await audio.getAttribute("src");
  const res = await fetch(src!);
  expect(res.headers.get("content-type")).toBe("audio/wav");
  expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString()).toBe("RIFF");
  await shot(page, "voice-report-recording");
});

test("voice practice: with the primary TTS failing, the buyer still answers in a voice from the fallback provider", async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 }); // a phone
  const { manager } = await voiceTeam();
  await signInAs(page, manager, "/app/voice");
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("voice-timer")).toBeVisible();
  // Until removed: every ElevenLabs text-to-speech call answers 500.
  const f = await fetch(`${ELEVENLABS}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "500", path: "/v1/text-to-speech/*" }),
  });
  expect(f.status, await f.text()).toBe(201);
  await typeLine(page, TYPED);
  await expect(page.getByTestId("voice-turn-buyer").first()).toBeVisible({ timeout: 30_000 });
  expect(await chunks(page)).toBeGreaterThan(0);

  const url = new URL(page.url());
  expect(url.pathname).toBe("/app/voice");
  const sessions = await rest<{ id: string }[]>(
    `voice_sessions?select=id&user_id=eq.${manager.id}&ended_at=is.null&order=started_at.desc&limit=1`,
  );
  const usage = await rest<{ kind: string; provider: string; ok: boolean }[]>(
    `voice_usage_records?select=kind,provider,ok&session_id=eq.${sessions[0].id}&kind=eq.tts`,
  );
  expect(usage.some((u) => u.provider === "elevenlabs" && !u.ok)).toBe(true);
  expect(usage.some((u) => u.provider !== "elevenlabs" && u.ok)).toBe(true);

  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "nothing wider than the phone").toBe(true);

  await page.getByRole("button", { name: "End and score" }).click();
  await expect(page.getByTestId("voice-cost")).toBeVisible();
});
