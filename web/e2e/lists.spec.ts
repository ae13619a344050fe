// The SPA's read paths and the small interactions not covered elsewhere, on
// the real stack, each in a tenant of its own: paging through the calls list,
// the activity log's "Show more" and the referrals' pages; the filters of the
// calls list, the activity log (outcome, person, dates), the referrals'
// status tabs and the dashboard (presets, agent, the trend's table, the
// failed-calls link); loading a saved what-if scenario, resetting it and the
// measuring window; the goals' closed periods; emailing a referral; the
// messages' unmatched mailbox and unread replies; discarding script edits;
// the phone-width menu. What a screen shows is checked against the rows the
// test wrote, so a page that repeats, skips or ignores a filter fails.
import { expect, type Page, test } from "@playwright/test";
import { DEMO_PASSWORD, rest, restAs, signInWithForm } from "./helpers";
import { addMember, createAgent, createOrg, insertCalls } from "./fixtures";

const MAIL_DOMAIN = process.env.MAILGUN_DOMAIN ?? "mg.salespulse.test";
/** Mail forwarded by the Mailgun stand-in to our inbound route, as Mailgun would (signed). */
async function forwardMail(mail: { to: string; from: string; subject: string; text: string }) {
  const res = await (await fetch(`${process.env.MAILGUN_SANDBOX_URL}/_sandbox/inbound`, { method: "POST", body: JSON.stringify(mail) })).json();
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as { matched_by: string; thread_id: string };
}
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const pad = (n: number) => String(n).padStart(2, "0");

/** The calls the list shows, as the ids its links open. */
const shownCalls = async (page: Page) =>
  (await page.locator('[data-testid="call-row"] a.calls-open').evaluateAll((as) => as.map((a) => a.getAttribute("href"))))
    .map((href) => href!.split("/").at(-1));

test("calls: a manager pages through 27 calls, 25 at a time; each page shows the next calls, newest first", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const agent = await createAgent(org.id, "Paige Pager");
  // Newest first: call i started i minutes ago.
  const ids = await insertCalls(org.id, Array.from({ length: 27 }, (_, i) => ({ startedAt: ago(i + 1), agentId: agent.id })));
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/calls");
  const pager = page.getByRole("navigation", { name: "Pagination" });
  await expect(pager).toContainText("1–25 of 27");
  await expect.poll(() => shownCalls(page)).toEqual(ids.slice(0, 25));
  await expect(pager.getByRole("button", { name: "Prev" })).toBeDisabled();

  await pager.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/[?&]page=2/);
  await expect(pager).toContainText("26–27 of 27");
  await expect.poll(() => shownCalls(page)).toEqual(ids.slice(25));
  await expect(pager.getByRole("button", { name: "Next" })).toBeDisabled();
  await page.reload();
  await expect.poll(() => shownCalls(page)).toEqual(ids.slice(25));

  await page.getByRole("navigation", { name: "Pagination" }).getByRole("button", { name: "Prev" }).click();
  await expect.poll(() => shownCalls(page)).toEqual(ids.slice(0, 25));

  // A page past the end offers the first one.
  await page.goto("/app/calls?page=4");
  await expect(page.getByText("There is nothing on this page")).toBeVisible();
  await page.getByRole("button", { name: "Go to the first page" }).click();
  await expect(page.getByTestId("call-row")).toHaveCount(25);
  await expect(page).not.toHaveURL(/page=4/);
});

