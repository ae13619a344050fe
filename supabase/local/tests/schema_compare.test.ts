// The schema comparison's normalisation: what it ignores (object order, ACL
// entry order, generated ids) and what it must not (any definition's text).
import assert from "node:assert/strict";
import { diffSnapshots, dumpObjects, maskVolatile } from "../schema_compare.ts";

const dump = (fnBody: string, grants: string[], first: "a" | "b") => {
  const blocks = {
    a: `--\n-- Name: f(); Type: FUNCTION; Schema: public; Owner: postgres\n--\n\nCREATE FUNCTION public.f() RETURNS int\n    LANGUAGE sql\n    AS $$ ${fnBody} $$;\n`,
    b: `--\n-- Name: TABLE t; Type: ACL; Schema: public; Owner: postgres\n--\n\n${grants.join("\n")}\n`,
  };
  const order = first === "a" ? [blocks.a, blocks.b] : [blocks.b, blocks.a];
  return `\\restrict ${crypto.randomUUID()}\nSET x = 1;\n\n${order.join("\n")}\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict k\n`;
};

Deno.test("schema compare: object order, ACL entry order and pg_dump's restrict key do not matter", () => {
  const a = dumpObjects(dump("select 1", ["GRANT SELECT ON TABLE public.t TO anon;", "GRANT ALL ON TABLE public.t TO service_role;"], "a"));
  const b = dumpObjects(dump("select 1", ["GRANT ALL ON TABLE public.t TO service_role;", "GRANT SELECT ON TABLE public.t TO anon;"], "b"));
  assert.equal(a.length, 2);
  assert.deepEqual(diffSnapshots(a, b), { onlyA: [], onlyB: [] });
});

Deno.test("schema compare: a changed function body or a missing grant is a difference", () => {
  const grants = ["GRANT SELECT ON TABLE public.t TO anon;"];
  const base = dumpObjects(dump("select 1", grants, "a"));
  const body = diffSnapshots(base, dumpObjects(dump("select 2", grants, "a")));
  assert.equal(body.onlyA.length, 1);
  assert.match(body.onlyB[0], /select 2/);
  const acl = diffSnapshots(base, dumpObjects(dump("select 1", [], "a")));
  assert.match(acl.onlyA[0], /GRANT SELECT ON TABLE public.t TO anon/);
});

Deno.test("schema compare: generated ids and timestamps in rows are masked, values are not", () => {
  const row = (id: string, at: string, price: number) => JSON.stringify({ id, at, price });
  assert.equal(
    maskVolatile(row(crypto.randomUUID(), "2026-12-01T10:00:00.123+00:00", 1)),
    maskVolatile(row(crypto.randomUUID(), "2026-12-02 11:30:00+00", 1)),
  );
  assert.notEqual(maskVolatile(row("x", "y", 1)), maskVolatile(row("x", "y", 2)));
});
