// GoTrue's error responses, in both of its API versions: auth-js sends
// `X-Supabase-Api-Version: 2024-01-01` and then reads `{code, message}`;
// older clients get `{code: <status>, error_code, msg}`.

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields (weak_password's reasons). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** OAuth-style errors (the refresh grant's missing token): `{error, error_description}`, always 400. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

export const err = {
  validation: (msg: string, status = 400) => new AuthError(status, "validation_failed", msg),
  invalidCredentials: () => new AuthError(400, "invalid_credentials", "Invalid login credentials"),
  weakPassword: (reasons: string[], message: string) =>
    new AuthError(422, "weak_password", message, { weak_password: { reasons } }),
  rateLimited: () => new AuthError(429, "over_request_rate_limit", "Request rate limit reached"),
  noAuthorization: () => new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token"),
  badJwt: (detail: string) => new AuthError(403, "bad_jwt", `invalid JWT: unable to parse or verify signature, ${detail}`),
  notAdmin: () => new AuthError(403, "not_admin", "User not allowed"),
  userNotFound: (msg = "User not found", status = 404) => new AuthError(status, "user_not_found", msg),
  otpExpired: (msg = "Email link is invalid or has expired") => new AuthError(403, "otp_expired", msg),
  unexpected: () =>
    new AuthError(500, "unexpected_failure", "Unexpected failure, please check server logs for more information"),
};

const API_VERSION_HEADER = "x-supabase-api-version";

/** The request's API version is 2024-01-01 or later (the only version that changes anything). */
export function wantsNewErrors(req: Request): boolean {
  const v = req.headers.get(API_VERSION_HEADER);
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return Number.isFinite(t) && t >= Date.parse("2024-01-01T00:00:00Z");
}

export function errorResponse(req: Request, e: unknown): Response {
  const headers = new Headers({ "content-type": "application/json" });
  const newer = wantsNewErrors(req);
  if (newer) headers.set(API_VERSION_HEADER, "2024-01-01");
  if (e instanceof OAuthError) {
    return new Response(JSON.stringify({ error: e.error, error_description: e.description }), { status: 400, headers });
  }
  const a = e instanceof AuthError ? e : err.unexpected();
  if (!(e instanceof AuthError)) console.error("auth stand-in: unexpected error:", e);
  if (a.code && !(newer && a.code === "weak_password")) headers.set("x-sb-error-code", a.code);
  const body = newer
    ? { code: a.code, message: a.message, ...a.extra }
    : { code: a.status, error_code: a.code, msg: a.message, ...a.extra };
  return new Response(JSON.stringify(body), { status: a.status, headers });
}
