// The voice practice screen's states with supabase-js, the Edge Functions (fetch) and the
// stream's WebSocket stood in for; jsdom has no microphone, so the typed-input path is the one
// exercised here (the microphone runs in the Playwright test, web/e2e/voice.spec.ts).
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";
import { Downsampler, level, pcmBytes } from "./audio";
import { VoicePage } from "./VoicePage";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: ((c: { reason: string }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(d: unknown) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
  event(e: unknown) {
    this.onmessage?.({ data: JSON.stringify(e) });
  }
}

const fetchMock = vi.fn();
const STARTED = {
  session_id: "s-1", token: "tok.en", stream_url: "ws://127.0.0.1:54321/functions/v1/voice-stream-audio", max_seconds: 900,
  started_at: new Date().toISOString(), ice_servers: [],
};
const answer = (status: number, body: unknown) => ({ ok: status < 400, status, json: async () => body });

beforeEach(() => {
  db.reset();
  db.signIn("u-me", "agent");
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const entitlements = (features: string[]) => () => ({
  data: {
    plan: "free", plan_name: "Free", status: "none", paid: false, seats: 3, limits: {}, features,
    usage: { analyzed_minutes: 0, phone_numbers: 1, members: 2, pending_invitations: 0 },
  },
  error: null,
});

describe("VoicePage", () => {
  it("without the plan's voice_ai: the upgrade prompt, no Start", async () => {
    db.on("rpc:org_entitlements", entitlements(["call_insights"]));
    renderScreen(<VoicePage />);
    const prompt = await screen.findByTestId("upgrade-voice_ai");
    expect(within(prompt).getByRole("link", { name: /Compare plans/ }).getAttribute("href")).toBe("/app/billing");
    expect(screen.queryByRole("button", { name: "Start" })).toBeNull();
  });

  it("loading and error states of the scenarios; a plan limit at start is said clearly", async () => {
    db.on("voice_scenarios", () => new Promise(() => {}));
    const a = renderScreen(<VoicePage />);
    expect(await screen.findByText("Loading scenarios…")).toBeTruthy();
    a.unmount();
    db.on("voice_scenarios", () => ({ data: null, error: { message: "down" } }));
    const b = renderScreen(<VoicePage />);
    expect(await screen.findByText("Couldn't load this")).toBeTruthy();
    b.unmount();
    db.on("voice_scenarios", () => ({ data: [{ id: "sc-1", title: "Cold call: the busy owner", brief: "" }], error: null }));
    fetchMock.mockImplementation(async () => answer(402, { error: { code: "plan_limit", message: "SP402" } }));
    renderScreen(<VoicePage />);
    fireEvent.change(await screen.findByRole("combobox"), { target: { value: "sc-1" } });
    fireEvent.click(screen.getByRole("button", { name: "Start" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/no voice minutes left this month/);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(/\/functions\/v1\/voice-start-session$/);
    expect(JSON.parse(String(init.body))).toEqual({ org_id: "org-1", scenario_id: "sc-1" });
    expect(FakeSocket.all).toHaveLength(0);
  });

  it("a session: typed input without a microphone, the live transcript and audio, then minutes, cost and the score", async () => {
    db.rows("voice_scenarios", []);
    db.rows("voice_prices", [{ org_id: null, price_per_minute: "0.1200", effective_from: "2026-01-01T00:00:00Z" }]);
    db.rows("scorecard_items", [{ id: "i-1", question: "Did the rep introduce themselves?", weight: 1 }]);
    fetchMock.mockImplementation(async (url: string) =>
      url.endsWith("voice-start-session")
        ? answer(200, STARTED)
        : answer(200, {
          session_id: "s-1", status: "ended", seconds: 75, billable_minutes: 2, cost_usd: 0.24, scored: true, recorded: false,
          score: { items: [{ item_id: "i-1", answer: "yes", evidence_quote: "this is Sam from Acme", evidence_time: 0 }], tips: ["Ask about budget."] },
        }));
    renderScreen(<VoicePage />);
    expect(await screen.findByText(/\$0\.12 a minute/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Start" }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.all[0];
    expect(ws.url).toBe(`${STARTED.stream_url}?token=tok.en`);
    act(() => ws.open());
    expect(await screen.findByText(/No microphone available: type your lines instead/)).toBeTruthy();
    expect(screen.getByTestId("voice-running-cost").textContent).toBe("metering…");
    // The figures are the server's (what it billed so far), not the screen's own arithmetic.
    act(() => ws.event({ type: "usage", seconds: 61.5, billable_minutes: 2, cost_usd: 0.1234, price_per_minute: 0.15, seconds_left: 120, limit: "plan" }));
    expect(screen.getByTestId("voice-running-cost").textContent).toBe("2 min · $0.12 so far at $0.15 a minute");
    expect(screen.getByTestId("voice-left").textContent).toMatch(/^(2:00|1:59) left$/);

    fireEvent.change(screen.getByLabelText("Your line"), { target: { value: "Hi, this is Sam from Acme." } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(JSON.parse(String(ws.sent.at(-1)))).toEqual({ type: "text", text: "Hi, this is Sam from Acme." });
    expect((screen.getByLabelText("Your line") as HTMLTextAreaElement).value).toBe("");
    expect(screen.getByLabelText("Your line").getAttribute("maxlength")).toBe("2000");

    act(() => {
      ws.event({ type: "transcript", seq: 1, speaker: "rep", text: "Hi, this is Sam from Acme." });
      ws.onmessage?.({ data: new Uint8Array(4800).buffer });
    });
    expect(screen.getByTestId("voice-buyer-thinking")).toBeTruthy();
    expect(screen.getByTestId("voice-audio-chunks").dataset.count).toBe("1");
    act(() => {
      ws.event({ type: "transcript", seq: 2, speaker: "buyer", text: "We already have a vendor." });
      ws.event({ type: "transcript", seq: 2, speaker: "buyer", text: "We already have a vendor." }); // a resumed socket repeats it
      ws.event({ type: "buyer_done", interrupted: false });
      ws.event({ type: "notice", code: "not_understood", message: "Sorry, I did not catch that." });
    });
    expect(screen.getAllByTestId("voice-turn-rep").map((t) => t.textContent)).toEqual(["YouHi, this is Sam from Acme."]);
    expect(screen.getAllByTestId("voice-turn-buyer")).toHaveLength(1);
    expect(screen.queryByTestId("voice-buyer-thinking")).toBeNull();
    expect(screen.getByText("Sorry, I did not catch that.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "End and score" }));
    expect((await screen.findByTestId("voice-minutes")).textContent).toBe("2 billable minutes");
    expect(screen.getByTestId("voice-cost").textContent).toBe("$0.24");
    expect(screen.getByTestId("voice-score").textContent).toBe("1 of 1 scorecard items met");
    const item = screen.getByTestId("voice-score-item");
    expect(await within(item).findByText(/Did the rep introduce themselves\?/)).toBeTruthy();
    expect(within(item).getByText("“this is Sam from Acme”")).toBeTruthy();
    expect(screen.getByText("Ask about budget.")).toBeTruthy();
    expect(JSON.parse(String((fetchMock.mock.calls[1] as [string, RequestInit])[1].body))).toEqual({ session_id: "s-1" });
    expect(screen.queryByTestId("voice-recording")).toBeNull();
  });

  it("a recorded session: the report plays its recording from a signed URL", async () => {
    db.rows("voice_scenarios", []);
    const recording = { url: "http://127.0.0.1:54321/functions/v1/voice-recording?token=t", expires_at: new Date(Date.now() + 300_000).toISOString(), turns: 4, seconds: 42 };
    fetchMock.mockImplementation(async (url: string) =>
      url.endsWith("voice-start-session")
        ? answer(200, STARTED)
        : url.endsWith("voice-recording")
        ? answer(200, recording)
        : answer(200, { session_id: "s-1", status: "ended", seconds: 75, billable_minutes: 2, cost_usd: 0.24, scored: false, score: null, recorded: true }));
    renderScreen(<VoicePage />);
    fireEvent.click(await screen.findByRole("button", { name: "Start" }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    act(() => FakeSocket.all[0].open());
    fireEvent.click(await screen.findByRole("button", { name: "End and score" }));
    const audio = await screen.findByTestId("voice-recording");
    expect(audio.getAttribute("src")).toBe(recording.url);
    expect(screen.getByText(/4 recorded turns, 0:42/)).toBeTruthy();
    expect(JSON.parse(String((fetchMock.mock.calls.at(-1) as [string, RequestInit])[1].body))).toEqual({ session_id: "s-1" });
  });

  it("a dropped socket is resumed on a new one from the last turn seen", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      db.rows("voice_scenarios", []);
      fetchMock.mockImplementation(async () => answer(200, STARTED));
      renderScreen(<VoicePage />);
      fireEvent.click(await screen.findByRole("button", { name: "Start" }));
      await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
      act(() => {
        FakeSocket.all[0].open();
        FakeSocket.all[0].event({ type: "transcript", seq: 3, speaker: "buyer", text: "Go on." });
        FakeSocket.all[0].onclose?.({ reason: "" });
      });
      await act(async () => void vi.advanceTimersByTime(600));
      expect(FakeSocket.all).toHaveLength(2);
      act(() => FakeSocket.all[1].open());
      expect(JSON.parse(String(FakeSocket.all[1].sent[0]))).toEqual({ type: "resume", last_seq: 3 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("microphone audio", () => {
  it("downsamples 48 kHz floats to 20 ms frames of 16 kHz little-endian PCM16", () => {
    const d = new Downsampler(48000);
    expect(d.push(new Float32Array(900).fill(0.5))).toHaveLength(0); // 300 samples: not a frame yet
    const frames = d.push(new Float32Array(60).fill(-1));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toHaveLength(320);
    expect(frames[0][0]).toBe(Math.round(0.5 * 0x7fff));
    expect(frames[0][319]).toBe(-0x8000);
    const bytes = new Uint8Array(pcmBytes(Int16Array.of(1, -2)));
    expect([...bytes]).toEqual([1, 0, 0xfe, 0xff]);
    expect(level(new Int16Array(320))).toBe(0);
    expect(level(new Int16Array(320).fill(0x4000))).toBeCloseTo(0.5);
  });
});
