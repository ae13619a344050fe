// The one stand-in for supabase-js in Vitest tests (the third-party boundary;
// everything of ours runs for real). Every query is recorded (`queries`) and
// answered, first match wins, by
//   - a handler a test registers with `on(table | "rpc:<name>" | "auth:<method>")`,
//     for any state: loading (a promise that never settles), empty, error;
//   - an error set with `fail(table)` (reads of that table);
//   - rows set with `rows(table, [...])`: eq/neq/in/is filters, order, limit,
//     maybeSingle/single, and inserts, updates and deletes that change them;
//   - otherwise nothing: [] (or null for single rows and auth calls).
// Use it in a test file with
//   vi.mock("../../lib/supabase", async () => (await import("../../testing/fakeSupabase")).supabaseModule);
import type { Session } from "@supabase/supabase-js";

export interface FakeQuery {
  table: string;
  op: "select" | "insert" | "update" | "upsert" | "delete" | "rpc" | "auth";
  payload?: unknown;
  columns?: string;
  /** Filters and modifiers in call order, e.g. ["eq", "org_id", "…"], ["order", "name"]. */
  filters: unknown[][];
  single?: "single" | "maybeSingle";
}
export interface FakeResult {
  data: unknown;
  error: unknown;
}
type Handler = (q: FakeQuery) => FakeResult | Promise<FakeResult>;
type Row = Record<string, unknown>;
type Role = "owner" | "admin" | "manager" | "agent";
interface Person {
  fullName?: string | null;
  email?: string | null;
  joinedAt?: string;
}

const WRITES = new Set(["insert", "update", "upsert", "delete"]);

function matches(row: Row, filters: unknown[][]): boolean {
  return filters.every(([op, col, v]) => {
    const x = row[col as string];
    if (op === "eq") return x === v;
    if (op === "neq") return x !== v;
    if (op === "in") return (v as unknown[]).includes(x);
    if (op === "is") return (x ?? null) === v;
    return true;
  });
}

/** Answers a query from a table's rows, changing them for writes; results are copies, as from the wire. */
function fromRows(rows: Row[], q: FakeQuery): FakeResult {
  let out: Row[];
  if (q.op === "insert" || q.op === "upsert") {
    const added = (Array.isArray(q.payload) ? q.payload : [q.payload]) as Row[];
    out = added.map((r, i) => ({ id: `new-${rows.length + i}`, created_at: new Date().toISOString(), ...r }));
    rows.push(...out);
  } else {
    out = rows.filter((r) => matches(r, q.filters));
    if (q.op === "update") for (const r of out) Object.assign(r, q.payload);
    if (q.op === "delete") for (const r of out) rows.splice(rows.indexOf(r), 1);
  }
  for (const [op, col, opts] of [...q.filters].reverse()) {
    if (op !== "order") continue;
    const dir = (opts as { ascending?: boolean } | undefined)?.ascending === false ? -1 : 1;
    out = [...out].sort((a, b) => {
      const x = a[col as string] as string | number, y = b[col as string] as string | number;
      return x === y ? 0 : (x < y ? -1 : 1) * dir;
    });
  }
  const limit = q.filters.find(([op]) => op === "limit");
  if (limit) out = out.slice(0, limit[1] as number);
  return { data: structuredClone(q.single ? out[0] ?? null : out), error: null };
}

