// Deployable as it is: every Edge Function deploys with its own deno.json,
// as the pinned Supabase CLI picks and uploads it (supabase/local/deploy_check.ts).
// No stack needed; the CLI talks to a recording stand-in of the Management API.
import assert from "node:assert/strict";
import { cpSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ROOT } from "../config.ts";
import { checkUpload, type CliDeploy, cliDeploy } from "../deploy_check.ts";
import {
  cliImportMap,
  functionSlugs,
  type FunctionToml,
  mapSpecifier,
  ownConfigProblems,
} from "../function_config.ts";

const SUPABASE = join(ROOT, "supabase");
const FUNCTIONS = join(SUPABASE, "functions");
const SLUGS = functionSlugs(FUNCTIONS);
const readJson = (p: string) => JSON.parse(Deno.readTextFileSync(p));
const ROOT_IMPORTS = readJson(join(ROOT, "deno.json")).imports as Record<string, string>;
const tomlFunctions = (
  dir: string,
) => ((parseToml(Deno.readTextFileSync(join(dir, "config.toml"))) as {
  functions?: Record<string, FunctionToml>;
})
  .functions ?? {});
const ownImports = (slug: string) =>
  readJson(join(FUNCTIONS, slug, "deno.json")).imports as Record<string, string>;

// Verified by signature, not by JWT (the provider endpoints named in the
// architecture, and call-recording, whose signed URLs carry no token).
const PROVIDER_WEBHOOKS = new Set([
  "twilio-voice",
  "twilio-recording",
  "stripe-webhook",
  "mailgun-inbound",
  // Not a webhook: a browser WebSocket cannot send Authorization, so it checks its own
  // short-lived session token (from voice-start-session).
  "voice-stream-audio",
  "call-recording",
  // Signed recording URLs are played by <audio>, which sends no Authorization.
  "voice-recording",
]);

let deployment: Promise<CliDeploy> | undefined;
/** One real `supabase functions deploy` of the repository, shared by the tests below. */
const deployRepo = () => deployment ??= cliDeploy(ROOT);

Deno.test("deploy: the pinned Supabase CLI deploys every function folder", async () => {
  const d = await deployRepo();
  assert.equal(d.code, 0, d.output);
  assert.deepEqual([...d.uploads.keys()].sort(), SLUGS);
});

for (const slug of SLUGS) {
  Deno.test(`deploy: ${slug} resolves and type-checks from its upload alone, through its own deno.json`, async () => {
    const d = await deployRepo();
    const u = d.uploads.get(slug);
    assert.ok(u, `the CLI did not upload ${slug}:\n${d.output}`);
    assert.equal(u.meta.import_map_path, `supabase/functions/${slug}/deno.json`);
    const r = await checkUpload(u);
    assert.deepEqual(r.problems, []);
    // What deploys is what the local tooling pins: same target for every bare import.
    for (const [spec, target] of Object.entries(r.bare)) {
      assert.equal(target, mapSpecifier(ROOT_IMPORTS, spec), `"${spec}" in ${slug}`);
    }
    // And its deno.json maps nothing the function does not import.
    const used = Object.keys(ownImports(slug)).filter((k) =>
      Object.keys(r.bare).some((spec) => spec === k || (k.endsWith("/") && spec.startsWith(k)))
    );
    assert.deepEqual(used, Object.keys(ownImports(slug)), `unused entries in ${slug}/deno.json`);
  });
}

Deno.test("deploy: the CLI sends each function's verify_jwt and import map as config.toml lists them", async () => {
  const d = await deployRepo();
  const toml = tomlFunctions(SUPABASE);
  for (const slug of SLUGS) {
    const fn = toml[slug];
    assert.ok(fn, `config.toml has no [functions.${slug}]`);
    assert.equal(typeof fn.verify_jwt, "boolean", `[functions.${slug}] verify_jwt must be listed`);
    assert.equal(fn.verify_jwt, !PROVIDER_WEBHOOKS.has(slug), `[functions.${slug}] verify_jwt`);
    assert.equal(fn.import_map, `./functions/${slug}/deno.json`);
    const meta = d.uploads.get(slug)?.meta;
    assert.equal(meta?.verify_jwt, fn.verify_jwt, `verify_jwt the CLI sent for ${slug}`);
    // The functions server picks the import map the way the CLI does.
    assert.equal(relative(ROOT, cliImportMap(SUPABASE, slug, fn) ?? ""), meta?.import_map_path);
  }
});

