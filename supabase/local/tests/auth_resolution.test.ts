// Which Auth the stack runs (supabase/local/auth.ts): each branch of the
// resolution order, and the release download against a local server that
// serves a release-shaped archive (good, tampered, missing, unreachable).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { AUTH_RELEASE, downloadRelease, findAuthBinary } from "../auth.ts";

function tmp(): string {
  return Deno.makeTempDirSync({ prefix: "sp-auth-resolution-" });
}

/** An executable that answers `version` like the Auth binary does. */
function fakeAuth(path: string, version: string) {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, `#!/bin/sh\n[ "$1" = version ] && echo ${version}\n`);
  Deno.chmodSync(path, 0o755);
}

/** A gzipped tarball with `auth` (and optionally more) at its top level, as the official release has. */
async function releaseArchive(withAuth = true): Promise<Uint8Array> {
  const dir = tmp();
  if (withAuth) fakeAuth(join(dir, "auth"), "v2.196.0");
  Deno.mkdirSync(join(dir, "migrations"));
  Deno.writeTextFileSync(join(dir, "migrations", "00_init.up.sql"), "-- placeholder\n");
  const out = join(dir, "..", `${dir.split("/").pop()}.tar.gz`);
  const r = await new Deno.Command("tar", { args: ["-czf", out, "-C", dir, "."] }).output();
  assert.equal(r.code, 0);
  return Deno.readFileSync(out);
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function serve(routes: Record<string, Uint8Array>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const body = routes[new URL(req.url).pathname];
    return body ? new Response(body as BodyInit) : new Response("not found", { status: 404 });
  });
  const { port } = server.addr as Deno.NetAddr;
  return { base: `http://127.0.0.1:${port}`, close: () => server.shutdown() };
}

Deno.test("auth resolution: SUPABASE_AUTH_BIN wins, with the version the binary reports", () => {
  const dir = tmp();
  fakeAuth(join(dir, "bin", "auth"), "v2.0.0-placed");
  fakeAuth(join(dir, "mine"), "v2.123.4");
  const c = findAuthBinary({ localDir: dir, envBin: join(dir, "mine") });
  assert.deepEqual(c, { kind: "binary", path: join(dir, "mine"), source: "SUPABASE_AUTH_BIN", version: "v2.123.4" });
});

Deno.test("auth resolution: a SUPABASE_AUTH_BIN that is not an executable is an error, not a silent fallback", () => {
  const dir = tmp();
  Deno.writeTextFileSync(join(dir, "auth"), "not a program");
  assert.throws(() => findAuthBinary({ localDir: dir, envBin: join(dir, "auth") }), /not an executable file/);
  assert.throws(() => findAuthBinary({ localDir: dir, envBin: join(dir, "missing") }), /not an executable file/);
});

Deno.test("auth resolution: .local/bin/auth comes next, then a downloaded release, then nothing (the stand-in)", async () => {
  const dir = tmp();
  assert.equal(findAuthBinary({ localDir: dir, envBin: undefined }), null, "nothing present: the stack runs the stand-in");
  fakeAuth(join(dir, "bin", `auth-${AUTH_RELEASE.version}`, "auth"), AUTH_RELEASE.version);
  const released = findAuthBinary({ localDir: dir, envBin: undefined });
  assert.equal(released?.kind === "binary" && released.source, "release");
  fakeAuth(join(dir, "bin", "auth"), "v2.9.9");
  const placed = findAuthBinary({ localDir: dir, envBin: undefined });
  assert.deepEqual(placed, { kind: "binary", path: join(dir, "bin", "auth"), source: ".local/bin/auth", version: "v2.9.9" });
});

Deno.test("auth resolution: the pinned release is downloaded and unpacked when its sha256 matches", async () => {
  const archive = await releaseArchive();
  const srv = await serve({ "/auth.tar.gz": archive });
  try {
    const dir = tmp();
    const r = await downloadRelease({ url: `${srv.base}/auth.tar.gz`, sha256: sha(archive), version: AUTH_RELEASE.version, localDir: dir });
    assert.equal(r.ok, true, JSON.stringify(r));
    const found = findAuthBinary({ localDir: dir, envBin: undefined });
    assert.equal(found?.kind === "binary" && found.source, "release");
    assert.ok(Deno.statSync(join(dir, "bin", `auth-${AUTH_RELEASE.version}`, "migrations", "00_init.up.sql")).isFile);
  } finally {
    await srv.close();
  }
});

Deno.test("auth resolution: a checksum mismatch is refused and nothing is installed", async () => {
  const archive = await releaseArchive();
  const srv = await serve({ "/auth.tar.gz": archive });
  try {
    const dir = tmp();
    const r = await downloadRelease({ url: `${srv.base}/auth.tar.gz`, sha256: "0".repeat(64), localDir: dir });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.notice : "", /does not match the pinned/);
    assert.equal(findAuthBinary({ localDir: dir, envBin: undefined }), null);
  } finally {
    await srv.close();
  }
});

Deno.test("auth resolution: a refused, unreachable, unpinned or malformed download is a one-line notice", async () => {
  const noAuth = await releaseArchive(false);
  const srv = await serve({ "/empty.tar.gz": noAuth });
  const dir = tmp();
  const notices: string[] = [];
  const notice = (r: Awaited<ReturnType<typeof downloadRelease>>) => {
    assert.equal(r.ok, false);
    const n = r.ok ? "" : r.notice;
    notices.push(n);
    return n;
  };
  try {
    assert.match(notice(await downloadRelease({ url: `${srv.base}/missing.tar.gz`, sha256: "a".repeat(64), localDir: dir })), /refused \(HTTP 404/);
    assert.match(notice(await downloadRelease({ url: `${srv.base}/empty.tar.gz`, sha256: sha(noAuth), localDir: dir })), /no executable "auth"/);
  } finally {
    await srv.close();
  }
  // The server is gone now: the port refuses connections.
  assert.match(notice(await downloadRelease({ url: `${srv.base}/auth.tar.gz`, sha256: "a".repeat(64), localDir: dir, timeoutMs: 2000 })), /could not be downloaded/);
  assert.match(notice(await downloadRelease({ url: srv.base, sha256: "", localDir: dir })), /no sha256 pinned/);
  for (const n of notices) assert.ok(!n.includes("\n"), `one line: ${n}`);
  assert.equal(findAuthBinary({ localDir: dir, envBin: undefined }), null);
});
