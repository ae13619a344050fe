import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("parseEnv", () => {
  it("accepts a URL and an anon key", () => {
    expect(parseEnv({ VITE_SUPABASE_URL: "http://127.0.0.1:54321", VITE_SUPABASE_ANON_KEY: "x".repeat(40) }))
      .toEqual({ supabaseUrl: "http://127.0.0.1:54321", supabaseAnonKey: "x".repeat(40) });
  });

  it("names what is missing", () => {
    expect(() => parseEnv({ VITE_SUPABASE_URL: "not a url" })).toThrow(/VITE_SUPABASE_URL.*VITE_SUPABASE_ANON_KEY/);
  });
});
