// Turns Supabase/PostgREST/function errors into messages for people. SQL
// raises stable SQLSTATE codes (SPnnn: see supabase/functions/_shared/errors.ts).
const SQL_MESSAGES: Record<string, string> = {
  SP401: "Please sign in again.",
  SP402: "Your plan does not allow this. Upgrade on the Billing page.",
  SP403: "You don't have permission to do that.",
  SP404: "Not found — it may have been removed, or you no longer have access.",
  SP409: "That conflicts with something that already exists.",
  SP410: "That link has expired or was already used.",
  SP422: "That isn't allowed.",
  SP429: "Too many attempts. Wait a minute and try again.",
};

// Supabase Auth's stable error codes (AuthApiError.code).
const AUTH_MESSAGES: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  email_not_confirmed: "Confirm your email address first: follow the link we sent you.",
  user_already_exists: "An account with this email already exists. Sign in, or reset your password.",
  email_exists: "An account with this email already exists. Sign in, or reset your password.",
  weak_password: "Choose a stronger password (at least 8 characters).",
  same_password: "The new password must be different from the old one.",
  over_request_rate_limit: "Too many attempts. Wait a minute and try again.",
  over_email_send_rate_limit: "Too many emails sent. Wait a minute and try again.",
  signup_disabled: "New sign-ups are disabled.",
  session_not_found: "Your session has ended. Please sign in again.",
  otp_expired: "That link has expired or was already used. Request a new one.",
};

/**
 * `overrides` lets a screen say what a code means in its context (e.g. SP409
 * on a referral form: "already referred"), keyed by SQLSTATE or Auth code.
 */
export function errorMessage(err: unknown, overrides: Record<string, string> = {}): string {
  if (!err) return "Something went wrong.";
  const e = err as { code?: string; message?: string; status?: number; name?: string; error?: { message?: string } };
  if (e.code && overrides[e.code]) return overrides[e.code];
  if ((e.status === 502 || e.status === 503) && /^Auth/.test(e.name ?? "")) {
    return "Sign-in is unavailable right now: the authentication service is not answering. Please try again in a minute.";
  }
  if (/^Auth/.test(e.name ?? "") && e.code && AUTH_MESSAGES[e.code]) return AUTH_MESSAGES[e.code];
  if (e.code && SQL_MESSAGES[e.code]) return e.message ? `${SQL_MESSAGES[e.code]} (${e.message})` : SQL_MESSAGES[e.code];
  if (e.error?.message) return e.error.message;
  if (e.message && /Failed to fetch|NetworkError/i.test(e.message)) return "Can't reach SalesPulse. Check your connection and try again.";
  return e.message ?? "Something went wrong.";
}