test("calls: a manager filters by agent, sentiment, status and dates, then clears the filters", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const ann = await createAgent(org.id, "Ann Filter");
  const ben = await createAgent(org.id, "Ben Filter");
  const [annHappy, benCross, benFailed, annOld] = await insertCalls(org.id, [
    { startedAt: "2026-03-10T12:00:00Z", agentId: ann.id, insight: { sentiment: "positive", converted: true } },
    { startedAt: "2026-03-12T12:00:00Z", agentId: ben.id, insight: { sentiment: "negative" } },
    { startedAt: "2026-03-15T12:00:00Z", agentId: ben.id, status: "failed" },
    { startedAt: "2025-06-01T12:00:00Z", agentId: ann.id, insight: { sentiment: "neutral" } },
  ]);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/calls");
  const filters = page.getByRole("region", { name: "Filter calls" });
  const rows = page.getByTestId("call-row");
  await expect(rows).toHaveCount(4);

  await filters.locator("select[name=agent]").selectOption(ann.id);
  await expect(page).toHaveURL(new RegExp(`agent=${ann.id}`));
  await expect.poll(() => shownCalls(page)).toEqual([annHappy, annOld]);
  await filters.locator("select[name=sentiment]").selectOption("positive");
  await expect.poll(() => shownCalls(page)).toEqual([annHappy]);

  await filters.locator("select[name=agent]").selectOption("");
  await filters.locator("select[name=sentiment]").selectOption("negative");
  await expect.poll(() => shownCalls(page)).toEqual([benCross]);
  await filters.locator("select[name=sentiment]").selectOption("");
  await filters.locator("select[name=status]").selectOption("failed");
  await expect(page).toHaveURL(/status=failed/);
  await expect.poll(() => shownCalls(page)).toEqual([benFailed]);

  await filters.locator("select[name=status]").selectOption("");
  await filters.locator("input[name=from]").fill("2026-01-01");
  await filters.locator("input[name=to]").fill("2026-12-31");
  await expect.poll(() => shownCalls(page)).toEqual([benFailed, benCross, annHappy]);

  // Nothing matches: "Clear filters" brings every call back.
  await filters.locator("select[name=agent]").selectOption(ann.id);
  await filters.locator("select[name=status]").selectOption("failed");
  await expect(page.getByText("No calls match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(4);
  await expect(page).toHaveURL(/\/app\/calls$/);
});

test("activities: the log shows 25 entries, 'Show more' the next ones; the outcome filter narrows it", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  // Newest first: note i happened i hours ago; every tenth one was won.
  await rest("activities", {
    method: "POST",
    body: JSON.stringify(Array.from({ length: 30 }, (_, i) => ({
      org_id: org.id, user_id: manager.id, type: "note", title: `E2E note ${pad(i)}`, occurred_at: ago(60 * (i + 1)),
      outcome: i % 10 === 0 ? "won" : "completed",
    }))),
  });
  const titles = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `E2E note ${pad(from + i)}`);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/activities");
  const rows = page.getByTestId("activity-row");
  await expect(rows).toHaveCount(25);
  await expect(rows.locator(".act-title")).toHaveText(titles(0, 25));

  await page.getByRole("button", { name: "Show more" }).click();
  await expect(rows).toHaveCount(30);
  await expect(rows.locator(".act-title")).toHaveText(titles(0, 30));
  await expect(page.getByText("30 activities — that's all.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Show more" })).toHaveCount(0);

  await page.getByLabel("Outcome").selectOption("won");
  await expect(page).toHaveURL(/outcome=won/);
  await expect(rows.locator(".act-title")).toHaveText(["E2E note 00", "E2E note 10", "E2E note 20"]);
  await page.reload();
  await expect(rows.locator(".act-title")).toHaveText(["E2E note 00", "E2E note 10", "E2E note 20"]);
});

