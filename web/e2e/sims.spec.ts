// Practice as a new team would try it, in a real browser against the real
// test stack (the buyer and scorer are the OpenAI ones, against the stand-in,
// as the analysis of calls is there): the manager assigns a built-in SIM to
// an agent; the agent opens it, practises a whole conversation, reloads
// midway (the turns are still there), ends it and reads the scored report
// with its quotes; the manager sees it on the leaderboard. Also: a real
// call's scorecard, weak spots and targeted practice, building a scorecard
// and a SIM, and practising from the library with a buyer that fails once.
import { expect, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { analyzed, createTeam, postCall, type Sentence } from "./fixtures";
const LINES = [
  "Hi Dana, this is Alex from Acme. How do you handle your team's calls today?",
  "I understand. What budget have you set aside for this?",
  "Shall we book a demo next Tuesday at 10?",
];

test("assign a SIM, practise it against the AI buyer, read the scored report, see it on the leaderboard", async ({ browser }) => {
  const team = await createTeam();
  const manager = await browser.newPage();
  await signInAs(manager, team.manager, "/app/sims");
  await expect(manager.getByRole("heading", { name: "Practice" })).toBeVisible();
  const discovery = manager.getByTestId("sim-template").filter({ hasText: "Discovery: the curious operations manager" });
  await discovery.getByRole("button", { name: "Assign" }).click();
  const form = manager.getByRole("form", { name: /Assign Discovery/ });
  await form.locator("select[name=member]").selectOption({ label: "Alex Agent (agent)" });
  await form.getByRole("button", { name: "Assign" }).click();
  await expect(manager.getByTestId("sim-assignment").filter({ hasText: "Alex Agent" })).toHaveCount(1);

  const agent = await browser.newPage();
  await signInAs(agent, team.agentUser, "/app/sims");
  const assignment = agent.getByTestId("sim-assignment").filter({ hasText: "Discovery" }).filter({ hasText: "Not started" });
  await expect(assignment).toBeVisible();
  await assignment.getByRole("button", { name: "Start" }).click();
  await agent.waitForURL(/\/app\/sims\/sessions\//);
  await expect(agent.getByRole("heading", { name: "Discovery: the curious operations manager" })).toBeVisible();

  const line = agent.getByLabel("Your line");
  for (const [n, text] of LINES.entries()) {
    await line.fill(text);
    await agent.getByRole("button", { name: "Send" }).click();
    await expect(agent.getByTestId("turn-buyer")).toHaveCount(n + 1);
    if (n === 1) {
      await agent.reload();
      await expect(agent.getByTestId("turn-rep")).toHaveCount(2);
      await expect(agent.getByTestId("turn-buyer")).toHaveCount(2);
    }
  }
  await expect(agent.getByTestId("turn-rep").first()).toContainText(LINES[0]);
  await shot(agent, "sims-chat");

  await agent.getByRole("button", { name: "End and score" }).click();
  await expect(agent.getByTestId("sim-score")).toBeVisible();
  await expect(agent.getByTestId("sim-item")).toHaveCount(5);
  const quoted = agent.locator(".sim-evidence");
  await expect(quoted.first()).toBeVisible();
  // Each quote is words of the conversation itself.
  const turns = await agent.locator(".sim-turn p").allTextContents();
  for (const text of await quoted.allTextContents()) {
    const quote = /“(.*)”/s.exec(text)?.[1] ?? "";
    expect(quote.length).toBeGreaterThan(0);
    expect(turns.some((t) => t.includes(quote))).toBe(true);
  }
  await expect(agent.getByLabel("Your line")).toHaveCount(0);
  await shot(agent, "sims-report");

  const sessionId = agent.url().split("/").at(-1);
  const [stored] = await rest<{ sim_id: string | null; status: string }[]>(`user_sims?select=sim_id,status&id=eq.${sessionId}`);
  expect(stored.status).toBe("scored");
  expect(stored.sim_id).not.toBeNull();

  await manager.reload();
  const row = manager.getByTestId("sim-leaderboard-row").filter({ hasText: "Alex Agent" }).filter({ hasText: "Discovery" });
  await expect(row).toBeVisible();
  await expect(manager.getByTestId("sim-assignment").filter({ hasText: "Alex Agent" }).filter({ hasText: "Completed" })).toHaveCount(1);
});

const SENTENCES: Sentence[] = [
  { media_channel: 2, start_time: 0, end_time: 4, transcript: "Thanks for calling Acme, this is Alex. How can I help you today?" },
  { media_channel: 1, start_time: 4.5, end_time: 9, transcript: "Hi Alex, I'd like a quote for solar panels." },
  { media_channel: 2, start_time: 9.5, end_time: 15, transcript: "Happy to help. Shall I book an installer visit for Tuesday?" },
];

test("a real call's scorecard on its coaching page: the AI's answers, a manager's override with history", async ({ page }) => {
  const team = await createTeam();
  const { id } = await analyzed(await postCall(team.line, SENTENCES));
  await signInAs(page, team.manager, `/app/calls/${id}`);
  const card = page.locator(".card").filter({ has: page.getByRole("heading", { name: /^Scorecard: Call script/ }) });
  await expect(card).toBeVisible();
  const items = card.getByTestId("scorecard-item");
  await expect(items.first()).toBeVisible();
  await expect(card.getByTestId("scorecard-total")).toContainText("pass at 70");
  const first = items.first();
  const before = await first.getAttribute("data-answer");
  await first.getByRole("button", { name: "Override" }).click();
  const form = first.getByRole("form", { name: /^Override:/ });
  await form.locator("input[name=note]").fill("Checked the recording");
  await form.getByRole("button", { name: "Save override" }).click();
  await expect(first.getByTestId("scorecard-override")).toContainText("Overridden by Maya Manager");
  await expect(first.getByTestId("scorecard-override")).toContainText("Checked the recording");
  await expect(first).toHaveAttribute("data-source", "manager");
  expect(await first.getAttribute("data-answer")).not.toBe(before);
  await first.getByText(/Earlier answers \(1\)/).click();
  await expect(first.getByText(/by the AI/)).toBeVisible();
});

test("the agent's weakest items on real calls, targeted practice, and the before/after figures", async ({ browser }) => {
  const team = await createTeam();
  await analyzed(await postCall(team.line, SENTENCES));
  const manager = await browser.newPage();
  await signInAs(manager, team.manager, "/app/sims");
  await manager.getByLabel("Member's weak spots").selectOption({ label: "Alex Agent" });
  await manager.waitForURL(/\/app\/sims\/people\//);
  await expect(manager.getByRole("heading", { name: "Weak spots: Alex Agent" })).toBeVisible();
  const weak = manager.getByTestId("weak-item");
  await expect(weak.first()).toBeVisible();
  await expect(weak.first().locator("td").nth(3)).not.toHaveText("0");

  const agent = await browser.newPage();
  await signInAs(agent, team.agentUser, "/app/sims");
  await agent.getByRole("link", { name: /Your weak spots/ }).click();
  await expect(agent.getByRole("heading", { name: "Your weak spots" })).toBeVisible();
  const first = agent.getByTestId("weak-item").first();
  await first.getByRole("checkbox").check();
  await agent.getByRole("button", { name: "Practice this" }).click();
  await agent.waitForURL(/\/app\/sims\/sessions\//);
  await expect(agent.getByRole("heading", { name: /^Targeted practice:/ })).toBeVisible();
  await expect(agent.getByText(/judged on “Call script”/)).toBeVisible();

  await manager.reload();
  const effect = manager.getByTestId("effect-row").first();
  await expect(effect).toBeVisible();
  await expect(effect).toContainText(/n = \d+/);
  await expect(effect).toContainText("not practised yet");
});

test("a manager builds a scorecard and a SIM judged on it, then edits the SIM", async ({ page }) => {
  const tag = Date.now().toString(36);
  await signInAs(page, (await createTeam()).manager, "/app/scorecards");
  await expect(page.getByRole("heading", { name: "Scorecards", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Call script" })).toBeVisible();
  await page.getByRole("button", { name: "New scorecard" }).click();
  const form = page.getByRole("form", { name: "New scorecard" });
  await form.locator("input[name=name]").fill(`Renewals ${tag}`);
  await form.locator("input[name=pass_score]").fill("60");
  await form.getByRole("button", { name: "Add item" }).click();
  await form.getByLabel("Question 1").fill("Did the rep ask about the budget?");
  await form.getByLabel("Weight 1").fill("3");
  await form.getByRole("button", { name: "Add item" }).click();
  await form.getByLabel("Question 2").fill("Did the rep propose a next step?");
  await form.getByLabel("Partial credit 2").check();
  await form.getByRole("button", { name: "Save scorecard" }).click();
  const card = page.locator(".card").filter({ has: page.getByRole("heading", { name: `Renewals ${tag}` }) });
  await expect(card.getByTestId("scorecard-items").locator("li")).toHaveCount(2);
  await expect(card).toContainText("Pass at 60");
  await expect(card).toContainText("weight 3");

  await page.goto("/app/sims");
  await page.getByRole("button", { name: "New SIM" }).click();
  const sim = page.getByRole("form", { name: "New SIM" });
  await sim.locator("input[name=name]").fill(`Renewal call ${tag}`);
  await sim.locator("input[name=persona_name]").fill("Robin Ortiz");
  await sim.locator("input[name=persona_role]").fill("Finance director");
  await sim.locator("input[name=company]").fill("Ortiz Foods");
  await sim.locator("textarea[name=scenario]").fill("Robin's contract ends next month; she is shopping around.");
  await sim.locator("textarea[name=objections]").fill("1 | We found a cheaper option.");
  await sim.locator("select[name=scorecard_id]").selectOption({ label: `Renewals ${tag}` });
  await sim.getByRole("button", { name: "Save SIM" }).click();
  const mine = page.getByTestId("sim-template").filter({ hasText: `Renewal call ${tag}` });
  await expect(mine).toBeVisible();
  await mine.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: `Edit Renewal call ${tag}` });
  await expect(edit.locator("textarea[name=objections]")).toHaveValue("1 | We found a cheaper option.");
  await edit.locator("input[name=difficulty]").fill("5");
  await edit.getByRole("button", { name: "Save SIM" }).click();
  await expect(page.getByTestId("sim-template").filter({ hasText: `Renewal call ${tag}` })).toContainText("Difficulty 5/5");
});

test("a rep practises a SIM from the library unassigned; when the buyer fails, 'Ask again' gets the answer", async ({ page }) => {
  const team = await createTeam();
  const marker = `E2E-${Date.now()}`;
  await signInAs(page, team.agentUser, "/app/sims");
  await page.getByTestId("sim-template").filter({ hasText: "Discovery: the curious operations manager" }).getByRole("button", { name: "Practise" }).click();
  await page.waitForURL(/\/app\/sims\/sessions\//);
  const sessionId = page.url().split("/").at(-1);
  // Not an assignment's (sim_id), the rep's own.
  const [session] = await rest<{ user_id: string; sim_id: string | null; status: string }[]>(
    `user_sims?select=user_id,sim_id,status&id=eq.${sessionId}`,
  );
  expect(session).toEqual({ user_id: team.agentUser.id, sim_id: null, status: "active" });

  // The buyer's model fails for this conversation (through the SDK's retries), once.
  const fault = await fetch(`${process.env.OPENAI_SANDBOX_URL}/_sandbox/faults`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "server_error", path: "/v1/chat/completions", count: 3, match: marker }),
  });
  expect(fault.ok).toBe(true);
  await page.getByLabel("Your line").fill(`Hi Dana, ${marker} here from Acme. What does your week look like?`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("turn-rep")).toHaveCount(1);
  const again = page.getByRole("button", { name: "Ask again" });
  await expect(again).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("turn-buyer")).toHaveCount(0);
  await again.click();
  await expect(page.getByTestId("turn-buyer")).toHaveCount(1, { timeout: 20_000 });
  await expect(again).toHaveCount(0);
  await expect(page.getByTestId("turn-rep")).toHaveCount(1);
});
