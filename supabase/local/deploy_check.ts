// The deploy check: what `supabase functions deploy` would ship, reproduced
// without Docker, a project or the internet.
//
// 1. The pinned Supabase CLI (node_modules/.bin/supabase) runs
//    `functions deploy --use-api` against a recording stand-in of the
//    Management API's deploy endpoints on 127.0.0.1 (selected with a CLI
//    profile). So the CLI itself reads config.toml, picks each function's
//    import map, walks its imports and uploads exactly the files it would
//    upload to Supabase, with verify_jwt.
// 2. Each function's upload is written to its own scratch tree — only the
//    uploaded files: no root deno.json, no package.json, no lockfile — and
//    its entrypoint is `deno check`ed and `deno info`ed there with the import
//    map the CLI sent, as Supabase's bundler resolves it.
import { dirname, join, normalize } from "node:path";
import { ROOT } from "./config.ts";
import { configFlag, isolatedEnv, resolveGraph } from "./function_config.ts";

export interface DeployMetadata {
  name?: string;
  entrypoint_path: string;
  import_map_path?: string;
  verify_jwt?: boolean;
  static_patterns?: string[];
}

export interface Upload {
  slug: string;
  meta: DeployMetadata;
  /** Uploaded files by the path the CLI gave them (relative to the workdir). */
  files: Map<string, Uint8Array>;
}

export interface CliDeploy {
  code: number;
  output: string;
  uploads: Map<string, Upload>;
}

const PROJECT_REF = "deploycheckdeploychk"; // 20 lowercase letters, as the CLI requires
const ACCESS_TOKEN = "sbp_" + "0".repeat(40);

/** A stand-in for the Management API endpoints `functions deploy` calls; it records every upload. */
function managementApi(uploads: Map<string, Upload>, unexpected: string[]) {
  const project = `/v1/projects/${PROJECT_REF}`;
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (req.headers.get("authorization") !== `Bearer ${ACCESS_TOKEN}`) {
      return Response.json({ message: "Unauthorized" }, { status: 401 });
    }
    if (req.method === "GET" && url.pathname === project) {
      return Response.json({
        id: PROJECT_REF,
        ref: PROJECT_REF,
        organization_id: "deploy-check",
        name: "deploy-check",
        region: "us-east-1",
        status: "ACTIVE_HEALTHY",
        created_at: "2026-01-01T00:00:00Z",
      });
    }
    if (req.method === "POST" && url.pathname === `${project}/functions/deploy`) {
      const slug = url.searchParams.get("slug") ?? "";
      const form = await req.formData();
      const meta = JSON.parse(String(form.get("metadata") ?? "{}")) as DeployMetadata;
      const files = new Map<string, Uint8Array>();
      for (const f of form.getAll("file")) {
        if (f instanceof File) files.set(f.name, new Uint8Array(await f.arrayBuffer()));
      }
      uploads.set(slug, { slug, meta, files });
      const now = Date.now();
      return Response.json({
        id: crypto.randomUUID(),
        slug,
        name: slug,
        version: 1,
        status: "ACTIVE",
        created_at: now,
        updated_at: now,
        entrypoint_path: meta.entrypoint_path,
        import_map_path: meta.import_map_path,
        verify_jwt: meta.verify_jwt,
      }, { status: 201 });
    }
    if (req.method === "PUT" && url.pathname === `${project}/functions`) {
      return Response.json({ functions: await req.json() });
    }
    unexpected.push(`${req.method} ${url.pathname}`);
    return Response.json({ message: "not part of the deploy check" }, { status: 404 });
  });
}

/** Run the pinned CLI's `functions deploy` for `workdir` (a folder holding supabase/) and record what it uploads. */
export async function cliDeploy(workdir: string, slugs: string[] = []): Promise<CliDeploy> {
  const uploads = new Map<string, Upload>();
  const unexpected: string[] = [];
  const server = managementApi(uploads, unexpected);
  // The CLI keeps its state under $HOME/.supabase: give it a throwaway home.
  const home = await Deno.makeTempDir({ prefix: "salespulse-cli-home-" });
  try {
    const profile = join(home, "deploy-check-profile.yaml");
    const api = `http://127.0.0.1:${server.addr.port}`;
    Deno.writeTextFileSync(
      profile,
      `name: deploy-check\napi_url: ${api}\ndashboard_url: ${api}/dashboard\nproject_host: supabase.red\n`,
    );
    const out = await new Deno.Command(join(ROOT, "node_modules", ".bin", "supabase"), {
      args: [
        "functions",
        "deploy",
        "--use-api",
        `--remote=${PROJECT_REF}`,
        "--profile",
        profile,
        "--yes",
        "--workdir",
        workdir,
        ...slugs,
      ],
      cwd: workdir,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        SUPABASE_ACCESS_TOKEN: ACCESS_TOKEN,
        SUPABASE_TELEMETRY_DISABLED: "1",
        DO_NOT_TRACK: "1",
        NO_COLOR: "1",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const dec = new TextDecoder();
    let output = (dec.decode(out.stdout) + dec.decode(out.stderr)).trim();
    if (unexpected.length) {
      output += `\n(deploy check: unexpected Management API calls: ${unexpected.join(", ")})`;
    }
    return { code: out.code, output, uploads };
  } finally {
    await server.shutdown();
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

export interface UploadCheck {
  /** Empty when the function deploys: its graph resolves and type-checks from its upload alone. */
  problems: string[];
  /** Bare specifier → what the deployed import map maps it to. */
  bare: Record<string, string>;
}

/** Rebuild one function's upload in a scratch tree and resolve it there, as Supabase's bundler would. */
export async function checkUpload(u: Upload): Promise<UploadCheck> {
  const problems: string[] = [];
  const scratch = await Deno.makeTempDir({ prefix: `salespulse-deploy-${u.slug}-` });
  try {
    for (const [path, bytes] of u.files) {
      const rel = normalize(path);
      if (rel.startsWith("..") || rel.startsWith("/")) {
        problems.push(`uploaded a file outside the project: ${path}`);
        continue;
      }
      Deno.mkdirSync(join(scratch, dirname(rel)), { recursive: true });
      Deno.writeFileSync(join(scratch, rel), bytes);
    }
    const entry = u.meta.entrypoint_path;
    const importMap = u.meta.import_map_path ?? "";
    if (!u.files.has(entry)) problems.push(`the entrypoint ${entry} was not uploaded`);
    if (!importMap) problems.push("deployed with no import map: its bare imports cannot resolve");
    else if (!u.files.has(importMap)) problems.push(`the import map ${importMap} was not uploaded`);
    const flags = importMap ? configFlag(importMap) : ["--no-config"];
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--no-lock", ...flags, entry],
      cwd: scratch,
      env: isolatedEnv(),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (check.code !== 0) {
      const dec = new TextDecoder();
      const text = (dec.decode(check.stdout) + dec.decode(check.stderr)).replaceAll(
        `file://${scratch}/`,
        "",
      );
      problems.push(`deno check ${entry} failed:\n${text.split("\nStack backtrace")[0].trim()}`);
    }
    const graph = await resolveGraph(entry, importMap || undefined, scratch);
    problems.push(...graph.problems.map((p) => `deno info: ${p}`));
    return { problems, bare: graph.bare };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}
