// Email as a new user would try it, in a real browser against the real test
// stack: from a call's coaching page the manager sends the follow-up
// (drafted from the call's insight — by the OpenAI stand-in here), the
// worker sends it through the Mailgun stand-in, the customer's reply comes
// back as Mailgun would forward it (signed, to the thread's reply address)
// and shows in the same thread in /app/messages and as an activity; a forged
// or replayed forward changes nothing.
import { expect, test } from "@playwright/test";
import { API_URL, SERVICE_KEY, shot, signInAs } from "./helpers";
import { analyzed, createTeam, postCall, SALE } from "./fixtures";

const MAILGUN = process.env.MAILGUN_SANDBOX_URL!;

async function kick() {
  await fetch(`${API_URL}/functions/v1/process-jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json" },
    body: "{}",
  });
}

test("a follow-up from a call's page; the reply lands in the same thread and as an activity", async ({ page }) => {
  const team = await createTeam();
  const call = await analyzed(await postCall(team.line, SALE));

  await signInAs(page, team.manager, `/app/calls/${call.id}`);
  await page.getByRole("link", { name: "Send follow-up email" }).click();
  await expect(page).toHaveURL(/\/app\/messages\?compose=call/);
  const form = page.getByRole("form", { name: "New email" });
  // The test stack has an OpenAI key (the stand-in): the model drafts it.
  await expect(form.getByTestId("drafted-by")).toContainText("Drafted by AI");
  await expect(form.locator("textarea[name=body]")).not.toHaveValue("");
  const to = `customer.${Date.now()}@example.test`;
  const subject = `Following up on our call ${Date.now()}`;
  await form.locator("input[name=to]").fill(to);
  await form.locator("input[name=subject]").fill(subject);
  await shot(page, "40-email-compose");
  await form.getByRole("button", { name: "Send email" }).click();

  const thread = page.getByRole("region", { name: `Conversation: ${subject}` });
  await expect(thread.getByTestId("thread-message")).toHaveCount(1);
  // The worker sends it through Mailgun (the stand-in here).
  let sent: { id: string; headers: Record<string, string> } | undefined;
  await expect.poll(async () => {
    await kick();
    const r = await (await fetch(`${MAILGUN}/_sandbox/messages?to=${encodeURIComponent(to)}`)).json();
    sent = r.items[0];
    return Boolean(sent);
  }, { timeout: 30_000 }).toBe(true);
  await expect(thread.getByTestId("message-status").first()).toHaveText("Sent", { timeout: 15_000 });

  // A forged forward (bad signature) is refused and shows nothing.
  const forged = await (await fetch(`${MAILGUN}/_sandbox/inbound`, {
    method: "POST",
    body: JSON.stringify({ reply_to_message_id: sent!.id, from: to, text: "forged", signature: "0".repeat(64) }),
  })).json();
  expect(forged.status).toBe(401);
  // The customer replies; Mailgun forwards it, signed, to mailgun-inbound.
  const reply = await (await fetch(`${MAILGUN}/_sandbox/inbound`, {
    method: "POST",
    body: JSON.stringify({ reply_to_message_id: sent!.id, from: `Casey Customer <${to}>`, text: "Thanks, send the paperwork please." }),
  })).json();
  expect(reply.status).toBe(200);
  // The same forward again (a replay) is refused.
  const replay = await (await fetch(`${MAILGUN}/_sandbox/inbound`, {
    method: "POST",
    body: JSON.stringify({ reply_to_message_id: sent!.id, from: to, text: "again", token: reply.token, message_id: "<replay@example.test>" }),
  })).json();
  expect(replay.status).toBe(406);

  await expect(thread.getByTestId("thread-message")).toHaveCount(2, { timeout: 15_000 });
  await expect(thread.locator('[data-direction="inbound"]')).toContainText("Thanks, send the paperwork please.");
  await expect(thread.locator('[data-direction="inbound"]')).not.toContainText("forged");
  await shot(page, "41-email-thread");

  await page.getByRole("link", { name: "Activities" }).click();
  await expect(page.getByText(`Email received: Re: ${subject}`)).toBeVisible();
  await expect(page.getByText(`Email sent: ${subject}`)).toBeVisible();
  await shot(page, "42-email-activities");
});
