// Talk metrics and trackers in a real browser against the test stack (seeded
// like the demo: its calls are analyzed by the worker, which measures them,
// and the seeded trackers are matched as each transcript is saved).
import { expect, test } from "@playwright/test";
import { rest, shot, signInAs, USERS } from "./helpers";

const ACME = "0a000000-0000-4000-8000-000000000001";

test("the call page shows talk metrics and tracker hits; the calls list filters by tracker", async ({ page }) => {
  const [pricing] = await rest<{ id: string }[]>(`trackers?select=id&org_id=eq.${ACME}&name=eq.Pricing`);
  const hits = await rest<{ call_id: string; term: string; time_seconds: number }[]>(
    `tracker_hits?select=call_id,term,time_seconds&tracker_id=eq.${pricing.id}&order=time_seconds`,
  );
  expect(hits.length).toBeGreaterThan(0);
  const callId = hits[0].call_id;
  const [metrics] = await rest<{ interruptions: number; agent_questions: number }[]>(
    `call_metrics?select=interruptions,agent_questions&call_id=eq.${callId}`,
  );

  await signInAs(page, USERS.acmeManager, `/app/calls/${callId}`);
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
  const name = `Warranty ${Date.now().toString(36)}`;
  await signInAs(page, USERS.acmeManager, "/app/trackers");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/Words and phrases/).fill("warranty, guarantee");
  await page.getByLabel(/Alert the managers/).check();
  await page.getByRole("button", { name: "Add tracker" }).click();
  await expect(page.getByTestId("trackers")).toContainText(name);
  await expect(page.getByTestId("trackers")).toContainText("warranty, guarantee");
  const [row] = await rest<{ terms: string[]; alert: boolean }[]>(`trackers?select=terms,alert&org_id=eq.${ACME}&name=eq.${encodeURIComponent(name)}`);
  expect(row).toEqual({ terms: ["warranty", "guarantee"], alert: true });
  await rest(`trackers?org_id=eq.${ACME}&name=eq.${encodeURIComponent(name)}`, { method: "DELETE", headers: { prefer: "return=representation" } });

  await page.goto("/app");
  await expect(page.getByTestId("conversation-metrics")).toBeVisible();
  await expect(page.getByTestId("conversation-metrics").getByRole("row")).not.toHaveCount(1);
});

test("an owner chooses what is redacted from transcripts", async ({ page }) => {
  const [before] = await rest<{ settings: Record<string, unknown> }[]>(`organizations?select=settings&id=eq.${ACME}`);
  try {
    await signInAs(page, USERS.acmeOwner, "/app/privacy");
    const name = page.getByRole("checkbox", { name: /The customer's name/ });
    await expect(name).toBeChecked();
    await name.uncheck();
    await expect(page.getByText(/stay readable/)).toBeVisible();
    await page.getByRole("button", { name: "Save redaction" }).click();
    await expect(page.getByText(/Saved\. New calls are redacted this way/)).toBeVisible();
    const [after] = await rest<{ settings: { redact_types: string[] } }[]>(`organizations?select=settings&id=eq.${ACME}`);
    expect(after.settings.redact_types).toEqual(["CARD", "CVV", "SSN", "ACCOUNT", "PHONE", "EMAIL", "DOB", "ADDRESS"]);
    await page.reload();
    await expect(page.getByRole("checkbox", { name: /The customer's name/ })).not.toBeChecked();
  } finally {
    await rest(`organizations?id=eq.${ACME}`, {
      method: "PATCH",
      body: JSON.stringify({ settings: before.settings }),
      headers: { prefer: "return=representation" },
    });
  }
});
