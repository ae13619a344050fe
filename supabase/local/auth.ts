// Which Auth server the local stack runs, in this order:
//   1. SUPABASE_AUTH_BIN            — an official Supabase Auth binary named by the developer;
//   2. .local/bin/auth              — one placed there by hand;
//   3. the pinned official release  — downloaded into .local/bin/auth-<version>/ when the
//                                     release host answers and the archive's sha256 matches;
//   4. the local GoTrue-compatible stand-in (supabase/local/sandbox/auth/server.ts).
// The choice is made once per `stack up` (ensureAuth) and recorded in the
// instance's run directory, so the supervisor and the tests see the same one.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Instance, LOCAL_DIR, ROOT } from "./config.ts";

/**
 * The official release the stack downloads when it can. The archive's sha256
 * must be pinned here for the download to be used (a mismatch is refused).
 * SALESPULSE_AUTH_RELEASE_URL / SALESPULSE_AUTH_RELEASE_SHA256 override both
 * (a mirror, or the tests' local release server).
 */
export const AUTH_RELEASE = {
  version: "v2.196.0",
  url: "https://github.com/supabase/auth/releases/download/v2.196.0/auth-v2.196.0-x86.tar.gz",
  // Not pinned yet: this repository's machines have no route to GitHub's
  // release host, so the checksum could not be read from the archive itself.
  // Until it is, the download branch reports that and falls through.
  sha256: "",
};

export type AuthChoice =
  | { kind: "binary"; path: string; source: "SUPABASE_AUTH_BIN" | ".local/bin/auth" | "release"; version: string }
  | { kind: "stand-in"; reason?: string };

const STAND_IN = join(ROOT, "supabase/local/sandbox/auth/server.ts");
export const standInEntry = () => STAND_IN;

function executable(path: string): boolean {
  try {
    const st = Deno.statSync(path);
    return st.isFile && ((st.mode ?? 0o755) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function binaryVersion(path: string): string {
  try {
    const out = new Deno.Command(path, { args: ["version"], stdout: "piped", stderr: "null" }).outputSync();
    return new TextDecoder().decode(out.stdout).trim().split("\n")[0] || "unknown version";
  } catch {
    return "unknown version";
  }
}

function releaseDir(version = AUTH_RELEASE.version, localDir = LOCAL_DIR) {
  return join(localDir, "bin", `auth-${version}`);
}

/** The binaries present now (branches 1–3), without downloading. */
export function findAuthBinary(
  opts: { localDir?: string; envBin?: string | undefined } = { envBin: Deno.env.get("SUPABASE_AUTH_BIN") },
): AuthChoice | null {
  const localDir = opts.localDir ?? LOCAL_DIR;
  const fromEnv = opts.envBin;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`SUPABASE_AUTH_BIN=${fromEnv} is not an executable file`);
    return { kind: "binary", path: fromEnv, source: "SUPABASE_AUTH_BIN", version: binaryVersion(fromEnv) };
  }
  const placed = join(localDir, "bin", "auth");
  if (executable(placed)) return { kind: "binary", path: placed, source: ".local/bin/auth", version: binaryVersion(placed) };
  const released = join(releaseDir(AUTH_RELEASE.version, localDir), "auth");
  if (executable(released)) return { kind: "binary", path: released, source: "release", version: AUTH_RELEASE.version };
  return null;
}

/**
 * Branch 3: fetch the pinned release into .local/bin/auth-<version>/. Returns
 * a one-line notice when it can't (no checksum pinned, host unreachable,
 * HTTP error, checksum mismatch); never throws for those.
 */
export async function downloadRelease(
  opts: { url?: string; sha256?: string; version?: string; timeoutMs?: number; localDir?: string } = {},
): Promise<{ ok: true; path: string } | { ok: false; notice: string }> {
  const url = opts.url ?? Deno.env.get("SALESPULSE_AUTH_RELEASE_URL") ?? AUTH_RELEASE.url;
  const want = (opts.sha256 ?? Deno.env.get("SALESPULSE_AUTH_RELEASE_SHA256") ?? AUTH_RELEASE.sha256).toLowerCase();
  const version = opts.version ?? AUTH_RELEASE.version;
  if (!want) return { ok: false, notice: `no sha256 pinned for Supabase Auth ${version}; not downloading it` };
  let bytes: Uint8Array;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, notice: `Supabase Auth ${version} download refused (HTTP ${res.status} from ${new URL(url).host})` };
    }
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return { ok: false, notice: `Supabase Auth ${version} could not be downloaded (${(e as Error).message.split("\n")[0]})` };
  }
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== want) {
    return { ok: false, notice: `Supabase Auth ${version} download refused: sha256 ${got} does not match the pinned ${want}` };
  }
  const dir = releaseDir(version, opts.localDir);
  const tmp = `${dir}.partial`;
  if (existsSync(tmp)) Deno.removeSync(tmp, { recursive: true });
  return await extract(bytes, tmp, dir, version);
}

async function extract(bytes: Uint8Array, tmp: string, dir: string, version: string) {
  Deno.mkdirSync(tmp, { recursive: true });
  const archive = join(tmp, "release.tar.gz");
  Deno.writeFileSync(archive, bytes);
  const tar = await new Deno.Command("tar", { args: ["-xzf", archive, "-C", tmp], stderr: "piped" }).output();
  Deno.removeSync(archive);
  if (tar.code !== 0 || !executable(join(tmp, "auth"))) {
    Deno.removeSync(tmp, { recursive: true });
    return { ok: false as const, notice: `Supabase Auth ${version} archive has no executable "auth" at its top level` };
  }
  if (existsSync(dir)) Deno.removeSync(dir, { recursive: true });
  Deno.renameSync(tmp, dir);
  return { ok: true as const, path: join(dir, "auth") };
}

function choiceFile(i: Instance) {
  return join(i.runDir, "auth.json");
}

/** Resolves (downloading if it can) and records the Auth this instance runs. */
export async function resolveAuth(say: (m: string) => void): Promise<AuthChoice> {
  const found = findAuthBinary();
  if (found) return found;
  if (Deno.env.get("SALESPULSE_AUTH_DOWNLOAD") !== "0") {
    const r = await downloadRelease();
    if (r.ok) return { kind: "binary", path: r.path, source: "release", version: AUTH_RELEASE.version };
    say(r.notice);
  }
  return { kind: "stand-in" };
}

export function recordAuth(i: Instance, c: AuthChoice) {
  Deno.mkdirSync(i.runDir, { recursive: true });
  Deno.writeTextFileSync(choiceFile(i), JSON.stringify(c));
}

/** What `stack up` recorded for this instance (the stand-in when nothing is recorded). */
export function recordedAuth(i: Instance): AuthChoice {
  try {
    return JSON.parse(Deno.readTextFileSync(choiceFile(i))) as AuthChoice;
  } catch {
    return findAuthBinary() ?? { kind: "stand-in" };
  }
}

export function describeAuth(c: AuthChoice): string {
  return c.kind === "binary"
    ? `Supabase Auth ${c.version} (binary at ${c.path}${c.source === "release" ? ", the pinned release" : ""})`
    : "local GoTrue-compatible Auth stand-in (supabase/local/sandbox/auth)";
}
