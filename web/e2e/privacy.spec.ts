// The owner's data & privacy screen in a real browser against the test stack:
// the retention window and the next purge date as the database has them,
// changing the window, a legal hold placed and released, and a deletion
// request carried out by the job queue with its receipt.
import { expect, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { addMember, createOrg } from "./fixtures";

test("an owner sees the retention policy and next purge, changes the window, holds and erases", async ({ page }) => {
  const { id, name, owner } = await createOrg();
  const [org] = await rest<{ retention_months: number }[]>(`organizations?select=retention_months&id=eq.${id}`);
  await signInAs(page, owner, "/app");
  await page.getByRole("link", { name: "Data & privacy" }).click();
  await expect(page.getByRole("heading", { name: `Data & privacy for ${name}` })).toBeVisible();
  await expect(page.getByTestId("retention-months")).toHaveText(`${org.retention_months} months`);
  await expect(page.getByTestId("next-purge")).not.toBeEmpty();
  await expect(page.getByText("Transcripts", { exact: true })).toBeVisible();

  await page.getByLabel("Months to keep data").fill("0");
  await expect(page.getByText("Choose 1 to 120 months.")).toBeVisible();
  await page.getByLabel("Months to keep data").fill("18");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByTestId("retention-months")).toHaveText("18 months");
  const [saved] = await rest<{ retention_months: number }[]>(`organizations?select=retention_months&id=eq.${id}`);
  expect(saved.retention_months).toBe(18);

  await page.getByLabel("Reason for a hold on the whole organization").fill("e2e: litigation hold");
  await page.getByRole("button", { name: "Place hold" }).click();
  await expect(page.getByTestId("hold-row")).toContainText("e2e: litigation hold");
  await expect(page.getByTestId("next-purge")).toHaveText(/Suspended/);
  await shot(page, "20-privacy-hold");
  await page.getByTestId("hold-row").getByRole("button", { name: "Release" }).click();
  await expect(page.getByTestId("no-holds")).toBeVisible();

  const caller = "+1555" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  await page.getByLabel("Person").selectOption("phone");
  await page.getByRole("textbox", { name: /Phone number/ }).fill(caller);
  await page.getByRole("button", { name: "Erase this person" }).click();
  const row = page.getByTestId("deletion-row").first();
  await expect(row).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(row.getByTestId("receipt")).toContainText("recordings deleted: 0");
  await expect(row).not.toContainText(caller);
});

test("a manager has no data & privacy screen", async ({ page }) => {
  await signInAs(page, await addMember((await createOrg()).id, "manager"), "/app/privacy");
  await expect(page.getByRole("alert")).toContainText("permission");
  await expect(page.getByRole("link", { name: "Data & privacy" })).toHaveCount(0);
});