export function createFakeSupabase() {
  const handlers = new Map<string, Handler>();
  const tables = new Map<string, Row[]>();
  const failures = new Map<string, unknown>();
  const calls: FakeQuery[] = [];
  let session: Session | null = null;
  let currentOrg = { id: "org-1", name: "Acme Inc", slug: "acme", currency: "USD", time_zone: "UTC" };

  const respond = async (q: FakeQuery): Promise<FakeResult> => {
    calls.push(q);
    const h = handlers.get(q.op === "rpc" || q.op === "auth" ? `${q.op}:${q.table}` : q.table);
    if (h) return await h(q);
    if (q.op === "rpc" || q.op === "auth") return { data: q.op === "auth" ? null : [], error: null };
    if (q.op === "select" && failures.has(q.table)) return { data: null, error: failures.get(q.table) };
    const rows = tables.get(q.table);
    if (rows) return fromRows(rows, q);
    return { data: q.single ? null : [], error: null };
  };

  const builder = (table: string) => {
    const q: FakeQuery = { table, op: "select", filters: [] };
    const proxy: object = new Proxy({}, {
      get(_t, prop: string) {
        if (prop === "then") {
          return (ok: (v: FakeResult) => unknown, fail: (e: unknown) => unknown) => respond(q).then(ok, fail);
        }
        return (...args: unknown[]) => {
          if (WRITES.has(prop)) {
            q.op = prop as FakeQuery["op"];
            q.payload = args[0];
          } else if (prop === "select") q.columns = args[0] as string;
          else if (prop === "single" || prop === "maybeSingle") q.single = prop;
          else q.filters.push([prop, ...args]);
          return proxy;
        };
      },
    });
    return proxy;
  };

  const client = {
    from: (table: string) => builder(table),
    rpc: (name: string, args?: unknown) => respond({ table: name, op: "rpc", payload: args, filters: [] }),
    auth: {
      getSession: async () => ({ data: { session }, error: null }),
      onAuthStateChange: () => ({ data: { subscription: { unsubscribe() {} } } }),
      refreshSession: async () => ({ data: { session }, error: null }),
      signOut: async () => ({ error: null }),
      // Auth calls are recorded as op "auth" and answered by `auth:<method>` handlers.
      signInWithPassword: (creds: unknown) => respond({ table: "signInWithPassword", op: "auth", payload: creds, filters: [] }),
      signUp: (args: unknown) => respond({ table: "signUp", op: "auth", payload: args, filters: [] }),
      resetPasswordForEmail: (email: string, opts: unknown) =>
        respond({ table: "resetPasswordForEmail", op: "auth", payload: { email, opts }, filters: [] }),
      updateUser: (attrs: unknown) => respond({ table: "updateUser", op: "auth", payload: attrs, filters: [] }),
    },
  };

  return {
    client,
    calls,
    /** Answer queries on `table` (or `rpc:<name>`, `auth:<method>`). */
    on(table: string, handler: Handler) {
      handlers.set(table, handler);
    },
    /** The rows of `table` from now on (the array itself: tests may change it later). */
    rows(table: string, rows: Row[]): Row[] {
      tables.set(table, rows);
      return rows;
    },
    /** The current rows of `table`. */
    table(table: string): Row[] {
      return tables.get(table) ?? this.rows(table, []);
    },
    /** Reads of `table` fail with `error`. */
    fail(table: string, error: { message: string; code?: string }) {
      failures.set(table, error);
    },
    /** Recorded queries on a table (or rpc name), optionally of one kind. */
    queries(table: string, op?: FakeQuery["op"]) {
      return calls.filter((c) => c.table === table && (!op || c.op === op));
    },
    /** Signs `userId` in as `role` of one organization: a session, the membership and the profile. */
    signIn(userId: string, role: Role, { org = {}, ...person }: { org?: { id?: string; name?: string; currency?: string } } & Person = {}) {
      const { id = "org-1", name = "Acme Inc", currency = "USD" } = org;
      session = { access_token: "user-access-token", user: { id: userId, email: person.email ?? `${role}@example.test` } } as unknown as Session;
      currentOrg = { id, name, slug: "acme", currency, time_zone: "UTC" };
      this.rows("memberships", []);
      this.rows("profiles", []);
      this.addMember(userId, role, { email: `${role}@example.test`, ...person });
    },
    /** Another member of the signed-in user's organization (memberships and profiles rows). */
    addMember(userId: string, role: Role, { fullName = null, email = null, joinedAt = "2026-01-01T00:00:00Z" }: Person = {}) {
      this.table("memberships").push({ user_id: userId, org_id: currentOrg.id, role, created_at: joinedAt, organization: currentOrg });
      this.table("profiles").push({ id: userId, current_org_id: currentOrg.id, full_name: fullName, email });
    },
    reset() {
      handlers.clear();
      tables.clear();
      failures.clear();
      calls.length = 0;
      session = null;
    },
  };
}

export const fakeSupabase = createFakeSupabase();

/** What `lib/supabase` exports, with the fake client. */
export const supabaseModule = {
  supabase: fakeSupabase.client,
  env: { supabaseUrl: "http://127.0.0.1:54321", supabaseAnonKey: "anon-".padEnd(40, "x") },
};