Deno.test("deno.json: every function pins exactly the versions of the root deno.json", () => {
  for (const slug of SLUGS) {
    for (const [spec, target] of Object.entries(ownImports(slug))) {
      assert.equal(target, ROOT_IMPORTS[spec], `"${spec}" in supabase/functions/${slug}/deno.json`);
    }
  }
});

Deno.test("deploy check: fails for a function whose configuration lacks an import, or that has none", async () => {
  // A copy of the project with two functions broken the two ways, one left intact.
  const work = await Deno.makeTempDir({ prefix: "salespulse-deploy-check-" });
  try {
    for (const p of ["config.toml", "functions", "templates"]) {
      cpSync(join(SUPABASE, p), join(work, "supabase", p), { recursive: true });
    }
    rmSync(join(work, "supabase/functions/.env"), { force: true });
    const recording = join(work, "supabase/functions/twilio-recording/deno.json");
    const cfg = readJson(recording);
    assert.ok(cfg.imports.postgres, "twilio-recording imports postgres (the premise of this test)");
    delete cfg.imports.postgres;
    Deno.writeTextFileSync(recording, JSON.stringify(cfg, null, 2));
    rmSync(join(work, "supabase/functions/health/deno.json"));
    const toml = join(work, "supabase/config.toml");
    Deno.writeTextFileSync(
      toml,
      Deno.readTextFileSync(toml).replace('import_map = "./functions/health/deno.json"\n', ""),
    );

    const d = await cliDeploy(work, ["health", "twilio-recording", "twilio-voice"]);
    assert.equal(d.code, 0, d.output);
    const problems = async (slug: string) =>
      (await checkUpload(d.uploads.get(slug)!)).problems.join("\n");

    assert.equal(await problems("twilio-voice"), "");
    const missing = await problems("twilio-recording");
    assert.match(missing, /deno check .* failed/);
    assert.match(
      missing,
      /Import "postgres" not a dependency and not in import map from "supabase\/functions\/_shared\/sql\.ts"/,
    );
    assert.equal(d.uploads.get("health")!.meta.import_map_path, "");
    const none = await problems("health");
    assert.match(none, /deployed with no import map/);
    assert.match(none, /"zod"/);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("functions server: loads a function only when it resolves through its own deno.json, to the same modules", async () => {
  // What functions_server.ts asks before it imports a handler, with this process's import map (the root deno.json).
  const here = (s: string) => import.meta.resolve(s);
  const toml = tomlFunctions(SUPABASE);
  for (const slug of SLUGS) {
    assert.deepEqual(await ownConfigProblems(SUPABASE, slug, toml[slug], here), [], slug);
  }

  const work = await Deno.makeTempDir({ prefix: "salespulse-functions-gate-" });
  try {
    cpSync(FUNCTIONS, join(work, "supabase/functions"), { recursive: true });
    const config = join(work, "supabase/functions/process-jobs/deno.json");
    const cfg = readJson(config);
    delete cfg.imports["words-to-numbers"];
    cfg.imports.zod = "npm:zod@4.0.0";
    Deno.writeTextFileSync(config, JSON.stringify(cfg, null, 2));
    const problems =
      (await ownConfigProblems(join(work, "supabase"), "process-jobs", toml["process-jobs"], here))
        .join("\n");
    assert.match(problems, /Import "words-to-numbers" not a dependency and not in import map/);
    assert.match(
      problems,
      /"zod" loads file:\/\/\S+ here but npm:zod@4\.0\.0 through functions\/process-jobs\/deno\.json/,
    );
    rmSync(config);
    assert.deepEqual(await ownConfigProblems(join(work, "supabase"), "process-jobs", {}, here), [
      "no deno.json: the Supabase CLI would deploy process-jobs with no import map",
    ]);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
