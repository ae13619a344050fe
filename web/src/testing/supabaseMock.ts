// A stand-in for lib/supabase in this feature's tests (supabase-js is the
// third-party boundary). Use with:
//   vi.mock("../../lib/supabase", async () => (await import("../../testing/supabaseMock")).supabaseModule);
// `rpc` answers per function name through `rpcHandlers`; `from(table)` returns
// a chainable, awaitable builder answering `tables[table]`.
import { vi } from "vitest";

type Result = { data: unknown; error: unknown };
export const ORG_ID = "00000000-0000-4000-8000-0000000000a1";
export const USER_ID = "00000000-0000-4000-8000-0000000000b1";

export const rpcHandlers: Record<string, (args: Record<string, unknown>) => Result | Promise<Result>> = {};
export const rpc = vi.fn((name: string, args: Record<string, unknown> = {}) => {
  const h = rpcHandlers[name];
  return Promise.resolve(h ? h(args) : { data: null, error: { message: `unexpected rpc ${name}` } });
});

export const tables: Record<string, Result | (() => Result | Promise<Result>)> = {};
export const fromCalls: { table: string; calls: [string, unknown[]][] }[] = [];

function builder(table: string) {
  const log: [string, unknown[]][] = [];
  fromCalls.push({ table, calls: log });
  const resolve = async (single: boolean): Promise<Result> => {
    const t = tables[table];
    const r = typeof t === "function" ? await t() : t ?? { data: [], error: null };
    if (single && Array.isArray(r.data)) return { data: r.data[0] ?? null, error: r.error };
    return r;
  };
  const b: Record<string, unknown> = {};
  for (const m of ["select", "eq", "neq", "in", "is", "order", "limit", "range", "ilike", "match"]) {
    b[m] = (...args: unknown[]) => { log.push([m, args]); return b; };
  }
  b.maybeSingle = () => resolve(true);
  b.single = () => resolve(true);
  b.then = (ok: (r: Result) => unknown, fail?: (e: unknown) => unknown) => resolve(false).then(ok, fail);
  return b;
}
export const from = vi.fn((table: string) => builder(table));

const session = { access_token: "test-token", user: { id: USER_ID, email: "manager@example.com" } };
export const supabaseModule = {
  env: { supabaseUrl: "http://127.0.0.1:54321", supabaseAnonKey: "x".repeat(40) },
  supabase: {
    rpc,
    from,
    auth: {
      getSession: async () => ({ data: { session } }),
      onAuthStateChange: () => ({ data: { subscription: { unsubscribe() {} } } }),
      refreshSession: async () => ({ data: { session }, error: null }),
      signOut: async () => ({ error: null }),
    },
  },
};

/** Resets the stand-in: a manager of one organization whose currency is `currency`. */
export function resetSupabaseMock({ currency = "EUR", role = "manager" } = {}) {
  rpc.mockClear();
  from.mockClear();
  fromCalls.length = 0;
  for (const k of Object.keys(rpcHandlers)) delete rpcHandlers[k];
  for (const k of Object.keys(tables)) delete tables[k];
  tables.memberships = {
    data: [{ org_id: ORG_ID, role, organization: { id: ORG_ID, name: "Acme", slug: "acme", currency, time_zone: "UTC" } }],
    error: null,
  };
  tables.profiles = { data: [{ current_org_id: ORG_ID }], error: null };
  tables.agents = { data: [], error: null };
}
