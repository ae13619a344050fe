// The SPA's remaining write actions on the real stack, each in a tenant of its
// own: releasing a number (at the Twilio stand-in too), deactivating and
// deleting an agent, reordering and removing call-script steps, switching the
// current organization. Every user signs in through the form; every change is
// read back from the database and, after a reload, from the screen.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, rest, signInWithForm } from "./helpers";
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
  expect(await agentRow(kept.id)).toEqual({ active: false });
  await page.reload();
  await expect(page.getByTestId("agent-row").filter({ hasText: "Kim Kept" })).toContainText("Inactive");
  await page.getByRole("button", { name: "Activate Kim Kept" }).click();
  await expect(page.getByRole("button", { name: "Deactivate Kim Kept" })).toBeVisible();
  expect(await agentRow(kept.id)).toEqual({ active: true });

  // "Keep" keeps; "Delete agent" deletes that one agent only.
  await page.getByRole("button", { name: "Delete Dana Dropped" }).click();
  await page.getByRole("button", { name: "Keep", exact: true }).click();
  expect(await agentRow(gone.id)).toEqual({ active: true });
  await page.getByRole("button", { name: "Delete Dana Dropped" }).click();
  await page.getByRole("button", { name: "Delete agent" }).click();
  await expect(page.getByTestId("agent-row")).toHaveCount(1);
  expect(await rest(`agents?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "Kim Kept" }]);
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