test("activities: a manager picks a person and a period; only that person's entries of that period are listed", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager", undefined, "Mia Manager");
  const rep = await addMember(org.id, "agent", undefined, "Pat Person");
  const entry = (user: string, title: string, at: string) => ({ org_id: org.id, user_id: user, type: "meeting", title, occurred_at: at });
  await rest("activities", { method: "POST", body: JSON.stringify([
    entry(rep.id, "E2E rep early", "2026-05-10T12:00:00Z"),
    entry(rep.id, "E2E rep middle", "2026-05-20T12:00:00Z"),
    entry(rep.id, "E2E rep late", "2026-06-10T12:00:00Z"),
    entry(manager.id, "E2E manager middle", "2026-05-21T12:00:00Z"),
  ]) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/activities");
  const titles = page.getByTestId("activity-row").locator(".act-title");
  await expect(titles).toHaveText(["E2E rep late", "E2E manager middle", "E2E rep middle", "E2E rep early"]);
  await page.getByLabel("Person").selectOption({ label: "Pat Person" });
  await expect(page).toHaveURL(new RegExp(`person=${rep.id}`));
  await expect(page.getByRole("heading", { name: "Pat Person's timeline" })).toBeVisible();
  await expect(titles).toHaveText(["E2E rep late", "E2E rep middle", "E2E rep early"]);
  await page.getByLabel("From").fill("2026-05-15");
  await page.getByLabel("To").fill("2026-05-31");
  await expect(titles).toHaveText(["E2E rep middle"]);
  await page.getByLabel("Person").selectOption("");
  await expect(titles).toHaveText(["E2E manager middle", "E2E rep middle"]);
});

test("referrals: 27 referrals page 25 at a time; the status tabs count and filter them", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const tag = Math.random().toString(36).slice(2, 8);
  // Newest first: one at a time, the oldest first (submitted_at is the insert's time); every ninth one is lost.
  for (let i = 26; i >= 0; i--) {
    await rest("referrals", {
      method: "POST",
      body: JSON.stringify({
        org_id: org.id, referrer_kind: "customer", referrer_name: "Rhea Referrer", referred_name: `E2E lead ${pad(i)}`,
        referred_email: `lead.${i}.${tag}@e2e.test`,
      }),
    });
  }
  await rest(`referrals?org_id=eq.${org.id}&referred_name=in.("E2E lead 00","E2E lead 09","E2E lead 18")`, {
    method: "PATCH", body: JSON.stringify({ status: "lost" }),
  });
  const names = (idx: number[]) => idx.map((i) => new RegExp(`E2E lead ${pad(i)}`));
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/referrals");
  const rows = page.getByTestId("referral-row");
  const pager = page.getByRole("navigation", { name: "Pagination" });
  await expect(rows).toHaveText(names(range(0, 25)));
  await expect(pager).toContainText("1–25 of 27");
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(rows).toHaveText(names([25, 26]));
  await expect(pager).toContainText("26–27 of 27");
  await expect(pager.getByRole("button", { name: "Next" })).toBeDisabled();
  await pager.getByRole("button", { name: "Prev" }).click();
  await expect(rows).toHaveText(names(range(0, 25)));

  const tabs = page.getByRole("group", { name: "Status" });
  await expect(tabs.getByRole("button", { name: "All (27)" })).toBeVisible();
  await tabs.getByRole("button", { name: /^Lost \(3\)$/ }).click();
  await expect(rows).toHaveText(names([0, 9, 18]));
  await expect(pager).toHaveCount(0);
  await tabs.getByRole("button", { name: /^Submitted/ }).click();
  await expect(rows).toHaveCount(24);
  await expect(rows.filter({ hasText: "E2E lead 09" })).toHaveCount(0);
});

test("dashboard: the agent filter and the period presets set the figures, as the database counts them", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const near = await createAgent(org.id, "Nora Near");
  const far = await createAgent(org.id, "Fred Far");
  const day = 24 * 60;
  await insertCalls(org.id, [
    { startedAt: ago(2 * day), agentId: near.id, insight: { converted: true, upsell: 300 } },
    { startedAt: ago(3 * day), agentId: near.id, insight: {} },
    { startedAt: ago(20 * day), agentId: far.id, insight: { upsell: 50 } },
    { startedAt: ago(60 * day), agentId: far.id, insight: {} },
  ]);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app");
  const filters = page.getByRole("region", { name: "Dashboard filters" });
  const calls = page.getByTestId("kpi-calls");
  // The default period is the last 30 days.
  await expect(calls).toHaveAttribute("data-value", "3");
  await expect(page.getByTestId("kpi-upsell_revenue")).toHaveAttribute("data-value", "350");

  await filters.getByLabel("Period").selectOption("7");
  await expect(calls).toHaveAttribute("data-value", "2");
  await expect(page.getByTestId("kpi-upsell_revenue")).toHaveAttribute("data-value", "300");
  await filters.getByLabel("Period").selectOption("90");
  await expect(calls).toHaveAttribute("data-value", "4");
  // The trend's table (for screen readers) adds up to the same calls.
  const perDay = page.locator("table:has(caption:text('Calls and upsell revenue per')) tbody tr td:nth-of-type(1)");
  await expect.poll(async () => (await perDay.allTextContents()).reduce((a, n) => a + Number(n), 0)).toBe(4);

  await filters.locator("select[name=agent]").selectOption(far.id);
  await expect(page).toHaveURL(new RegExp(`agent=${far.id}`));
  await expect(calls).toHaveAttribute("data-value", "2");
  await expect(page.getByTestId("kpi-upsell_revenue")).toHaveAttribute("data-value", "50");
  await page.reload();
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "2");
  await page.getByRole("region", { name: "Dashboard filters" }).locator("select[name=agent]").selectOption("");
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "4");
});

