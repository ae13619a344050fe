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

  it("turns network failures into a connection hint", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/Can't reach SalesPulse/);
  });

  it("falls back to the message", () => {
    expect(errorMessage({ message: "Boom" })).toBe("Boom");
    expect(errorMessage(null)).toBe("Something went wrong.");
  });
});
