// The SPA's supabase-js without Realtime and Storage (web/vite.config.ts aliases
// them to ./unused.ts): the client is created, signs in and reads as before —
// the data-layer tests run on it — and a use of what was left out fails with
// a message that says so instead of doing nothing.
import { createClient } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { RealtimeClient } from "./unused";

const client = createClient("http://127.0.0.1:9", "anon-key-for-a-client-that-never-connects", {
  auth: { persistSession: false, autoRefreshToken: false },
});

describe("supabase-js as the SPA builds it", () => {
  it("uses the stand-in for Realtime (the alias applies)", () => {
    expect(client.realtime).toBeInstanceOf(RealtimeClient);
  });

  it("refuses a Realtime channel with a clear message", () => {
    expect(() => client.channel("calls")).toThrow(/Supabase Realtime is not part of the SPA's build/);
    expect(client.getChannels()).toEqual([]);
  });

  it("refuses any use of Storage with a clear message", () => {
    expect(() => client.storage.from("recordings")).toThrow(/Supabase Storage \(\.from\) is not part of the SPA's build/);
  });

  it("takes the access token supabase-js hands Realtime on sign-in without failing", async () => {
    await expect(client.realtime.setAuth("a-token")).resolves.toBeUndefined();
    await expect(client.removeAllChannels()).resolves.toEqual([]);
  });
});