test("what-if: loading a saved scenario puts its inputs in the form and its projection on screen", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const big = { agents: 12, calls_per_agent_per_day: 15, working_days_per_month: 20, conversion_rate: 0.2, average_deal_value: 900 };
  const small = { agents: 2, calls_per_agent_per_day: 8, working_days_per_month: 18, conversion_rate: 0.05, average_deal_value: 400, upsell_rate: 0.1, upsell_amount: 250 };
  // Saved as the manager (the table's trigger is for signed-in users).
  await restAs(manager, "what_if_scenarios", {
    method: "POST",
    body: JSON.stringify([{ org_id: org.id, name: "E2E big team", inputs: big }, { org_id: org.id, name: "E2E small team", inputs: small }]),
  });
  // What the database projects for each (the screen measures over 90 days by default).
  const monthOf = async (inputs: object) =>
    (await restAs<{ revenue: { month: number } }>(manager, "rpc/scenario_projection", {
      method: "POST", body: JSON.stringify({ p_inputs: inputs, p_window_days: 90 }),
    })).revenue.month;
  const [bigMonth, smallMonth] = [await monthOf(big), await monthOf(small)];
  expect(bigMonth).not.toBe(smallMonth);

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/what-if");
  // A new organization has measured nothing: no projection until inputs are given.
  await expect(page.getByText("Not enough to project yet")).toBeVisible();
  const field = (k: string) => page.locator(`input[name='${k}']`);
  const loadScenario = (name: string) =>
    page.getByTestId("saved-scenario").filter({ hasText: name }).getByRole("button", { name: "Load" }).click();

  await loadScenario("E2E big team");
  for (const [k, v] of [["agents", "12"], ["calls_per_agent_per_day", "15"], ["working_days_per_month", "20"], ["conversion_rate", "20"], ["average_deal_value", "900"], ["upsell_rate", ""]]) {
    await expect(field(k)).toHaveValue(v);
  }
  await expect(page.getByLabel("Scenario name")).toHaveValue("E2E big team");
  await expect(page.getByTestId("revenue-month")).toHaveAttribute("data-value", String(bigMonth));

  await loadScenario("E2E small team");
  for (const [k, v] of [["agents", "2"], ["conversion_rate", "5"], ["upsell_rate", "10"], ["upsell_amount", "250"]]) {
    await expect(field(k)).toHaveValue(v);
  }
  await expect(page.getByLabel("Scenario name")).toHaveValue("E2E small team");
  await expect(page.getByTestId("revenue-month")).toHaveAttribute("data-value", String(smallMonth));
  // Back to what the organization measured: nothing yet.
  await page.getByRole("button", { name: "Reset to measured" }).click();
  await expect(field("agents")).toHaveValue("");
  await expect(page.getByText("Not enough to project yet")).toBeVisible();
});

test("what-if: the measuring window changes the measured figures and their sample sizes", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const day = 24 * 60;
  // Two analyzed calls in the last 30 days (one converted), two more 60 days ago (neither).
  await insertCalls(org.id, [
    { startedAt: ago(5 * day), insight: { converted: true } }, { startedAt: ago(6 * day), insight: {} },
    { startedAt: ago(60 * day), insight: {} }, { startedAt: ago(61 * day), insight: {} },
  ]);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/what-if");
  const measured = page.getByTestId("measured-conversion_rate");
  // 90 days by default: all four calls, one of them converted.
  await expect(measured).toHaveText("Measured 25 % · n = 4");
  await expect(page.locator("input[name='conversion_rate']")).toHaveValue("25");
  await page.getByLabel("Measured over").selectOption("30");
  await expect(measured).toHaveText("Measured 50 % · n = 2");
  await expect(page.locator("input[name='conversion_rate']")).toHaveValue("50");
});

