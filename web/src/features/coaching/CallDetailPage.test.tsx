import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Insight } from "./api/types";
import { CallDetailPage } from "./components/CallDetailPage";
import { activeSentence } from "./components/Transcript";
import { fakeSupabase as db, supabaseModule } from "../../testing/fakeSupabase";
import { renderScreen } from "../../testing/render";

vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);

const { env } = supabaseModule;
const ORG_ID = "0a000000-0000-4000-9000-000000000001";
const USER_ID = "a0000000-0000-4000-9000-000000000003";
const signIn = (role: "manager" | "agent") =>
  db.signIn(USER_ID, role, { org: { id: ORG_ID, name: "Acme" }, fullName: "Morgan Manager" });

const CALL = "c0ffee00-0000-4000-9000-000000000001";
const COACH = "a0000000-0000-4000-9000-000000000009";
const SEGMENTS = [
  { start: 0, end: 4, speaker: "agent", text: "Thanks for calling Acme Solar, this is Alex." },
  { start: 4.5, end: 9, speaker: "customer", text: "Hi Alex, I'm ready to order the panels." },
  { start: 9.5, end: 15, speaker: "agent", text: "Would you also like the battery backup for an extra $300?" },
  { start: 15.5, end: 18, speaker: "customer", text: "Yes, let's do it, add the battery." },
];
const ev = (i: number) => ({ quote: SEGMENTS[i].text, time: SEGMENTS[i].start, speaker: SEGMENTS[i].speaker as "agent" | "customer" });
const INSIGHT: Insight = {
  summary: "The customer ordered panels and added a battery.",
  sentiment: { score: 0.6, label: "positive", evidence: [ev(3)] },
  converted: { value: true, evidence: ev(3) },
  upsell: { amount: 300, currency: "USD", items: [{ name: "Battery backup", amount: 300, evidence: ev(3) }] },
  script_adherence: {
    score: 50,
    checklist: [
      { item_id: "greeting", done: true, evidence: ev(0) },
      { item_id: "recording_notice", done: false, evidence: null },
    ],
  },
  objections: [],
  next_steps: [{ step: "Email the paperwork", owner: "agent", evidence: null }],
  key_moments: [
    { label: "Accepted add-on: battery", evidence: ev(3) },
    { label: "Upsell offered", evidence: ev(2) },
  ],
};

function seed({ status = "analyzed", analyzer = "openai", error = null as string | null } = {}) {
  db.rows("calls", [{
    id: CALL,
    org_id: ORG_ID,
    status,
    error,
    started_at: "2026-11-20T15:04:00Z",
    duration_seconds: 95,
    direction: "inbound",
    from_number: "+15553334444",
    twilio_recording_sid: "RE" + "a".repeat(32),
    agent: { id: "1a000000-0000-4000-9000-000000000001", name: "Alex Agent" },
  }]);
  db.rows("transcripts", [{ call_id: CALL, segments: SEGMENTS, language: "en", redactions: { CARD: 1, SSN: 0, PHONE: 2 } }]);
  db.rows("insights", status === "analyzed"
    ? [{
      id: "i1",
      call_id: CALL,
      is_current: true,
      org_id: ORG_ID,
      analyzer,
      model: analyzer === "openai" ? "gpt-4o" : "offline-rules-v1",
      created_at: "2026-11-20T15:10:00Z",
      script_id: "s1",
      data: INSIGHT,
      script: { items: [{ id: "greeting", label: "Greet and introduce yourself" }, { id: "recording_notice", label: "Recording notice" }] },
    }]
    : []);
  db.rows("call_comments", [
    { id: "k2", call_id: CALL, at_seconds: 16, body: "Great upsell.", author_id: USER_ID, created_at: "2026-11-21T09:00:00Z" },
    { id: "k1", call_id: CALL, at_seconds: 2.5, body: "Say the recording notice here.", author_id: COACH, created_at: "2026-11-21T10:00:00Z" },
  ]);
  db.table("profiles").push({ id: COACH, full_name: "Casey Coach" });
}

