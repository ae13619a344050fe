import { describe, expect, it } from "vitest";
import { errorMessage } from "./errors";

describe("errorMessage", () => {
  it("explains our SQL error codes", () => {
    expect(errorMessage({ code: "SP402", message: "plan limit reached: phone_numbers (1 of 1 used)" }))
      .toMatch(/^Your plan does not allow this\. Upgrade on the Billing page\. \(plan limit reached/);
  });

  it("says when sign-in is unavailable (Auth unreachable behind the gateway: 502/503)", () => {
    expect(errorMessage({ name: "AuthRetryableFetchError", status: 502, message: "{}" })).toMatch(/authentication service is not answering/);
    expect(errorMessage({ name: "AuthRetryableFetchError", status: 503, message: "{}" })).toMatch(/authentication service is not answering/);
    expect(errorMessage({ name: "PostgrestError", status: 503, message: "db down" })).toBe("db down");
  });

  it("explains Supabase Auth's error codes, and only for Auth errors", () => {
    expect(errorMessage({ name: "AuthApiError", status: 400, code: "invalid_credentials", message: "Invalid login credentials" }))
      .toBe("Wrong email or password.");
    expect(errorMessage({ name: "AuthApiError", status: 422, code: "user_already_exists", message: "User already registered" }))
      .toMatch(/already exists/);
    expect(errorMessage({ name: "AuthApiError", status: 400, code: "brand_new_code", message: "Raw message" })).toBe("Raw message");
    expect(errorMessage({ name: "PostgrestError", code: "invalid_credentials", message: "not auth" })).toBe("not auth");
  });

  it("says something specific for every SQL code and Auth code we raise", () => {
    const sql: Record<string, RegExp> = {
      SP401: /sign in again/, SP402: /plan does not allow/, SP403: /permission/, SP404: /Not found/,
      SP409: /conflicts/, SP410: /expired or was already used/, SP422: /isn't allowed/, SP429: /Too many attempts/,
    };
    for (const [code, re] of Object.entries(sql)) {
      expect(errorMessage({ code, message: "raw" })).toMatch(re);
      expect(errorMessage({ code, message: "raw" })).toMatch(/\(raw\)$/);
      expect(errorMessage({ code })).toMatch(re);
      expect(errorMessage({ code })).not.toMatch(/\(/);
    }
    const auth: Record<string, RegExp> = {
      email_not_confirmed: /Confirm your email/, email_exists: /already exists/, weak_password: /stronger password/,
      same_password: /different from the old/, over_request_rate_limit: /Too many attempts/,
      over_email_send_rate_limit: /Too many emails/, signup_disabled: /sign-ups are disabled/,
      session_not_found: /session has ended/, otp_expired: /Request a new one/,
    };
    for (const [code, re] of Object.entries(auth)) {
      expect(errorMessage({ name: "AuthApiError", status: 400, code, message: "raw" })).toMatch(re);
    }
    // Only errors whose name starts with Auth are Auth's.
    expect(errorMessage({ name: "NotAuthError", code: "invalid_credentials", message: "raw" })).toBe("raw");
    expect(errorMessage({ name: "NotAuthError", status: 503, message: "raw" })).toBe("raw");
    expect(errorMessage({ code: "invalid_credentials", message: "raw" })).toBe("raw");
  });

  it("a screen's override wins; a function error's body message is used", () => {
    expect(errorMessage({ code: "SP409", message: "dup" }, { SP409: "Already referred." })).toBe("Already referred.");
    expect(errorMessage({ code: "SP409", message: "dup" }, { SP410: "other" })).toMatch(/conflicts/);
    expect(errorMessage({ message: "Edge Function returned a non-2xx status code", error: { message: "the number is taken" } }))
      .toBe("the number is taken");
  });

  it("turns network failures into a connection hint", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/Can't reach SalesPulse/);
  });

  it("falls back to the message", () => {
    expect(errorMessage({ message: "Boom" })).toBe("Boom");
    expect(errorMessage(null)).toBe("Something went wrong.");
  });
});