test("script: unsaved edits are discarded back to the saved script", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  await rest("call_scripts", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "E2E saved", is_default: true, items: [{ id: "greet", label: "Greet" }] }) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/script");
  const form = page.getByRole("form", { name: "Call script" });
  const label = page.getByTestId("script-item").first().getByRole("textbox").first();
  await expect(label).toHaveValue("Greet");
  await label.fill("Greet warmly");
  await form.getByLabel("Script name").fill("E2E renamed");
  await expect(form.getByText("Unsaved changes")).toBeVisible();
  await form.getByRole("button", { name: "Discard changes" }).click();
  await expect(label).toHaveValue("Greet");
  await expect(form.getByLabel("Script name")).toHaveValue("E2E saved");
  await expect(form.getByRole("button", { name: "Save script" })).toBeDisabled();
  expect(await rest(`call_scripts?select=name,items&org_id=eq.${org.id}`)).toEqual([{ name: "E2E saved", items: [{ id: "greet", label: "Greet" }] }]);
});

test("phone width: the menu opens the navigation and a link in it loads its screen", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  await rest("trackers", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "E2E menu tracker", terms: ["menu"] }) });
  await page.setViewportSize({ width: 390, height: 844 });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app");
  const nav = page.getByRole("navigation", { name: "Main" });
  const trackers = nav.getByRole("link", { name: "Trackers" });
  await expect(trackers).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "true");
  await trackers.click();
  await expect(page).toHaveURL(/\/app\/trackers$/);
  await expect(page.getByTestId("trackers")).toContainText("E2E menu tracker");
  await expect(trackers).toBeHidden();
});

