// The SPA's write actions not covered by the other specs, on the real stack,
// each in a tenant of its own: releasing a number (at the Twilio stand-in
// too), deactivating and deleting an agent, reordering and removing
// call-script steps, switching the current organization, editing and deleting
// goals (and a team goal's agents) and activities, removing a tracker, a
// referral's reward, deleting a scenario, duplicating a SIM, replying in an
// email thread, email templates, editing a scorecard. Every user signs in
// through the form; every change is read back from the database and, mostly
// after a reload, from the screen.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, rest, restAs, signInWithForm } from "./helpers";
import { addMember, createAgent, createOrg } from "./fixtures";

const twilioState = async () =>
  await (await fetch(`${process.env.TWILIO_SANDBOX_URL}/_sandbox/state`)).json() as {
    incoming_phone_numbers: { sid: string; phone_number: string }[];
  };

test("numbers: an owner buys a line, then releases it; Twilio no longer holds it", async ({ page }) => {
  const org = await createOrg();
  await createAgent(org.id, "Rita Ring");
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/numbers");
  await page.getByLabel(/area code/i).fill("628");
  await page.getByRole("button", { name: /search/i }).click();
  const first = page.getByTestId("available-number").first();
  const e164 = (await first.textContent())?.match(/\+1\d{10}/)?.[0] ?? "";
  expect(e164).not.toBe("");
  await first.click();
  await page.getByRole("button", { name: /^buy/i }).click();
  await expect(page.getByText(/now ring/i)).toBeVisible({ timeout: 20_000 });
  const [bought] = await rest<{ id: string; status: string; provider_sid: string }[]>(
    `phone_numbers?select=id,status,provider_sid&org_id=eq.${org.id}&e164=eq.${encodeURIComponent(e164)}`,
  );
  expect(bought.status).toBe("active");
  expect((await twilioState()).incoming_phone_numbers.some((n) => n.sid === bought.provider_sid)).toBe(true);

  const row = page.getByTestId("number-row").and(page.locator(`[data-e164="${e164}"]`));
  // "Keep it" keeps it.
  await row.getByRole("button", { name: "Release", exact: true }).click();
  await row.getByRole("button", { name: "Keep it" }).click();
  expect((await rest<{ status: string }[]>(`phone_numbers?select=status&id=eq.${bought.id}`))[0].status).toBe("active");

  await row.getByRole("button", { name: "Release", exact: true }).click();
  await row.getByRole("button", { name: "Release number" }).click();
  await expect(row.getByText("released", { exact: true })).toBeVisible();
  await expect.poll(async () => (await rest<{ status: string }[]>(`phone_numbers?select=status&id=eq.${bought.id}`))[0].status)
    .toBe("released");
  expect((await twilioState()).incoming_phone_numbers.some((n) => n.sid === bought.provider_sid)).toBe(false);
  await page.reload();
  const after = page.getByTestId("number-row").and(page.locator(`[data-e164="${e164}"]`));
  await expect(after.getByText("released", { exact: true })).toBeVisible();
  await expect(after.getByRole("button", { name: "Release", exact: true })).toHaveCount(0);
});

