// A GoTrue-compatible Auth server for the Docker-free local stack ONLY.
//
// It exists because Supabase Auth (a Go server) cannot be obtained on every
// machine that runs `npm start` / `npm test` (the Go module proxy refuses
// github.com/supabase/auth and no package ships it). It is never deployed:
// under `supabase start` and on hosted Supabase the real Auth runs. It binds
// 127.0.0.1 only.
//
// It speaks the part of GoTrue's HTTP API that supabase-js (auth-js) and this
// project use — sign-up, password and PKCE grants, refresh-token rotation
// with reuse detection, logout scopes, /user, recovery, magic links, invites,
// /verify (GET redirects and POST), /resend, /settings, /health and the admin
// endpoints — on GoTrue's own tables (./schema.sql), configured by the same
// GOTRUE_* variables (./config.ts), with GoTrue's error codes and shapes
// (./errors.ts). supabase/tests/api/auth.test.ts is the contract both servers
// pass. This file routes; the endpoints live in ./flows.ts (sign-up, user,
// recovery, magic links, resend), ./sessions.ts (grants, refresh, logout,
// access tokens and the hook), ./verify.ts, ./admin.ts, on ./users.ts,
// ./mail.ts and ./core.ts. Crypto is done by maintained libraries: jose (JWT), bcryptjs
// (password hashes), node:crypto (token hashes, randomness); nodemailer sends
// the emails.
//
//   deno run -A supabase/local/sandbox/auth/server.ts            # migrate, then serve
//   deno run -A supabase/local/sandbox/auth/server.ts migrate    # auth schema only
import nodemailer from "nodemailer";
import postgres from "postgres";
import { z } from "zod";
import { type AuthConfig, type EmailKind, loadConfig } from "./config.ts";
import { AuthError, err, errorResponse } from "./errors.ts";
import { adminCreateUser, adminListUsers, adminUpdateUser, generateLink, invite } from "./admin.ts";
import { type Auth, checkSchema, clientIp, type Ctx, json, Limiter, type Mailer, migrate, type Row, type Sql, VERSION } from "./core.ts";
import { otp, recover, resend, signup, updateUser } from "./flows.ts";
import { authenticate, logout, requireAdmin, token } from "./sessions.ts";
import { userById, userJson } from "./users.ts";
import { verifyGet, verifyPost } from "./verify.ts";

export class AuthServer implements Auth {
  readonly limiter = new Limiter();
  emailTimes: number[] = [];
  readonly templates = new Map<EmailKind, string>();
  readonly mailer: Mailer | null;
  readonly key: Uint8Array;

  constructor(readonly cfg: AuthConfig, readonly sql: Sql) {
    this.key = new TextEncoder().encode(cfg.jwt.secret);
    this.mailer = cfg.smtp.host
      ? nodemailer.createTransport({
        host: cfg.smtp.host,
        port: cfg.smtp.port,
        secure: false,
        ignoreTLS: true,
        auth: cfg.smtp.user ? { user: cfg.smtp.user, pass: cfg.smtp.pass } : undefined,
      })
      : null;
  }