test("messages: mail that matches no thread is in the managers' Unmatched mailbox; answering it makes it a conversation", async ({ page, browser }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const agent = await addMember(org.id, "agent");
  const [{ slug }] = await rest<{ slug: string }[]>(`organizations?select=slug&id=eq.${org.id}`);
  const subject = `E2E stray ${Date.now()}`;
  const from = `una.${Date.now()}@customer.test`;
  // Mailgun forwards mail sent to the organization's own address (no reply token, no known headers).
  const forwarded = await forwardMail({ to: `${slug}@${MAIL_DOMAIN}`, from: `Una Unknown <${from}>`, subject, text: "Who handles invoices?" });
  expect(forwarded.matched_by).toBe("unmatched");

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/messages");
  const mailbox = page.getByRole("group", { name: "Mailbox" });
  await expect(mailbox.getByRole("button", { name: "Conversations" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText("No conversations yet")).toBeVisible();
  await mailbox.getByRole("button", { name: "Unmatched" }).click();
  await expect(page).toHaveURL(/box=unmatched/);
  const row = page.getByTestId("thread-row").filter({ hasText: subject });
  await expect(row).toContainText(from);
  await expect(page.getByTestId("thread-row")).toHaveCount(1);
  await row.click();
  const thread = page.getByRole("region", { name: `Conversation: ${subject}` });
  await expect(thread.locator('[data-direction="inbound"]')).toContainText("Who handles invoices?");

  // An agent has no unmatched mailbox.
  const other = await browser.newPage();
  await signInWithForm(other, agent.email, DEMO_PASSWORD);
  await other.goto("/app/messages?box=unmatched");
  await expect(other.getByRole("heading", { name: "Messages" })).toBeVisible();
  await expect(other.getByRole("group", { name: "Mailbox" })).toHaveCount(0);
  await expect(other.getByTestId("thread-row").filter({ hasText: subject })).toHaveCount(0);
  await other.close();

  const reply = page.getByRole("form", { name: "Reply" });
  await reply.locator("textarea[name=reply]").fill("Our billing team does; I'll connect you.");
  await reply.getByRole("button", { name: "Send reply" }).click();
  await expect(thread.getByTestId("thread-message")).toHaveCount(2);
  await expect.poll(async () => (await rest<{ unmatched: boolean }[]>(`threads?select=unmatched&org_id=eq.${org.id}`)).map((t) => t.unmatched))
    .toEqual([false]);
  await page.getByRole("group", { name: "Mailbox" }).getByRole("button", { name: "Conversations" }).click();
  await expect(page.getByTestId("thread-row").filter({ hasText: subject })).toHaveCount(1);
  await page.getByRole("group", { name: "Mailbox" }).getByRole("button", { name: "Unmatched" }).click();
  await expect(page.getByText("No unmatched mail")).toBeVisible();
});

test("goals: the closed periods are listed newest first, as they ended", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [goal] = await rest<{ id: string }[]>("goals", {
    method: "POST", headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: org.id, name: "E2E monthly wins", metric: "conversions", scope: "organization", target: 10, period: "month", period_start: "2026-09-01" }),
  });
  const closed = (start: string, end: string, actual: number, status: string) => ({
    org_id: org.id, goal_id: goal.id, name: "E2E monthly wins", metric: "conversions", scope: "organization", period: "month",
    period_start: start, period_end: end, target: 10, actual, sample_size: actual, status,
  });
  await rest("goal_snapshots", { method: "POST", body: JSON.stringify([
    closed("2026-09-01", "2026-09-30", 4, "missed"), closed("2026-10-01", "2026-10-31", 12, "reached"),
  ]) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/goals");
  const rows = page.getByTestId("goal-history-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator("td").nth(2)).toHaveText("12");
  await expect(rows.nth(0)).toContainText(/reached/i);
  await expect(rows.nth(1).locator("td").nth(2)).toHaveText("4");
  await expect(rows.nth(1)).toContainText(/missed/i);
});

test("referrals: 'Email <name>' opens an email to the referral, addressed and drafted", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const email = `rory.${Date.now()}@e2e.test`;
  await rest("referrals", {
    method: "POST",
    body: JSON.stringify({ org_id: org.id, referrer_kind: "partner", referrer_name: "Pia Partner", referred_name: "Rory Referred", referred_email: email }),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/referrals");
  await page.getByTestId("referral-row").filter({ hasText: "Rory Referred" }).getByRole("link", { name: "Email Rory Referred" }).click();
  await expect(page).toHaveURL(/compose=referral/);
  const form = page.getByRole("form", { name: "New email" });
  await expect(form.getByRole("heading", { name: "Email to a referral" })).toBeVisible();
  await expect(form.locator("input[name=to]")).toHaveValue(email);
  await expect(form.locator("input[name=subject]")).not.toHaveValue("");
  await expect(form.locator("textarea[name=body]")).toHaveValue(/Rory/);
});

test("dashboard: the failed-calls figure opens the calls list filtered to the failed calls", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [failed] = await insertCalls(org.id, [
    { startedAt: ago(60), status: "failed" },
    { startedAt: ago(30), insight: {} },
  ]);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app");
  const link = page.getByTestId("kpi-failed");
  await expect(link).toHaveAttribute("data-value", "1");
  await link.click();
  await expect(page).toHaveURL(/\/app\/calls\?.*status=failed/);
  await expect.poll(() => shownCalls(page)).toEqual([failed]);
});

test("messages: a reply shows as unread in the list until the thread is opened", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const to = `ula.${Date.now()}@customer.test`;
  const subject = `E2E unread ${Date.now()}`;
  const { thread_id } = await restAs<{ thread_id: string }>(manager, "rpc/send_email_message", {
    method: "POST", body: JSON.stringify({ p_org_id: org.id, p_to: to, p_subject: subject, p_body: "Here is the offer." }),
  });
  const [{ reply_token }] = await rest<{ reply_token: string }[]>(`threads?select=reply_token&id=eq.${thread_id}`);
  const reply = await forwardMail({ to: `reply+${reply_token}@${MAIL_DOMAIN}`, from: to, subject: `Re: ${subject}`, text: "Sounds good, call me." });
  expect(reply).toMatchObject({ matched_by: "token", thread_id });

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/messages");
  const row = page.getByTestId("thread-row").filter({ hasText: subject });
  await expect(row.getByTestId("unread")).toHaveText("1");
  await expect(row).toContainText("Sounds good, call me.");
  await row.click();
  await expect(page.getByRole("region", { name: `Conversation: ${subject}` }).locator('[data-direction="inbound"]')).toContainText("Sounds good, call me.");
  await expect(row.getByTestId("unread")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("thread-row").filter({ hasText: subject })).toBeVisible();
  await expect(page.getByTestId("thread-row").filter({ hasText: subject }).getByTestId("unread")).toHaveCount(0);
});
