// The stand-ins' glob matching: fault paths (no separators) and Auth's
// redirect allow list (gobwas/glob with "." and "/" as separators).
import assert from "node:assert/strict";
import { globToRegExp } from "./glob.ts";

Deno.test("glob: without separators, * matches anything (fault paths)", () => {
  const re = globToRegExp("/2010-04-01/Accounts/*/Calls/*");
  assert.ok(re.test("/2010-04-01/Accounts/AC1/Calls/CA2.json"));
  assert.ok(!re.test("/2010-04-01/Accounts/AC1/Recordings/RE1"));
});

Deno.test("glob: with ./ separators, * stays inside one label or segment, ** crosses them", () => {
  const one = globToRegExp("http://127.0.0.1:5173/*", { separators: "./" });
  assert.ok(one.test("http://127.0.0.1:5173/app"));
  assert.ok(!one.test("http://127.0.0.1:5173/app/calls"), "* does not cross /");
  const any = globToRegExp("http://127.0.0.1:5173/**", { separators: "./" });
  assert.ok(any.test("http://127.0.0.1:5173/app/calls?x=1"));
  const sub = globToRegExp("https://*.example.com/**", { separators: "./" });
  assert.ok(sub.test("https://app.example.com/x"));
  assert.ok(!sub.test("https://evil.com/.example.com/x"));
  assert.ok(!sub.test("https://a.b.example.com/x"), "* does not cross .");
});

Deno.test("glob: ?, classes, alternatives and escapes", () => {
  assert.ok(globToRegExp("a?c").test("abc"));
  assert.ok(globToRegExp("[a-c]x").test("bx") && !globToRegExp("[!a-c]x").test("bx"));
  assert.ok(globToRegExp("{foo,bar}.txt").test("bar.txt") && !globToRegExp("{foo,bar}.txt").test("baz.txt"));
  assert.ok(globToRegExp("a\\*b").test("a*b") && !globToRegExp("a\\*b").test("axb"));
});