test("agents: an owner deactivates, reactivates and deletes an agent", async ({ page }) => {
  const org = await createOrg();
  const kept = await createAgent(org.id, "Kim Kept");
  const gone = await createAgent(org.id, "Dana Dropped");
  const agentRow = async (id: string) =>
    (await rest<{ active: boolean }[]>(`agents?select=active&id=eq.${id}`))[0];
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/agents");
  await expect(page.getByTestId("agent-row")).toHaveCount(2);

  await page.getByRole("button", { name: "Deactivate Kim Kept" }).click();
  await expect(page.getByRole("button", { name: "Activate Kim Kept" })).toBeVisible();
  await expect.poll(() => agentRow(kept.id)).toEqual({ active: false });
  await page.reload();
  await expect(page.getByTestId("agent-row").filter({ hasText: "Kim Kept" })).toContainText("Inactive");
  await page.getByRole("button", { name: "Activate Kim Kept" }).click();
  await expect(page.getByRole("button", { name: "Deactivate Kim Kept" })).toBeVisible();
  await expect.poll(() => agentRow(kept.id)).toEqual({ active: true });

  // "Keep" keeps; "Delete agent" deletes that one agent only.
  await page.getByRole("button", { name: "Delete Dana Dropped" }).click();
  await page.getByRole("button", { name: "Keep", exact: true }).click();
  expect(await agentRow(gone.id)).toEqual({ active: true });
  await page.getByRole("button", { name: "Delete Dana Dropped" }).click();
  await page.getByRole("button", { name: "Delete agent" }).click();
  await expect(page.getByTestId("agent-row")).toHaveCount(1);
  await expect.poll(() => rest(`agents?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "Kim Kept" }]);
  await page.reload();
  await expect(page.getByTestId("agent-row")).toHaveCount(1);
  await expect(page.getByTestId("agent-row")).toContainText("Kim Kept");
});

test("script: a manager reorders and removes steps; the saved order is the one shown", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [script] = await rest<{ id: string }[]>("call_scripts", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({
      org_id: org.id, name: "E2E order", is_default: true,
      items: [{ id: "greet", label: "Greet" }, { id: "discover", label: "Discover needs" }, { id: "close", label: "Ask for the sale" }],
    }),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/script");
  const form = page.getByRole("form", { name: "Call script" });
  await expect(page.getByTestId("script-item")).toHaveCount(3);
  await form.getByRole("button", { name: "Move “Ask for the sale” up" }).click();
  await form.getByRole("button", { name: "Move “Greet” down" }).click();
  await form.getByRole("button", { name: "Remove “Discover needs”" }).click();
  await expect(page.getByTestId("script-item")).toHaveCount(2);
  await form.getByRole("button", { name: "Save script" }).click();
  await expect(page.getByText("All changes saved")).toBeVisible();
  const [saved] = await rest<{ items: { id: string; label: string }[] }[]>(`call_scripts?select=items&id=eq.${script.id}`);
  expect(saved.items).toEqual([{ id: "close", label: "Ask for the sale" }, { id: "greet", label: "Greet" }]);
  await page.reload();
  await expect(page.getByTestId("script-item")).toHaveCount(2);
  await expect(page.getByTestId("script-item").nth(0).getByRole("textbox").first()).toHaveValue("Ask for the sale");
  await expect(page.getByTestId("script-item").nth(1).getByRole("textbox").first()).toHaveValue("Greet");
});

test("organizations: a member of two switches between them; the choice is kept and the screens follow it", async ({ page }) => {
  const first = await createOrg({ name: `E2E First ${Date.now()}` });
  const second = await createOrg({ name: `E2E Second ${Date.now()}` });
  const user = await addMember(first.id, "manager");
  await addMember(second.id, "owner", user);
  await createAgent(first.id, "Fiona First");
  await createAgent(second.id, "Sven Second");
  const current = async () =>
    (await rest<{ current_org_id: string }[]>(`profiles?select=current_org_id&id=eq.${user.id}`))[0].current_org_id;
  expect(await current()).toBe(first.id);

  await signInWithForm(page, user.email, DEMO_PASSWORD);
  await page.goto("/app/agents");
  const switcher = page.getByLabel("Organization");
  await expect(switcher).toHaveValue(first.id);
  await expect(page.getByTestId("agent-row")).toHaveText([/Fiona First/]);
  await expect(page.getByText(`${user.email} · manager`)).toBeVisible();

  await switcher.selectOption(second.id);
  await expect(page.getByTestId("agent-row")).toHaveText([/Sven Second/]);
  await expect(page.getByText(`${user.email} · owner`)).toBeVisible();
  await expect.poll(current).toBe(second.id);
  await page.reload();
  await expect(page.getByLabel("Organization")).toHaveValue(second.id);
  await expect(page.getByTestId("agent-row")).toHaveText([/Sven Second/]);

  await page.getByLabel("Organization").selectOption(first.id);
  await expect(page.getByTestId("agent-row")).toHaveText([/Fiona First/]);
  await expect.poll(current).toBe(first.id);
});

test("goals: a manager edits a goal's target, then deletes it", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const today = new Date().toISOString().slice(0, 10);
  const [goal] = await rest<{ id: string }[]>("goals", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: org.id, name: "E2E conversions", metric: "conversions", scope: "organization", target: 5, period: "month", period_start: today, period_end: today }),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/goals");
  const card = page.getByTestId("goal-card").and(page.locator(`[data-goal-id="${goal.id}"]`));
  await card.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: /Edit/ });
  await form.locator("input[name=target]").fill("12");
  await form.getByRole("button", { name: /Save/ }).click();
  await expect.poll(async () => (await rest<{ target: number }[]>(`goals?select=target&id=eq.${goal.id}`))[0].target).toBe(12);
  await page.reload();
  await expect(page.getByTestId("goal-card").and(page.locator(`[data-goal-id="${goal.id}"]`))).toContainText("12");

  const again = page.getByTestId("goal-card").and(page.locator(`[data-goal-id="${goal.id}"]`));
  await again.getByRole("button", { name: "Delete" }).click();
  await again.getByRole("button", { name: "Keep" }).click();
  expect(await rest(`goals?select=id&id=eq.${goal.id}`)).toHaveLength(1);
  await again.getByRole("button", { name: "Delete" }).click();
  await again.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("goal-card")).toHaveCount(0);
  expect(await rest(`goals?select=id&id=eq.${goal.id}`)).toEqual([]);
});

test("activities: a manager edits an entry, then deletes it", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [entry] = await rest<{ id: string }[]>("activities", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: org.id, user_id: manager.id, type: "meeting", title: "E2E kickoff", notes: "first notes" }),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/activities");
  const item = page.getByText("E2E kickoff");
  await expect(item).toBeVisible();
  await page.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: /activity/i });
  await form.getByLabel(/title/i).fill("E2E kickoff, rescheduled");
  await form.getByRole("button", { name: /Save/ }).click();
  await expect(page.getByText("E2E kickoff, rescheduled")).toBeVisible();
  expect((await rest<{ title: string }[]>(`activities?select=title&id=eq.${entry.id}`))[0].title).toBe("E2E kickoff, rescheduled");

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("E2E kickoff, rescheduled")).toHaveCount(0);
  expect(await rest(`activities?select=id&id=eq.${entry.id}`)).toEqual([]);
  await page.reload();
  await expect(page.getByText("E2E kickoff, rescheduled")).toHaveCount(0);
});

test("trackers: a manager removes a tracker", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  await rest("trackers", { method: "POST", body: JSON.stringify([
    { org_id: org.id, name: "E2E refunds", terms: ["refund"] },
    { org_id: org.id, name: "E2E cancel", terms: ["cancel"] },
  ]) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/trackers");
  await page.getByRole("button", { name: "Remove E2E refunds" }).click();
  await expect(page.getByTestId("trackers")).not.toContainText("E2E refunds");
  expect(await rest(`trackers?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "E2E cancel" }]);
  await page.reload();
  await expect(page.getByTestId("trackers")).toContainText("E2E cancel");
  await expect(page.getByTestId("trackers")).not.toContainText("E2E refunds");
});

