// Sales performance as a new user would try it, in a real browser against the
// real test stack, each test on a tenant of its own: the manager sets a
// monthly conversions goal for an agent, a call that converts arrives through the signed Twilio webhook and
// the goal moves without a reload; a meeting logged by hand; a referral added
// and moved to won; what-if pre-filled from measured figures, adherence
// raised, the projection with its interval.
import { expect, type Page, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { analyzed, createTeam, postCall, SALE, type Team } from "./fixtures";


/** A monthly conversions goal for the team's agent, starting today. */
async function conversionsGoal(team: Team) {
  await rest("goals", {
    method: "POST",
    body: JSON.stringify({
      org_id: team.org.id, name: "Alex: conversions", metric: "conversions", scope: "member",
      agent_id: team.agent.id, target: 4, period: "month", period_start: new Date().toISOString().slice(0, 10),
    }),
  });
}

async function noOverflow(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
}

test("a goal moves live when a converting call arrives through the signed webhook", async ({ page }) => {
  const team = await createTeam();
  const name = "Alex: conversions";
  await signInAs(page, team.manager, "/app/goals");
  await expect(page.getByRole("heading", { name: "Goals", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New goal" }).click();
  const form = page.getByRole("form", { name: "New goal" });
  await expect(form.locator("select[name=metric]")).toHaveValue("conversions");
  await expect(form.locator("select[name=period]")).toHaveValue("month");
  await form.locator("select[name=subject]").selectOption({ label: "Alex Agent" });
  await form.locator("input[name=target]").fill("5");
  await form.locator("input[name=name]").fill(name);
  await form.getByRole("button", { name: "Create goal" }).click();
  await expect(page.getByText("Goal created.")).toBeVisible();

  const card = page.getByTestId("goal-card").filter({ hasText: name });
  await expect(card).toBeVisible();
  await expect(card.getByRole("progressbar")).toBeVisible();
  await expect(card).toHaveAttribute("data-actual", "0");
  const [goal] = await rest<{ id: string; metric: string; period: string; agent_id: string }[]>(
    `goals?select=id,metric,period,agent_id&org_id=eq.${team.org.id}&name=eq.${encodeURIComponent(name)}`,
  );
  expect(goal).toMatchObject({ metric: "conversions", period: "month", agent_id: team.agent.id });
  await shot(page, "20-goals-before-call");

  const sid = await postCall(team.line, SALE, 24);
  // No reload: the screen polls goal_progress.
  await expect(card).toHaveAttribute("data-actual", "1", { timeout: 60_000 });
  const [call] = await rest<{ status: string }[]>(`calls?select=status&twilio_call_sid=eq.${sid}`);
  expect(call.status).toBe("analyzed");
  await shot(page, "21-goals-after-call");

  // The dashboard's goal widget shows goals too.
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByTestId("goal-summary-row")).toHaveCount(1);
  await shot(page, "22-dashboard-goals");
});

test("log a meeting by hand; automatic entries link to their source", async ({ page }) => {
  const team = await createTeam();
  await analyzed(await postCall(team.line, SALE, 24));
  const title = "Site visit";
  await signInAs(page, team.manager, "/app/activities");
  await expect(page.getByTestId("activity-row").first()).toBeVisible();
  await page.getByRole("button", { name: "Log an activity" }).click();
  const form = page.getByRole("form", { name: "Log an activity" });
  await form.getByLabel("Type").selectOption("meeting");
  await form.getByLabel("Outcome").selectOption("completed");
  await form.getByLabel("Contact").fill("Dana Whitfield");
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Notes").fill("Walked the roof; sending the proposal.");
  await form.getByRole("button", { name: "Log activity" }).click();
  await expect(page.getByText("Meeting logged.")).toBeVisible();
  const row = page.getByTestId("activity-row").filter({ hasText: title });
  await expect(row).toBeVisible();
  await expect(row.getByRole("button", { name: "Edit" })).toBeVisible();
  const [a] = await rest<{ type: string; user_id: string; source_type: string | null }[]>(
    `activities?select=type,user_id,source_type&org_id=eq.${team.org.id}&title=eq.${encodeURIComponent(title)}`,
  );
  expect(a).toEqual({ type: "meeting", user_id: team.manager.id, source_type: null });
  // An analyzed call is read-only and opens its coaching page.
  await page.getByLabel("Type").selectOption("call");
  const auto = page.getByTestId("activity-row").and(page.locator("[data-manual='false']"));
  await expect(auto).toHaveCount(1);
  await expect(auto.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(auto.getByRole("link", { name: /coaching page/ })).toHaveAttribute("href", /\/app\/calls\//);
  await page.getByLabel("Type").selectOption("");
  await shot(page, "23-activities");
});

test("add a referral, refuse its duplicate, and move it to won", async ({ page }) => {
  const team = await createTeam();
  const phone = "+1 628 555 0199";
  const person = "Riley Referred";
  await signInAs(page, team.manager, "/app/referrals");
  await expect(page.getByRole("button", { name: "Add a referral" })).toBeVisible();
  const add = async (name: string) => {
    await page.getByRole("button", { name: "Add a referral" }).click();
    const form = page.getByRole("form", { name: "Add a referral" });
    await form.getByLabel("Referred by a").selectOption("customer");
    await form.getByLabel("Referrer's name").fill("Dana Whitfield");
    await form.getByLabel("Referred person").fill(name);
    await form.getByLabel("Phone").fill(phone);
    await form.getByRole("button", { name: "Add referral" }).click();
    return form;
  };
  await add(person);
  await expect(page.getByText(`Referral of ${person} added.`)).toBeVisible();
  // The same phone number again: a clear message, nothing added.
  const again = await add(`${person} again`);
  await expect(again.getByRole("alert")).toHaveText(/Already referred/);
  await again.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("searchbox").fill(person);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByTestId("referral-row").filter({ hasText: person });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("button")).toHaveText(["Mark contacted", "Mark lost"]);
  await row.getByRole("button", { name: "Mark contacted" }).click();
  await expect(row.getByTestId("referral-status")).toHaveText("Contacted");
  await row.getByRole("button", { name: "Mark qualified" }).click();
  await expect(row.getByTestId("referral-status")).toHaveText("Qualified");
  await row.getByRole("button", { name: "Mark won" }).click();
  await row.getByLabel(/Deal value/).fill("2500");
  await row.getByRole("button", { name: "Confirm won" }).click();
  await expect(row.getByTestId("referral-status")).toHaveText("Won");
  await expect(row.getByRole("button", { name: /^Mark/ })).toHaveCount(0);
  await row.getByLabel(/Reward for/).selectOption("pending");
  await expect(row.getByLabel(/Reward for/)).toHaveValue("pending");
  const [r] = await rest<{ status: string; deal_value: number; reward_status: string; won_at: string }[]>(
    `referrals?select=status,deal_value,reward_status,won_at&org_id=eq.${team.org.id}&referred_name=eq.${encodeURIComponent(person)}`,
  );
  expect(r).toMatchObject({ status: "won", deal_value: 2500, reward_status: "pending" });
  expect(r.won_at).toBeTruthy();
  await shot(page, "24-referrals");
});

test("what-if: inputs pre-filled from measured figures; raising adherence shows the projection with its interval", async ({ page }) => {
  // Two analyzed calls are below the lever's 30-call minimum, so the screen
  // first says "not enough calls yet"; then a quarter's worth of analyzed
  // calls (adherence and conversion moving together) is added.
  const team = await createTeam();
  for (let i = 0; i < 2; i++) await analyzed(await postCall(team.line, SALE, 24));
  await signInAs(page, team.manager, "/app/what-if");
  await expect(page.getByTestId("measured-conversion_rate")).toContainText(/Measured .* · n = \d+/);
  expect(await page.locator("input[name='conversion_rate']").inputValue()).not.toBe("");
  expect(await page.locator("input[name='agents']").inputValue()).not.toBe("");
  await expect(page.getByTestId("lever-script adherence")).toHaveAttribute("data-status", "insufficient_data");
  await expect(page.getByTestId("lever-script adherence")).toContainText("Not enough calls yet");
  await expect(page.getByTestId("projection")).toBeVisible();
  await shot(page, "25-what-if-not-enough-calls");
  await page.getByLabel("Scenario name").fill("Current team");
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByTestId("saved-scenario").filter({ hasText: "Current team" })).toBeVisible();

  const tag = Date.now();
  const calls = Array.from({ length: 40 }, (_, g) => ({
    id: crypto.randomUUID(), org_id: team.org.id, twilio_call_sid: `CA${crypto.randomUUID().replace(/-/g, "")}`, status: "analyzed",
    started_at: new Date(Date.now() - (g % 20 + 1) * 86_400_000).toISOString(), duration_seconds: 0,
  }));
  await rest("calls?select=id", { method: "POST", body: JSON.stringify(calls), headers: { prefer: "return=representation" } });
  await rest("insights?select=id", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify(calls.map((c, g) => {
      const adherence = 40 + (g % 6) * 10;
      return {
        org_id: team.org.id, call_id: c.id, run_key: "e2e", analyzer: "offline", model: "e2e", prompt_version: "e2e",
        sentiment_score: 0, sentiment_label: "neutral", converted: adherence >= 70 ? g % 7 !== 0 : g % 9 === 0,
        upsell_amount: 0, adherence_score: adherence, summary: "e2e", data: {},
      };
    })),
  });
  await page.reload();
  await expect(page.getByTestId("lever-script adherence")).toHaveAttribute("data-status", "ok");
  // No deal values measured yet: the manager enters their own figure.
  await page.locator("input[name='average_deal_value']").fill("5000");
  const before = Number(await page.getByTestId("revenue-month").getAttribute("data-value"));
  await page.getByRole("button", { name: "Adherence +10 points" }).click();
  await expect(page.getByTestId("adherence-effect")).toContainText(/Adherence \+10 points → conversion .*95 % CI.*n = \d+ calls/);
  await expect(page.getByTestId("revenue-ci")).toBeVisible();
  expect(Number(await page.getByTestId("revenue-month").getAttribute("data-value"))).toBeGreaterThan(before);
  await shot(page, "26-what-if-lever");

  // Save it and compare with the scenario saved before.
  await page.getByLabel("Scenario name").fill(`Adherence +10 ${tag}`);
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByTestId("saved-scenario").filter({ hasText: `Adherence +10 ${tag}` })).toBeVisible();
  await page.getByTestId("saved-scenario").filter({ hasText: "Current team" }).getByRole("checkbox").check();
  await page.getByTestId("saved-scenario").filter({ hasText: `Adherence +10 ${tag}` }).getByRole("checkbox").check();
  await page.getByRole("button", { name: /Compare 2 side by side/ }).click();
  await expect(page.getByTestId("compare-bar")).toHaveCount(2);
  await shot(page, "27-what-if-compare");
});

test("the new screens work at phone width", async ({ page }) => {
  const team = await createTeam();
  await conversionsGoal(team);
  await analyzed(await postCall(team.line, SALE, 24));
  await rest("referrals", {
    method: "POST",
    body: JSON.stringify({ org_id: team.org.id, referrer_kind: "customer", referrer_name: "Dana Whitfield", referred_name: "Sam Whitfield", referred_phone: "+1 415 555 0142" }),
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAs(page, team.manager, "/app/goals");
  for (const [path, ready, name] of [
    ["/app/goals", "goal-card", "28-goals-phone"],
    ["/app/activities", "activity-row", "29-activities-phone"],
    ["/app/referrals", "referral-row", "30-referrals-phone"],
    ["/app/what-if", "measured-agents", "31-what-if-phone"],
  ]) {
    await page.goto(path);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    await noOverflow(page);
    await shot(page, name);
  }
});

test("an agent sees their goals read-only and no what-if", async ({ page }) => {
  const team = await createTeam();
  await conversionsGoal(team);
  await signInAs(page, team.agentUser, "/app/goals");
  await expect(page.getByTestId("goal-card")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "New goal" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "What-if" })).toHaveCount(0);
  await shot(page, "32-goals-agent");
});
