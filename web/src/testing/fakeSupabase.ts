// A stand-in for supabase-js in Vitest tests (the third-party boundary;
// everything of ours runs for real). Queries are recorded and answered by
// per-table (or `rpc:<name>`) handlers a test registers. Shared test code
// (src/testing), usable by every feature.
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

const WRITES = new Set(["insert", "update", "upsert", "delete"]);

export function createFakeSupabase() {
  const handlers = new Map<string, Handler>();
  const calls: FakeQuery[] = [];
  let session: Session | null = null;

  const respond = async (q: FakeQuery): Promise<FakeResult> => {
    calls.push(q);
    const h = handlers.get(q.op === "rpc" || q.op === "auth" ? `${q.op}:${q.table}` : q.table);
    if (!h) return { data: q.single || q.op === "auth" ? null : [], error: null };
    return await h(q);
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
    /** Recorded queries on a table (or rpc name), optionally of one kind. */
    queries(table: string, op?: FakeQuery["op"]) {
      return calls.filter((c) => c.table === table && (!op || c.op === op));
    },
    /** Signs `userId` in as `role` of one organization. */
    signIn(userId: string, role: "owner" | "admin" | "manager" | "agent", org = { id: "org-1", name: "Acme Inc" }) {
      session = { access_token: "token", user: { id: userId, email: `${role}@example.test` } } as unknown as Session;
      handlers.set("memberships", () => ({
        data: [{ org_id: org.id, role, organization: { id: org.id, name: org.name, slug: "acme", currency: "USD", time_zone: "UTC" } }],
        error: null,
      }));
      handlers.set("profiles", () => ({ data: { current_org_id: org.id }, error: null }));
    },
    reset() {
      handlers.clear();
      calls.length = 0;
      session = null;
    },
  };
}

export const fakeSupabase = createFakeSupabase();
