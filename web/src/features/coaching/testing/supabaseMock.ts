// A stand-in for lib/supabase in this feature's tests (supabase-js is the
// third-party boundary). Use with:
//   vi.mock("../../lib/supabase", async () => (await import("./testing/supabaseMock")).supabaseModule);
// `from(table)` is a chainable, awaitable builder over `db[table]` rows that
// honours eq/in filters and maybeSingle; inserts are recorded in `inserted`
// and added to the table; `rpc` answers through `rpcHandlers`.
import { vi } from "vitest";

type Row = Record<string, unknown>;
type Result = { data: unknown; error: unknown };

export const ORG_ID = "0a000000-0000-4000-8000-000000000001";
export const USER_ID = "a0000000-0000-4000-8000-000000000003";

export const db: Record<string, Row[]> = {};
/** Make the next reads of a table fail with this error. */
export const failures: Record<string, { message: string; code?: string }> = {};
export const inserted: { table: string; payload: unknown }[] = [];
export const rpcHandlers: Record<string, (args: Record<string, unknown>) => Result | Promise<Result>> = {};
export const rpc = vi.fn((name: string, args: Record<string, unknown> = {}) => {
  const h = rpcHandlers[name];
  return Promise.resolve(h ? h(args) : { data: null, error: { message: `unexpected rpc ${name}` } });
});

function builder(table: string) {
  const filters: ((r: Row) => boolean)[] = [];
  const orders: [string, boolean][] = [];
  let insert: unknown;
  const run = async (single: boolean): Promise<Result> => {
    if (insert !== undefined) {
      inserted.push({ table, payload: insert });
      const rows = Array.isArray(insert) ? insert : [insert];
      (db[table] ??= []).push(...rows.map((r, i) => ({ id: `new-${db[table]?.length ?? 0}-${i}`, created_at: new Date().toISOString(), ...r })));
      return { data: null, error: null };
    }
    if (failures[table]) return { data: null, error: failures[table] };
    const rows = (db[table] ?? []).filter((r) => filters.every((f) => f(r)));
    rows.sort((a, b) => {
      for (const [col, asc] of orders) {
        const x = a[col] as number | string, y = b[col] as number | string;
        if (x !== y) return (x < y ? -1 : 1) * (asc ? 1 : -1);
      }
      return 0;
    });
    // Copies, as from the wire: later changes to `db` are not seen by earlier results.
    return { data: structuredClone(single ? rows[0] ?? null : rows), error: null };
  };
  const b: Record<string, unknown> = {
    select: () => b,
    order: (col: string, opts?: { ascending?: boolean }) => (orders.push([col, opts?.ascending !== false]), b),
    limit: () => b,
    eq: (col: string, v: unknown) => (filters.push((r) => r[col] === v), b),
    in: (col: string, vs: unknown[]) => (filters.push((r) => vs.includes(r[col])), b),
    insert: (payload: unknown) => ((insert = payload), b),
    maybeSingle: () => run(true),
    single: () => run(true),
    then: (ok: (r: Result) => unknown, fail?: (e: unknown) => unknown) => run(false).then(ok, fail),
  };
  return b;
}
export const from = vi.fn((table: string) => builder(table));

export const session = { access_token: "user-access-token", user: { id: USER_ID, email: "manager@example.com" } };
export const env = { supabaseUrl: "http://127.0.0.1:54321", supabaseAnonKey: "anon-".padEnd(40, "x") };
export const supabaseModule = {
  env,
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

/** Empties the stand-in; the signed-in user has `role` in one organization. */
export function resetSupabaseMock({ role = "manager" }: { role?: "owner" | "admin" | "manager" | "agent" } = {}) {
  rpc.mockClear();
  from.mockClear();
  inserted.length = 0;
  for (const k of Object.keys(db)) delete db[k];
  for (const k of Object.keys(failures)) delete failures[k];
  for (const k of Object.keys(rpcHandlers)) delete rpcHandlers[k];
  db.memberships = [{
    user_id: USER_ID,
    org_id: ORG_ID,
    role,
    organization: { id: ORG_ID, name: "Acme", slug: "acme", currency: "USD", time_zone: "UTC" },
  }];
  db.profiles = [{ id: USER_ID, current_org_id: ORG_ID, full_name: "Morgan Manager" }];
}