test("referrals: a manager marks a referral's reward pending, then paid", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [ref] = await rest<{ id: string }[]>("referrals", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: org.id, referrer_kind: "customer", referrer_name: "Rhea Referrer", referred_name: "Neil Newlead", referred_email: `neil.${Date.now()}@e2e.test`, status: "won", won_at: new Date().toISOString(), deal_value: 100 }),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/referrals");
  const select = page.getByLabel("Reward for Rhea Referrer");
  await select.selectOption("pending");
  await expect.poll(async () => (await rest<{ reward_status: string }[]>(`referrals?select=reward_status&id=eq.${ref.id}`))[0].reward_status).toBe("pending");
  await page.reload();
  await expect(page.getByLabel("Reward for Rhea Referrer")).toHaveValue("pending");
  await page.getByLabel("Reward for Rhea Referrer").selectOption("paid");
  await expect.poll(async () => (await rest<{ reward_status: string }[]>(`referrals?select=reward_status&id=eq.${ref.id}`))[0].reward_status).toBe("paid");
});

test("what-if: a manager deletes a saved scenario", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const inputs = { agents: 3, calls_per_agent_per_day: 20, working_days_per_month: 21, conversion_rate: 0.1 };
  // Saved as the manager (through Auth and PostgREST): the table's trigger is for signed-in users.
  await restAs(manager, "what_if_scenarios", {
    method: "POST", body: JSON.stringify([{ org_id: org.id, name: "E2E keep", inputs }, { org_id: org.id, name: "E2E drop", inputs }]),
  });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/what-if");
  await expect(page.getByTestId("saved-scenario")).toHaveCount(2);
  await page.getByTestId("saved-scenario").filter({ hasText: "E2E drop" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("saved-scenario")).toHaveCount(1);
  expect(await rest(`what_if_scenarios?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "E2E keep" }]);
  await page.reload();
  await expect(page.getByTestId("saved-scenario")).toHaveText([/E2E keep/]);
});

test("SIMs: a manager duplicates a built-in SIM into an editable one", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const builtins = await rest<{ id: string; name: string }[]>(`sim_templates?select=id,name&org_id=eq.${org.id}&is_builtin=eq.true&order=name`);
  expect(builtins.length).toBeGreaterThan(0);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/sims");
  const card = page.getByTestId("sim-template").filter({ hasText: builtins[0].name }).first();
  await card.getByRole("button", { name: "Duplicate" }).click();
  await expect.poll(async () => (await rest<unknown[]>(`sim_templates?select=id&org_id=eq.${org.id}&is_builtin=eq.false`)).length).toBe(1);
  const [copy] = await rest<{ name: string }[]>(`sim_templates?select=name&org_id=eq.${org.id}&is_builtin=eq.false`);
  expect(copy.name).toContain(builtins[0].name);
  await page.reload();
  await expect(page.getByTestId("sim-template").filter({ hasText: copy.name }).filter({ has: page.getByRole("button", { name: "Edit" }) })).toHaveCount(1);
});

test("goals: a manager creates a team goal; its agents are saved with it", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const ann = await createAgent(org.id, "Ann Team");
  await createAgent(org.id, "Bob Bench");
  const cleo = await createAgent(org.id, "Cleo Team");
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/goals");
  await page.getByRole("button", { name: "New goal" }).click();
  const form = page.getByRole("form", { name: "New goal" });
  await form.getByLabel("For").selectOption("team");
  await form.getByRole("group", { name: "Agents in the team" }).getByLabel("Ann Team").check();
  await form.getByRole("group", { name: "Agents in the team" }).getByLabel("Cleo Team").check();
  await form.locator("input[name=target]").fill("8");
  await form.locator("input[name=name]").fill("E2E team calls");
  await form.getByRole("button", { name: "Create goal" }).click();
  await expect(page.getByText("Goal created.")).toBeVisible();
  const [goal] = await rest<{ id: string; scope: string; target: number }[]>(`goals?select=id,scope,target&org_id=eq.${org.id}`);
  expect(goal).toMatchObject({ scope: "team", target: 8 });
  const members = await rest<{ agent_id: string; org_id: string }[]>(`goal_members?select=agent_id,org_id&goal_id=eq.${goal.id}`);
  expect(members.map((m) => m.agent_id).sort()).toEqual([ann.id, cleo.id].sort());
  expect(members.every((m) => m.org_id === org.id)).toBe(true);
  await page.reload();
  await expect(page.getByTestId("goal-card").filter({ hasText: "E2E team calls" })).toBeVisible();
});

test("messages: a manager writes a new email, replies in its thread; both are stored as outbound messages of one thread", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const to = `casey.${Date.now()}@e2e.test`;
  const subject = `E2E quote ${Date.now()}`;
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/messages");
  await page.getByRole("button", { name: "New email" }).click();
  const form = page.getByRole("form", { name: "New email" });
  await form.locator("input[name=to]").fill(to);
  await form.locator("input[name=subject]").fill(subject);
  await form.locator("textarea[name=body]").fill("Here is the quote we discussed.");
  await form.getByRole("button", { name: "Send email" }).click();
  const thread = page.getByRole("region", { name: `Conversation: ${subject}` });
  await expect(thread.getByTestId("thread-message")).toHaveCount(1);
  const reply = page.getByRole("form", { name: "Reply" });
  await reply.locator("textarea[name=reply]").fill("One more thing: the offer holds until Friday.");
  await reply.getByRole("button", { name: "Send reply" }).click();
  await expect(thread.getByTestId("thread-message")).toHaveCount(2);
  const rows = await rest<{ thread_id: string; direction: string; body_text: string }[]>(
    `messages?select=thread_id,direction,body_text&org_id=eq.${org.id}&order=created_at`,
  );
  expect(rows.map((m) => [m.direction, m.body_text])).toEqual([
    ["outbound", "Here is the quote we discussed."],
    ["outbound", "One more thing: the offer holds until Friday."],
  ]);
  expect(new Set(rows.map((m) => m.thread_id)).size).toBe(1);
  await page.reload();
  await expect(page.getByRole("region", { name: `Conversation: ${subject}` }).getByTestId("thread-message")).toHaveCount(2);
});

test("messages: a manager edits an email template and previews the saved version", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [tpl] = await rest<{ key: string; name: string }[]>(`email_templates?select=key,name&org_id=eq.${org.id}&order=key&limit=1`);
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/messages?templates=1");
  const form = page.getByRole("form", { name: `Template: ${tpl.name}` });
  await form.locator("input[name=template-subject]").fill("E2E subject line");
  await form.getByRole("button", { name: "Save template" }).click();
  await expect(form.getByText("Template saved.")).toBeVisible();
  expect((await rest<{ subject: string }[]>(`email_templates?select=subject&org_id=eq.${org.id}&key=eq.${tpl.key}`))[0].subject).toBe("E2E subject line");
  await form.getByRole("button", { name: "Preview saved template" }).click();
  await expect(form.getByTestId("template-preview").locator("strong")).toHaveText("E2E subject line");
});

test("scorecards: a manager edits a scorecard's pass score and a question", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const [card] = await rest<{ id: string }[]>("scorecards", {
    method: "POST", headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: org.id, name: "E2E discovery", pass_score: 60 }),
  });
  await rest("scorecard_items", { method: "POST", body: JSON.stringify([
    { scorecard_id: card.id, org_id: org.id, key: "greet", question: "Did the rep greet?", position: 1 },
  ]) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/scorecards");
  await page.locator("section.card").filter({ has: page.getByRole("heading", { name: "E2E discovery" }) }).getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: "Edit E2E discovery" });
  await form.locator("input[name=pass_score]").fill("75");
  await form.getByLabel("Question 1").fill("Did the rep greet the caller by name?");
  await form.getByRole("button", { name: "Save scorecard" }).click();
  await expect.poll(async () => (await rest<{ pass_score: number }[]>(`scorecards?select=pass_score&id=eq.${card.id}`))[0].pass_score).toBe(75);
  // The items are saved after the scorecard's own row: wait for them too.
  await expect.poll(async () => (await rest<{ question: string }[]>(`scorecard_items?select=question&scorecard_id=eq.${card.id}&archived=eq.false`))
    .map((i) => i.question)).toEqual(["Did the rep greet the caller by name?"]);
});

test("activities: a manager opens one person's timeline from the log, then everyone's again", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const rep = await addMember(org.id, "agent");
  await rest(`profiles?id=eq.${rep.id}`, { method: "PATCH", body: JSON.stringify({ full_name: "Tess Timeline" }) });
  await rest("activities", { method: "POST", body: JSON.stringify([
    { org_id: org.id, user_id: rep.id, type: "meeting", title: "E2E rep meeting" },
    { org_id: org.id, user_id: manager.id, type: "note", title: "E2E manager note" },
  ]) });
  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/activities");
  await expect(page.getByText("E2E manager note")).toBeVisible();
  await page.getByRole("button", { name: "Tess Timeline" }).click();
  await expect(page).toHaveURL(new RegExp(`person=${rep.id}`));
  await expect(page.getByRole("heading", { name: "Tess Timeline's timeline" })).toBeVisible();
  await expect(page.getByText("E2E rep meeting")).toBeVisible();
  await expect(page.getByText("E2E manager note")).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("E2E manager note")).toHaveCount(0);
  await page.getByRole("button", { name: "Show everyone" }).click();
  await expect(page.getByText("E2E manager note")).toBeVisible();
  await expect(page).not.toHaveURL(/person=/);
});
