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
};

export function errorMessage(err: unknown): string {
  if (!err) return "Something went wrong.";
  const e = err as { code?: string; message?: string; status?: number; name?: string; error?: { message?: string } };
  if (e.status === 503 && /^Auth/.test(e.name ?? "")) {
    return "Sign-in is unavailable right now: the authentication service is not running. Please try again later.";
  }
  if (e.code && SQL_MESSAGES[e.code]) return e.message ? `${SQL_MESSAGES[e.code]} (${e.message})` : SQL_MESSAGES[e.code];
  if (e.error?.message) return e.error.message;
  if (e.message && /Failed to fetch|NetworkError/i.test(e.message)) return "Can't reach SalesPulse. Check your connection and try again.";
  return e.message ?? "Something went wrong.";
}
