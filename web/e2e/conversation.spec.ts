// Talk metrics and trackers in a real browser against the test stack, each
// test on a tenant of its own: its calls are analyzed by the worker, which
// measures them, and its trackers are matched as each transcript is saved.
import { expect, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { analyzed, createOrg, createTeam, postCall, type Sentence } from "./fixtures";

const PRICE_TALK: Sentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling, this is Robin. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 8, transcript: "Hi, what is the price of the premium plan?" },
  { media_channel: 2, start_time: 8.5, end_time: 14, transcript: "Great question. Have you looked at the annual option? The cost is lower per month." },
  { media_channel: 1, start_time: 13.5, end_time: 18, transcript: "Sorry, go on. Annual sounds good, let's do it." },
];
const NO_PRICE: Sentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Hello, this is Robin returning your call about the install." },
  { media_channel: 1, start_time: 4.5, end_time: 8, transcript: "Yes, can we move it to Friday morning?" },
  { media_channel: 2, start_time: 8.5, end_time: 12, transcript: "Friday at nine works. I'll send a confirmation." },
];

test("the call page shows talk metrics and tracker hits; the calls list filters by tracker", async ({ page }) => {
  const team = await createTeam();
  const [pricing] = await rest<{ id: string }[]>("trackers", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: team.org.id, name: "Pricing", terms: ["price", "cost"] }),
  });
  for (const s of [PRICE_TALK, NO_PRICE, PRICE_TALK]) await analyzed(await postCall(team.line, s));
  const hits = await rest<{ call_id: string; term: string; time_seconds: number }[]>(
    `tracker_hits?select=call_id,term,time_seconds&tracker_id=eq.${pricing.id}&order=time_seconds`,
  );
  expect(new Set(hits.map((h) => h.call_id)).size).toBe(2);
  const callId = hits[0].call_id;
  const [metrics] = await rest<{ interruptions: number; agent_questions: number }[]>(
    `call_metrics?select=interruptions,agent_questions&call_id=eq.${callId}`,
  );

  await signInAs(page, team.manager, `/app/calls/${callId}`);
  const talk = page.getByTestId("talk-metrics");
  await expect(talk).toContainText("Talk / listen: agent");
  await expect(talk.getByText("Questions asked").locator("xpath=following-sibling::dd")).toHaveText(String(metrics.agent_questions));
  await expect(talk.getByText("Interruptions").locator("xpath=following-sibling::dd")).toHaveText(String(metrics.interruptions));
  const list = page.getByTestId("tracker-hits");
  await expect(list).toContainText(`Pricing: “${hits.filter((h) => h.call_id === callId)[0].term}”`);
  await shot(page, "conversation-call-page");

  await page.goto("/app/calls");
  await page.getByLabel("Tracker").selectOption({ label: "Pricing" });
  await expect(page).toHaveURL(new RegExp(`tracker=${pricing.id}`));
  const calls = new Set(hits.map((h) => h.call_id));
  await expect(page.getByTestId("call-row")).toHaveCount(calls.size);
});

test("a manager adds a tracker with synonyms; the dashboard shows talk metrics per agent", async ({ page }) => {
  const team = await createTeam();
  await analyzed(await postCall(team.line, PRICE_TALK));
  const name = "Warranty";
  await signInAs(page, team.manager, "/app/trackers");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/Words and phrases/).fill("warranty, guarantee");
  await page.getByLabel(/Alert the managers/).check();
  await page.getByRole("button", { name: "Add tracker" }).click();
  await expect(page.getByTestId("trackers")).toContainText(name);
  await expect(page.getByTestId("trackers")).toContainText("warranty, guarantee");
  const [row] = await rest<{ terms: string[]; alert: boolean }[]>(`trackers?select=terms,alert&org_id=eq.${team.org.id}&name=eq.${name}`);
  expect(row).toEqual({ terms: ["warranty", "guarantee"], alert: true });

  await page.goto("/app");
  const perAgent = page.getByTestId("conversation-metrics");
  await expect(perAgent).toBeVisible();
  // A header row and one row for the team's one agent.
  await expect(perAgent.getByRole("row")).toHaveCount(2);
  await expect(perAgent).toContainText(team.agent.name);
});

test("an owner chooses what is redacted from transcripts", async ({ page }) => {
  const org = await createOrg();
  await signInAs(page, org.owner, "/app/privacy");
  const name = page.getByRole("checkbox", { name: /The customer's name/ });
  await expect(name).toBeChecked();
  await name.uncheck();
  await expect(page.getByText(/stay readable/)).toBeVisible();
  await page.getByRole("button", { name: "Save redaction" }).click();
  await expect(page.getByText(/Saved\. New calls are redacted this way/)).toBeVisible();
  const [after] = await rest<{ settings: { redact_types: string[] } }[]>(`organizations?select=settings&id=eq.${org.id}`);
  expect(after.settings.redact_types).toEqual(["CARD", "CVV", "SSN", "ACCOUNT", "PHONE", "EMAIL", "DOB", "ADDRESS"]);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: /The customer's name/ })).not.toBeChecked();
});
