// The SPA's configuration, parsed once with zod (its tree-shakable `zod/mini` form, as in every
// module of the SPA: it keeps the first screen's JavaScript small): a missing or malformed value
// fails at start-up with a message naming it, instead of a blank page later.
import { z } from "zod/mini";

const EnvSchema = z.object({
  VITE_SUPABASE_URL: z.url({ error: "VITE_SUPABASE_URL must be the Supabase API URL" }),
  VITE_SUPABASE_ANON_KEY: z.string({ error: "VITE_SUPABASE_ANON_KEY is missing" })
    .check(z.minLength(20, { error: "VITE_SUPABASE_ANON_KEY is too short" })),
});

export type AppEnv = { supabaseUrl: string; supabaseAnonKey: string };

export function parseEnv(raw: Record<string, unknown>): AppEnv {
  const r = EnvSchema.safeParse(raw);
  if (!r.success) {
    const missing = r.error.issues.map((i) => i.message).join("; ");
    throw new Error(`SalesPulse is misconfigured: ${missing}`);
  }
  return { supabaseUrl: r.data.VITE_SUPABASE_URL, supabaseAnonKey: r.data.VITE_SUPABASE_ANON_KEY };
}
