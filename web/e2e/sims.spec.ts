// Practice as a new team would try it, in a real browser against the real
// test stack (the buyer and scorer are the OpenAI ones, against the stand-in,
// as the analysis of calls is there): the manager assigns a built-in SIM to
// an agent; the agent opens it, practises a whole conversation, reloads
// midway (the turns are still there), ends it and reads the scored report
// with its quotes; the manager sees it on the leaderboard.
import { expect, test } from "@playwright/test";
import { shot, signInAs, USERS } from "./helpers";

const AGENT = { id: "a0000000-0000-4000-8000-000000000004", email: "agent1@acme.test" };
const LINES = [
  "Hi Dana, this is Alex from Acme. How do you handle your team's calls today?",
  "I understand. What budget have you set aside for this?",
  "Shall we book a demo next Tuesday at 10?",
];

test("assign a SIM, practise it against the AI buyer, read the scored report, see it on the leaderboard", async ({ browser }) => {
  const manager = await browser.newPage();
  await signInAs(manager, USERS.acmeManager, "/app/sims");
  await expect(manager.getByRole("heading", { name: "Practice" })).toBeVisible();
  const discovery = manager.getByTestId("sim-template").filter({ hasText: "Discovery: the curious operations manager" });
  await discovery.getByRole("button", { name: "Assign" }).click();
  const form = manager.getByRole("form", { name: /Assign Discovery/ });
  await form.locator("select[name=member]").selectOption({ label: "Alex Agent (agent)" });
  await form.getByRole("button", { name: "Assign" }).click();
  await expect(manager.getByTestId("sim-assignment").filter({ hasText: "Alex Agent" }).first()).toBeVisible();

  const agent = await browser.newPage();
  await signInAs(agent, AGENT, "/app/sims");
  const assignment = agent.getByTestId("sim-assignment").filter({ hasText: "Discovery" }).first();
  await expect(assignment).toContainText("Not started");
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
  expect(await quoted.count()).toBeGreaterThan(0);
  // Each quote is words of the conversation itself.
  const turns = await agent.locator(".sim-turn p").allTextContents();
  for (const text of await quoted.allTextContents()) {
    const quote = /“(.*)”/s.exec(text)?.[1] ?? "";
    expect(quote.length).toBeGreaterThan(0);
    expect(turns.some((t) => t.includes(quote))).toBe(true);
  }
  await expect(agent.getByLabel("Your line")).toHaveCount(0);
  await shot(agent, "sims-report");

  await manager.reload();
  const row = manager.getByTestId("sim-leaderboard-row").filter({ hasText: "Alex Agent" }).filter({ hasText: "Discovery" });
  await expect(row).toBeVisible();
  await expect(manager.getByTestId("sim-assignment").filter({ hasText: "Alex Agent" }).first()).not.toContainText("Not started");
});
