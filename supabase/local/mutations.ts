// The hand-picked mutations of `npm run mutate` (supabase/local/mutate.ts):
// each breaks one guarantee the product makes, and names the tests that
// must then fail. SQL mutations edit a function's live definition in the test
// database (the migration files are never touched); file mutations edit an
// Edge Function or web source in place, journaled and always restored.

/** A suite run that must fail once the mutation is in. */
export type Check =
  | { pgtap: string[] } // files under supabase/tests
  | { deno: string[]; filter?: string } // test files, from the repository root
  | { vitest: string[] } // test files under web/
  | { playwright: string; grep: string }; // a spec under web/e2e and a test-title pattern

export interface Mutation {
  id: string;
  what: string;
  /** `sql:<schema>.<function>` (its live definition), or a file path from the repository root. */
  target: string;
  find: string;
  replace: string;
  checks: Check[];
}

const pgtap = (...files: string[]): Check => ({ pgtap: files.map((f) => `supabase/tests/${f}.test.sql`) });
const api = (file: string, filter?: string): Check => ({ deno: [`supabase/tests/api/${file}.test.ts`], filter });

export const MUTATIONS: Mutation[] = [
  // Tenancy and access -------------------------------------------------------
  {
    id: "membership-check-dropped",
    what: "private.user_org_ids returns every organization, not the caller's",
    target: "sql:private.user_org_ids",
    find: "where m.user_id = (select auth.uid())",
    replace: "where true",
    checks: [pgtap("10_tenancy_rls"), api("isolation")],
  },
  {
    id: "removed-member-keeps-calls",
    what: "an agent removed from the organization still reads the calls they took",
    target: "sql:private.agent_call_ids",
    find: "and exists (select 1 from public.memberships m where m.user_id = a.user_id and m.org_id = c.org_id)",
    replace: "",
    checks: [api("isolation"), pgtap("13_tenancy_former_member")],
  },
  {
    id: "removed-member-agent-stays-linked",
    what: "removing a member leaves their agent linked to them",
    target: "sql:private.unlink_agent_of_former_member",
    find: "update public.agents set user_id = null where org_id = old.org_id and user_id = old.user_id;",
    replace: "null;",
    checks: [pgtap("13_tenancy_former_member")],
  },
  {
    id: "role-above-own-granted",
    what: "change_member_role lets an admin grant a role above their own",
    target: "sql:public.change_member_role",
    find: "private.role_rank(p_role) > private.role_rank(v_my_role)",
    replace: "false",
    checks: [pgtap("11_tenancy_rpcs")],
  },
  {
    id: "admin-removes-owner",
    what: "the member-management check (remove_member, change_member_role) lets an admin act on an owner",
    target: "sql:private.require_manageable_member",
    find: "if private.role_rank(v_their_role) > private.role_rank(v_my_role) then",
    replace: "if false then",
    checks: [pgtap("11_tenancy_rpcs")],
  },
  {
    id: "invitation-reused",
    what: "an accepted invitation's link works again",
    target: "sql:public.accept_invitation",
    find: "v_inv.accepted_at is not null or ",
    replace: "",
    checks: [pgtap("11_tenancy_rpcs"), api("tenancy")],
  },
  {
    id: "invitation-any-email",
    what: "an invitation is accepted by a user with another email address",
    target: "sql:public.accept_invitation",
    find: "if v_inv.email <> v_email then",
    replace: "if false then",
    checks: [pgtap("11_tenancy_rpcs")],
  },
  {
    id: "staff-console-open",
    what: "staff_tenant_margins answers anyone, not only staff",
    target: "sql:public.staff_tenant_margins",
    find: "if not (select private.is_platform_admin()) then",
    replace: "if false then",
    checks: [pgtap("60_staff")],
  },
  {
    id: "reanalysis-by-agents",
    what: "agents may re-analyze calls (managers only)",
    target: "sql:public.reanalyze_call",
    find: "array['owner', 'admin', 'manager']::public.org_role[]",
    replace: "array['owner', 'admin', 'manager', 'agent']::public.org_role[]",
    checks: [api("insights", "re-analysis keeps history"), pgtap("30_insights")],
  },
  // Queue --------------------------------------------------------------------
  {
    id: "backoff-removed",
    what: "a failed job is retried at once instead of after an exponential backoff",
    target: "sql:public.fail_job",
    find: "least(900, 2 ^ v_job.attempts)",
    replace: "least(900, 0)",
    checks: [pgtap("20_queue")],
  },
  {
    id: "dead-letter-late",
    what: "a job gets one attempt more than max_attempts",
    target: "sql:public.fail_job",
    find: "v_job.attempts >= v_job.max_attempts",
    replace: "v_job.attempts > v_job.max_attempts",
    checks: [pgtap("20_queue")],
  },
  // Ingest and insights ------------------------------------------------------
  {
    id: "ingest-idempotency-key-removed",
    what: "each Twilio retry of a recording callback enqueues another analysis",
    target: "sql:public.ingest_recording",
    find: "'analyze_call:' || (p ->> 'RecordingSid')",
    replace: "'analyze_call:' || gen_random_uuid()::text",
    checks: [api("calls", "Twilio's retries")],
  },
  {
    id: "insight-rerun-not-idempotent",
    what: "a re-run of the same analysis job stores a second insight",
    target: "sql:public.record_insight",
    find: "return v_id; -- the same run again: nothing new",
    replace: "null;",
    checks: [api("insights", "re-analysis keeps history"), pgtap("30_insights")],
  },
  {
    id: "evidence-check-skipped",
    what: "the analysis stores the model's claims without checking their quotes against the transcript",
    target: "supabase/functions/process-jobs/insights.ts",
    find: "const checked = verifyEvidence(result.insight, segments, script);",
    replace: "const checked = { insight: result.insight, dropped: 0 }; void verifyEvidence;",
    checks: [api("insights", "never had")],
  },
  {
    id: "redaction-skipped",
    what: "transcripts are stored and sent to the LLM with card numbers and CVVs",
    target: "supabase/functions/process-jobs/insights.ts",
    find: "const redacted = redactSegments(raw.segments, { types: redactTypes as PiiType[] | undefined });",
    replace: "const redacted = { segments: raw.segments, counts: {} }; void redactSegments; void redactTypes;",
    checks: [api("insights", "transcribed, redacted")],
  },
  {
    id: "permanent-errors-retried",
    what: "the worker retries failures that retrying cannot fix",
    target: "supabase/functions/process-jobs/worker.ts",
    find: "${!(err instanceof PermanentError)}",
    replace: "${true}",
    checks: [api("insights", "invalid model output from both models")],
  },
  {
    id: "worker-one-at-a-time",
    what: "the worker runs its claimed jobs one after another (a slow one holds the rest)",
    target: "supabase/functions/process-jobs/worker.ts",
    find: "        running.add(p);",
    replace: "        running.add(p);\n        await p;",
    checks: [api("queue", "a slow job holds only its own slot")],
  },
  {
    id: "retry-after-ignored",
    what: "a 429's Retry-After is ignored (the job retries on the backoff, possibly inside the wait)",
    target: "supabase/functions/process-jobs/insights.ts",
    find: "      openaiRateGate.block(ms);\n      return new RetryLaterError(`${what}: rate limited (429), retry after ${ms} ms: ${err.message}`, ms);",
    replace: "      void openaiRateGate;\n      return new Error(`${what}: rate limited (429), retry after ${ms} ms: ${err.message}`);",
    checks: [api("insights", "429 with Retry-After")],
  },
  // Webhooks and the worker's door -------------------------------------------
  {
    id: "twilio-signature-flipped",
    what: "the Twilio signature comparison is inverted (bad signatures accepted)",
    target: "supabase/functions/_shared/twilio_webhook.ts",
    find: "!signature || !twilio.validateRequest(",
    replace: "!signature || twilio.validateRequest(",
    checks: [api("calls", "one altered byte")],
  },
  {
    id: "stripe-signature-skipped",
    what: "stripe-webhook parses the body without verifying Stripe-Signature",
    target: "supabase/functions/stripe-webhook/handler.ts",
    find: 'event = await verifyStripeWebhook(raw, req.headers.get("stripe-signature"), deps.webhookSecret());',
    replace: "event = JSON.parse(raw);",
    checks: [api("billing", "stripe-webhook: a valid signature")],
  },
  {
    id: "process-jobs-open",
    what: "process-jobs runs for any caller, not only the service role",
    target: "supabase/functions/process-jobs/handler.ts",
    find: 'if (jwtRole(req) !== "service_role") {',
    replace: "if (false) {",
    checks: [api("calls", "service role only")],
  },
  // Billing ------------------------------------------------------------------
  {
    id: "stripe-duplicates-reapplied",
    what: "a Stripe event delivered twice is applied twice",
    target: "sql:private.apply_stripe_event_once",
    find: "return 'duplicate';",
    replace: "null;",
    checks: [pgtap("40_billing")],
  },
  {
    id: "past-due-grace-inverted",
    what: "past_due keeps the plan after the grace period and loses it during it",
    target: "sql:private.entitlements",
    find: "> now() - private.past_due_grace()",
    replace: "< now() - private.past_due_grace()",
    checks: [pgtap("40_billing")],
  },
  {
    id: "usage-idempotency-key-removed",
    what: "metered usage is sent to Stripe without the usage record id as identifier",
    target: "supabase/functions/process-jobs/report_usage.ts",
    find: "identifier: u.id,",
    replace: "identifier: crypto.randomUUID(),",
    checks: [api("billing", "metered usage")],
  },
  // The SPA ------------------------------------------------------------------
  {
    id: "wrong-password-message",
    what: "a wrong password shows a generic error instead of the wrong-password message",
    target: "web/src/lib/errors.ts",
    find: 'invalid_credentials: "Wrong email or password.",',
    replace: 'invalid_credentials: "Something went wrong.",',
    checks: [{ playwright: "app.spec.ts", grep: "sign-in reports a clear error" }, { vitest: ["src/lib/errors.test.ts"] }],
  },
  {
    id: "seek-off-target",
    what: "seeking (key moment, sentence) lands two seconds off the moment",
    target: "web/src/features/coaching/components/player.tsx",
    find: "    audio.currentTime = at;",
    replace: "    audio.currentTime = at + 2;",
    checks: [{ playwright: "app.spec.ts", grep: "play it, seek" }],
  },
  {
    id: "number-release-wrong-id",
    what: "Release sends the organization's id instead of the number's",
    target: "web/src/features/numbers/api/releaseNumber.ts",
    find: '{ action: "release", org_id: orgId, id }',
    replace: '{ action: "release", org_id: orgId, id: orgId }',
    checks: [{ playwright: "actions.spec.ts", grep: "then releases it" }],
  },
  {
    id: "agent-deactivate-noop",
    what: "Deactivate saves the agent's current state instead of flipping it",
    target: "web/src/features/agents/components/AgentsPage.tsx",
    find: "save.mutate({ id: a.id, active: !a.active })",
    replace: "save.mutate({ id: a.id, active: a.active })",
    checks: [{ playwright: "actions.spec.ts", grep: "deactivates, reactivates and deletes" }],
  },
  {
    id: "agent-delete-wrong-row",
    what: "deleting an agent (or any organization row) deletes by the organization's id (nothing is deleted)",
    target: "web/src/lib/deleteOrgRow.ts",
    find: '.delete().eq("id", id)',
    replace: '.delete().eq("id", orgId)',
    checks: [{ playwright: "actions.spec.ts", grep: "deactivates, reactivates and deletes" }],
  },
  {
    id: "script-step-remove-noop",
    what: "removing a call-script step keeps it in the draft",
    target: "web/src/features/script/components/ScriptPage.tsx",
    find: "setDraft((d) => d.filter((x) => x.key !== key));",
    replace: "setDraft((d) => d);",
    checks: [{ playwright: "actions.spec.ts", grep: "reorders and removes steps" }],
  },
  {
    id: "org-switch-not-saved",
    what: "switching organization never calls set_current_organization",
    target: "web/src/lib/session.tsx",
    find: 'const { error } = await supabase.rpc("set_current_organization", { p_org_id: orgId });',
    replace: "const error = null;",
    checks: [{ playwright: "actions.spec.ts", grep: "switches between them" }],
  },
];