const fetchMock = vi.fn();
const play = vi.fn(() => Promise.resolve());

const SIGNED_URL = "http://127.0.0.1:54321/functions/v1/call-recording?call_id=c&format=mp3&user=u&exp=1&sig=s";

beforeEach(() => {
  db.reset();
  signIn("manager");
  fetchMock.mockReset();
  fetchMock.mockImplementation(async () => ({
    ok: true,
    status: 200,
    json: async () => ({ url: SIGNED_URL, expires_at: "2099-01-01T00:00:00Z" }),
  }));
  vi.stubGlobal("fetch", fetchMock);
  play.mockClear();
  HTMLMediaElement.prototype.play = play as unknown as HTMLMediaElement["play"];
  HTMLMediaElement.prototype.pause = vi.fn();
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openPage() {
  const view = renderScreen(<CallDetailPage callId={CALL} />, { url: `/app/calls/${CALL}` });
  const audio = await screen.findByTestId("audio-player") as HTMLAudioElement;
  await screen.findAllByTestId("transcript-sentence");
  return { ...view, audio };
}

function playTo(audio: HTMLAudioElement, t: number) {
  act(() => {
    audio.currentTime = t;
    audio.dispatchEvent(new Event("timeupdate"));
  });
}

const sentences = () => screen.getAllByTestId("transcript-sentence");
const highlighted = () => sentences().filter((s) => s.getAttribute("aria-current") === "true");

describe("CallDetailPage", () => {
  it("shows the header: agent, date, duration and status", async () => {
    seed();
    await openPage();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toContain("Alex Agent");
    expect(screen.getByText("1:35")).toBeTruthy();
    expect(screen.getByTestId("call-status").textContent).toBe("Analyzed");
  });

  it("asks call-recording for a signed URL with the session's token in the header, and plays that URL (no token in it)", async () => {
    seed();
    const { audio } = await openPage();
    expect(audio.getAttribute("src")).toBe(SIGNED_URL);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`${env.supabaseUrl}/functions/v1/call-recording`);
    expect(init.method).toBe("POST");
    expect(JSON.parse(String(init.body))).toEqual({ call_id: CALL, format: "mp3" });
    expect(audio.getAttribute("src")).not.toContain("user-access-token");
    expect(init.headers).toMatchObject({ authorization: "Bearer user-access-token", apikey: env.supabaseAnonKey });
  });

  it("a call kept without the consent its jurisdiction requires shows its status, the reason and the ledger's line", async () => {
    seed({ status: "not_analyzed", error: "Not analyzed: US-CA requires every party's consent and no recording notice played" });
    db.rows("call_consents", [{ call_id: CALL, region: "US-CA", rule: "all_party", notice_played: false, notice_text: null, source: "analyzer", recorded_at: "2026-11-20T15:05:00Z", analysis_allowed: false }]);
    await openPage();
    expect(screen.getByTestId("call-status").textContent).toBe("Not analyzed: consent");
    expect(screen.getByTestId("consent-reason").textContent).toContain("US-CA requires every party's consent");
    expect((await screen.findByTestId("call-consent")).textContent).toContain("US-CA · every party must consent · no notice played");
  });

  it("asks for a new signed URL once when the media fails (an expired link)", async () => {
    seed();
    const { audio } = await openPage();
    act(() => {
      audio.dispatchEvent(new Event("error"));
    });
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(screen.queryByText("Your browser couldn't play this recording.")).toBeNull();
  });

  it("highlights the sentence being spoken as the audio plays", async () => {
    seed();
    const { audio } = await openPage();
    expect(sentences().map((s) => s.getAttribute("data-start"))).toEqual(["0", "4.5", "9.5", "15.5"]);
    expect(within(sentences()[1]).getByText("Customer")).toBeTruthy();
    expect(within(sentences()[0]).getByText("Agent")).toBeTruthy();

    playTo(audio, 6);
    expect(highlighted()).toEqual([sentences()[1]]);
    expect(sentences()[1].classList.contains("coach-active")).toBe(true);
    expect(sentences()[0].classList.contains("coach-active")).toBe(false);
    expect(sentences()[0].hasAttribute("aria-current")).toBe(false);

    playTo(audio, 12);
    expect(highlighted()).toEqual([sentences()[2]]);
    expect(sentences()[1].classList.contains("coach-active")).toBe(false);

    playTo(audio, 30); // after the last sentence ended
    expect(highlighted()).toEqual([]);
  });

  it("clicking a sentence seeks the audio to its start and plays", async () => {
    seed();
    const { audio } = await openPage();
    fireEvent.click(sentences()[2]);
    expect(audio.currentTime).toBe(9.5);
    expect(play).toHaveBeenCalled();
    expect(highlighted()).toEqual([sentences()[2]]);
  });

  it("clicking a key moment seeks the player", async () => {
    seed();
    const { audio } = await openPage();
    const moments = await screen.findAllByTestId("key-moment");
    expect(moments.map((m) => m.textContent)).toEqual([
      expect.stringContaining("Upsell offered"),
      expect.stringContaining("Accepted add-on: battery"),
    ]);
    fireEvent.click(moments[1]);
    expect(audio.currentTime).toBe(15.5);
    expect(play).toHaveBeenCalledTimes(1);
    expect(highlighted()).toEqual([sentences()[3]]);
  });

  it("shows the insight: AI badge, summary, sentiment, conversion with evidence, upsell and the labelled checklist", async () => {
    seed();
    const { audio } = await openPage();
    expect(await screen.findByText("AI · gpt-4o")).toBeTruthy();
    expect(screen.queryByText("Offline analyzer")).toBeNull();
    expect(screen.getByText(INSIGHT.summary)).toBeTruthy();
    expect(screen.getByText("+0.60")).toBeTruthy();
    expect(screen.getByText("positive")).toBeTruthy();
    expect(screen.getByTestId("converted").textContent).toBe("Yes");
    expect(screen.getByText("Battery backup")).toBeTruthy();
    expect(screen.getByText("Greet and introduce yourself")).toBeTruthy();
    expect(screen.getByText("Recording notice")).toBeTruthy();
    expect(screen.getByRole("img", { name: "Done" }).textContent).toBe("✓");
    expect(screen.getByRole("img", { name: "Missed" }).textContent).toBe("✗");
    // Evidence of the greeting item seeks to where it was said.
    fireEvent.click(screen.getByRole("button", { name: /^Play .?Thanks for calling Acme Solar/ }));
    expect(audio.currentTime).toBe(0);
    fireEvent.click(screen.getAllByRole("button", { name: /^Play .?Yes, let's do it/ })[0]);
    expect(audio.currentTime).toBe(15.5);
  });

  it("labels an offline analysis clearly", async () => {
    seed({ analyzer: "offline" });
    await openPage();
    expect(await screen.findByText("Offline analyzer")).toBeTruthy();
    expect(screen.queryByText(/^AI ·/)).toBeNull();
  });

  it("managers re-analyze: reanalyze_call is called and the call is re-read", async () => {
    seed();
    db.on("rpc:reanalyze_call", () => {
      db.table("calls")[0].status = "analyzing";
      return { data: 7, error: null };
    });
    await openPage();
    const button = screen.getByRole("button", { name: "Re-analyze" });
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId("call-status").textContent).toBe("Processing…"));
    expect(db.queries("reanalyze_call", "rpc").map((q) => q.payload)).toEqual([{ p_call_id: CALL }]);
    const busy = screen.getByRole("button", { name: "Processing…" }) as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
  });

  it("shows why a re-analysis was refused", async () => {
    seed();
    db.on("rpc:reanalyze_call", () => ({ data: null, error: { code: "SP409", message: "the call is still being processed" } }));
    await openPage();
    fireEvent.click(screen.getByRole("button", { name: "Re-analyze" }));
    expect((await screen.findByRole("alert")).textContent).toContain("the call is still being processed");
  });

  it("agents see no Re-analyze button and no comment form", async () => {
    db.reset();
    signIn("agent");
    seed();
    await openPage();
    await screen.findAllByTestId("comment");
    expect(screen.queryByRole("button", { name: /re-analyze/i })).toBeNull();
    expect(screen.queryByText(/Add a comment/)).toBeNull();
  });

  it("lists comments in call-time order with authors, and their timestamps seek", async () => {
    seed();
    const { audio } = await openPage();
    const comments = await screen.findAllByTestId("comment");
    expect(comments.map((c) => c.textContent)).toEqual([
      expect.stringMatching(/0:02.*Casey Coach.*Say the recording notice here\./),
      expect.stringMatching(/0:16.*Morgan Manager.*Great upsell\./),
    ]);
    fireEvent.click(within(comments[1]).getByRole("button", { name: "Play from 0:16" }));
    expect(audio.currentTime).toBe(16);
  });

  it("the comment form posts the call's org, the call, the player's time and the text, then shows it", async () => {
    seed();
    const { audio } = await openPage();
    playTo(audio, 12.345);
    const box = screen.getByLabelText(/Add a comment at 0:12/);
    fireEvent.change(box, { target: { value: "  Ask for the budget before pitching.  " } });
    fireEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => expect(db.queries("call_comments", "insert")).toHaveLength(1));
    expect(db.queries("call_comments", "insert")[0].payload)
      .toEqual({ org_id: ORG_ID, call_id: CALL, at_seconds: 12.35, body: "Ask for the budget before pitching." });
    await waitFor(() => expect(screen.getAllByTestId("comment")).toHaveLength(3));
    expect(screen.getAllByTestId("comment")[1].textContent).toContain("Ask for the budget before pitching.");
    expect((box as HTMLTextAreaElement).value).toBe("");
  });

  it("a manager whose plan lacks coaching sees an upgrade prompt instead of the comment form", async () => {
    seed();
    db.on("rpc:org_entitlements", () => ({
      data: {
        plan: "free", plan_name: "Free", status: "none", paid: false, seats: 3, limits: {}, features: ["call_insights"],
        usage: { analyzed_minutes: 0, phone_numbers: 1, members: 2, pending_invitations: 0 },
      },
      error: null,
    }));
    await openPage();
    const prompt = await screen.findByTestId("upgrade-coaching");
    expect(prompt.textContent).toMatch(/not in your organization's plan/);
    expect(within(prompt).getByRole("link", { name: /Compare plans/ }).getAttribute("href")).toBe("/app/billing");
    expect(screen.queryByText(/Add a comment/)).toBeNull();
    // Existing comments stay readable.
    expect(screen.getAllByTestId("comment")).toHaveLength(2);
  });

  it("shows a clear error when the recording cannot be loaded", async () => {
    seed();
    fetchMock.mockImplementation(async () => ({
      ok: false,
      status: 404,
      blob: async () => new Blob(),
      json: async () => ({ error: { code: "recording_not_found", message: "The recording is no longer available" } }),
    }));
    renderScreen(<CallDetailPage callId={CALL} />);
    const alert = await screen.findByText("Couldn't load the recording.");
    expect(alert.parentElement?.textContent).toContain("The recording is no longer available");
    expect(screen.queryByTestId("audio-player")).toBeNull();
    // The transcript still works without audio.
    expect(await screen.findAllByTestId("transcript-sentence")).toHaveLength(4);
  });

  it("shows Processing… while the pipeline works and refetches every 3 s until analyzed", async () => {
    seed({ status: "transcribing" });
    db.rows("transcripts", []);
    renderScreen(<CallDetailPage callId={CALL} />);
    await waitFor(() => expect(screen.getByTestId("call-status").textContent).toBe("Processing…"));
    expect(await screen.findByText("Transcribing…")).toBeTruthy();
    expect(await screen.findByText("Analyzing…")).toBeTruthy();
    // The pipeline finishes.
    seed({ status: "analyzed" });
    await waitFor(() => expect(screen.getByTestId("call-status").textContent).toBe("Analyzed"), { timeout: 5_000 });
    expect(await screen.findByText(INSIGHT.summary)).toBeTruthy();
    expect(screen.getAllByTestId("transcript-sentence")).toHaveLength(4);
    expect(fetchMock, "the recording is not downloaded again").toHaveBeenCalledTimes(1);
  }, 10_000);

  it("shows why a call failed", async () => {
    seed({ status: "failed", error: "no transcript: Twilio has none" });
    renderScreen(<CallDetailPage callId={CALL} />);
    expect((await screen.findByTestId("call-status")).textContent).toBe("Failed");
    expect(screen.getAllByText(/no transcript: Twilio has none/).length).toBeGreaterThan(0);
  });

  it("says so when the call is not visible, and shows load errors", async () => {
    renderScreen(<CallDetailPage callId={CALL} />);
    expect(await screen.findByText("Call not found")).toBeTruthy();
    cleanup();
    db.fail("calls", { message: "permission denied for table calls", code: "42501" });
    renderScreen(<CallDetailPage callId={CALL} />);
    expect((await screen.findByRole("alert")).textContent).toContain("permission denied");
  });
});

describe("CallDetailPage conversation", () => {
  it("shows the talk metrics and the tracker hits with their times; a hit seeks the player", async () => {
    seed();
    db.rows("call_metrics", [{
      call_id: CALL, talk_ratio: 0.62, longest_monologue_seconds: 41, interruptions: 2, agent_questions: 5, silence_seconds: 12,
      agent_wpm: 152.4, customer_wpm: 131, metrics: { longest_monologue_speaker: "agent", sentiment: { customer: { trajectory: { trend: "improving", end_state: "positive" } } } },
    }]);
    db.rows("tracker_hits", [
      { id: "h1", call_id: CALL, term: "battery", time_seconds: 9.5, speaker: "agent", tracker: { id: "t1", name: "Add-ons" } },
    ]);
    const { audio } = await openPage();
    const metrics = await screen.findByTestId("talk-metrics");
    expect(metrics.textContent).toContain("agent 62% · customer 38%");
    expect(within(metrics).getByText("Interruptions").nextSibling?.textContent).toBe("2");
    expect(within(metrics).getByText("Questions asked").nextSibling?.textContent).toBe("5");
    expect(metrics.textContent).toContain("152 wpm");
    expect(metrics.textContent).toContain("improving, ends positive");
    expect((await screen.findByTestId("redaction-counts")).textContent).toBe("Redacted before analysis: 1 × [CARD], 2 × [PHONE]");
    const hits = await screen.findByTestId("tracker-hits");
    expect(hits.textContent).toContain("Add-ons: “battery” (agent)");
    fireEvent.click(within(hits).getByTestId("tracker-hit"));
    expect(audio.currentTime).toBe(9.5);
  });

  it("says when a call has no metrics or hits, and shows their load errors", async () => {
    seed();
    await openPage();
    expect(await screen.findByText("No talk metrics")).toBeTruthy();
    expect(await screen.findByText("No tracker hits")).toBeTruthy();
    cleanup();
    db.fail("tracker_hits", { message: "boom" });
    await openPage();
    expect(await screen.findByText("boom", { exact: false })).toBeTruthy();
  });
});

describe("activeSentence", () => {
  const segs = SEGMENTS as Parameters<typeof activeSentence>[0];
  it("finds the sentence containing the time, keeps it through the pause before the next, none after the end", () => {
    expect(activeSentence(segs, 0)).toBe(0);
    expect(activeSentence(segs, 3.99)).toBe(0);
    expect(activeSentence(segs, 4.2)).toBe(0);
    expect(activeSentence(segs, 4.5)).toBe(1);
    expect(activeSentence(segs, 17.9)).toBe(3);
    expect(activeSentence(segs, 18)).toBe(-1);
    expect(activeSentence([], 3)).toBe(-1);
  });
});