  handle = async (req: Request, info?: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const p = url.pathname.replace(/\/+$/, "") || "/";
    try {
      if (req.method === "GET" && p === "/health") {
        return json({ version: VERSION, name: "GoTrue", description: "GoTrue is a user registration and authentication API" });
      }
      if (req.method === "GET" && p === "/settings") return json(this.settings());
      const ctx: Ctx = { req, url, ip: clientIp(req, info, this.cfg), body: await this.readBody(req) };
      const route = `${req.method} ${p}`;
      switch (route) {
        case "POST /signup":
          return await signup(this, ctx);
        case "POST /token":
          return await token(this, ctx);
        case "POST /logout":
          return await logout(this, ctx);
        case "GET /user":
          return json(await userJson(this, this.sql, (await authenticate(this, ctx)).user));
        case "PUT /user":
          return await updateUser(this, ctx);
        case "POST /recover":
          return await recover(this, ctx);
        case "POST /otp":
        case "POST /magiclink":
          return await otp(this, ctx);
        case "POST /resend":
          return await resend(this, ctx);
        case "GET /verify":
          return await verifyGet(this, ctx);
        case "POST /verify":
          return await verifyPost(this, ctx);
        case "POST /invite":
          await requireAdmin(this, ctx);
          return await invite(this, ctx);
        case "GET /admin/users":
          await requireAdmin(this, ctx);
          return await adminListUsers(this, ctx);
        case "POST /admin/users":
          await requireAdmin(this, ctx);
          return await adminCreateUser(this, ctx);
        case "POST /admin/generate_link":
          await requireAdmin(this, ctx);
          return await generateLink(this, ctx);
      }
      const m = /^\/admin\/users\/([^/]+)$/.exec(p);
      if (m && ["GET", "PUT", "DELETE"].includes(req.method)) {
        await requireAdmin(this, ctx);
        if (!z.string().uuid().safeParse(m[1]).success) throw new AuthError(404, "validation_failed", "user_id must be an UUID");
        const user = await userById(this, this.sql, m[1]);
        if (!user) throw err.userNotFound();
        if (req.method === "GET") return json(await userJson(this, this.sql, user));
        if (req.method === "DELETE") {
          await this.sql`delete from auth.users where id = ${user.id}`;
          return json({});
        }
        return await adminUpdateUser(this, ctx, user);
      }
      return new Response("404 page not found\n", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
      });
    } catch (e) {
      return errorResponse(req, e);
    }
  };

  private async readBody(req: Request): Promise<Row> {
    if (req.method === "GET" || req.method === "HEAD") return {};
    const text = await req.text();
    if (text.length > 1_048_576) throw new AuthError(413, "request_entity_too_large", "Request body too large");
    // GoTrue decodes a JSON body on every endpoint that takes one: an empty body is bad JSON.
    const url = new URL(req.url);
    if (!text.trim()) {
      if (/\/logout\/?$/.test(url.pathname) || req.method === "DELETE") return {};
      throw new AuthError(400, "bad_json", "Could not parse request body as JSON: unexpected end of JSON input");
    }
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
    try {
      const v = JSON.parse(text);
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      return v;
    } catch (e) {
      throw new AuthError(400, "bad_json", `Could not parse request body as JSON: ${(e as Error).message}`);
    }
  }

  private settings() {
    const providers = ["anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "snapchat", "figma", "fly",
      "github", "gitlab", "google", "keycloak", "kakao", "linkedin", "linkedin_oidc", "notion", "spotify", "slack",
      "slack_oidc", "workos", "twitch", "twitter", "email", "phone", "zoom"];
    return {
      external: Object.fromEntries(providers.map((p) => [p, p === "email" ? this.cfg.emailEnabled : false])),
      disable_signup: this.cfg.disableSignup,
      mailer_autoconfirm: this.cfg.autoconfirm,
      phone_autoconfirm: false,
      sms_provider: "",
      saml_enabled: false,
      saml_private_key_next_configured: false,
      passkeys_enabled: false,
    };
  }




}

// --- entry point ------------------------------------------------------------------

if (import.meta.main) {
  const cfg = loadConfig();
  const sql = postgres(cfg.dbUrl, { max: 8, onnotice: () => {}, connection: { application_name: "auth-stand-in" } });
  let state: "created" | "present";
  try {
    state = await migrate(sql);
  } catch (e) {
    console.error(`auth stand-in: could not create the auth schema: ${(e as Error).message}`);
    Deno.exit(1);
  }
  const missing = await checkSchema(sql);
  if (missing.length) {
    console.error(`auth stand-in: this database's auth schema lacks ${missing.join(", ")}; reset the stack (npm run stack -- reset)`);
    Deno.exit(1);
  }
  if (Deno.args[0] === "migrate") {
    console.log(`auth stand-in: auth schema ${state}`);
    await sql.end();
    Deno.exit(0);
  }
  if (cfg.host !== "127.0.0.1" && cfg.host !== "localhost") {
    console.error(`auth stand-in: refusing to listen on ${cfg.host}; it serves the local stack on 127.0.0.1 only`);
    Deno.exit(1);
  }
  const server = new AuthServer(cfg, sql);
  Deno.serve({ hostname: "127.0.0.1", port: cfg.port, onListen: () => {} }, server.handle);
  console.log(`auth stand-in (${VERSION}) on http://127.0.0.1:${cfg.port}; schema ${state}`);
}
