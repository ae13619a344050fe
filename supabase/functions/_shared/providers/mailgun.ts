// Mailgun (email out): its HTTP API with fetch — Mailgun has no official
// Deno SDK and the API is one form POST. MAILGUN_API_BASE_URL points it at the
// local stand-in (supabase/local/sandbox/mailgun.ts); in production it is
// https://api.mailgun.net (or https://api.eu.mailgun.net).
export interface MailgunEnv {
  apiKey: string;
  domain: string;
  baseUrl?: string;
}

export interface Email {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  tags?: string[];
}

export class MailgunError extends Error {
  constructor(public status: number, message: string) {
    super(message);
    this.name = "MailgunError";
  }
  /** 429 and 5xx are worth retrying; other 4xx are not. */
  get retryable() {
    return this.status === 429 || this.status >= 500;
  }
}

export async function sendEmail(env: MailgunEnv, email: Email): Promise<string> {
  const form = new FormData();
  form.set("from", email.from);
  form.set("to", email.to);
  form.set("subject", email.subject);
  form.set("text", email.text);
  if (email.html) form.set("html", email.html);
  for (const t of email.tags ?? []) form.append("o:tag", t);
  const base = (env.baseUrl ?? "https://api.mailgun.net").replace(/\/+$/, "");
  const res = await fetch(`${base}/v3/${encodeURIComponent(env.domain)}/messages`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`api:${env.apiKey}`)}` },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.text();
  if (!res.ok) throw new MailgunError(res.status, `Mailgun answered ${res.status}: ${body.slice(0, 200)}`);
  return (JSON.parse(body) as { id: string }).id;
}
