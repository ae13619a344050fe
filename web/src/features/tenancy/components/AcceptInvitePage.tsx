// Accepting an invitation from its email link (/accept-invite?token=…). The
// route requires a session; the SQL checks the token and the email.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useRouter } from "../../../lib/router";
import { membershipsQueryOptions } from "../../../lib/queries/memberships";
import { useSession, useSignOut } from "../../../lib/session";
import { Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { supabase } from "../../../lib/supabase";

async function acceptInvitation(token: string): Promise<{ orgId: string; orgName: string | null }> {
  const { data: orgId, error } = await supabase.rpc("accept_invitation", { p_token: token });
  if (error) throw error;
  // Now a member, the organization is readable under RLS.
  const { data: org } = await supabase.from("organizations").select("name").eq("id", orgId as string).maybeSingle();
  return { orgId: orgId as string, orgName: (org as { name?: string } | null)?.name ?? null };
}

function failureText(err: unknown, email: string | undefined): { title: string; body: string } {
  const code = (err as { code?: string } | null)?.code;
  if (code === "SP404") return { title: "This invitation link isn't valid", body: "We couldn't find an invitation for this link. Check that you copied the whole link, or ask for a new invitation." };
  if (code === "SP410") return { title: "This invitation can't be used any more", body: "The link has expired, was revoked, or was already used. Ask a manager of the organization to invite you again." };
  if (code === "SP403") {
    return {
      title: "This invitation is for another email address",
      body: `You're signed in as ${email ?? "another user"}, but the invitation was sent to a different address. Sign out and sign in (or sign up) with the invited email.`,
    };
  }
  return { title: "We couldn't accept the invitation", body: errorMessage(err) };
}

export function AcceptInvitePage() {
  const { location, navigate } = useRouter();
  const { session, switchOrg } = useSession();
  const qc = useQueryClient();
  const token = location.search.get("token") ?? "";
  const accept = useMutation({ mutationFn: acceptInvitation });
  const started = useRef(false);
  const [leaving, setLeaving] = useState(false);

  // Single use: accept once, even if effects run twice.
  useEffect(() => {
    if (started.current || !token) return;
    started.current = true;
    accept.mutate(token);
  }, [token, accept]);

  const goToApp = async (orgId: string) => {
    setLeaving(true);
    await qc.invalidateQueries({ queryKey: membershipsQueryOptions(session?.user.id).queryKey });
    await switchOrg(orgId).catch(() => {});
    navigate("/app", { replace: true });
  };
  const signOutThen = useSignOut();
  const signOut = () => signOutThen(`/sign-in?next=${encodeURIComponent(`/accept-invite?token=${token}`)}`);

  let body;
  if (!token) {
    body = (
      <>
        <h1>This invitation link isn't valid</h1>
        <p className="muted">The link is missing its token. Open the link from your invitation email again.</p>
        <Link to="/app">Go to SalesPulse</Link>
      </>
    );
  } else if (accept.isSuccess) {
    body = (
      <>
        <h1>You joined {accept.data.orgName ?? "the organization"}</h1>
        <p className="muted">Welcome aboard.</p>
        <button type="button" disabled={leaving} onClick={() => goToApp(accept.data.orgId)}>Open SalesPulse</button>
      </>
    );
  } else if (accept.isError) {
    const { title, body: text } = failureText(accept.error, session?.user.email);
    const otherEmail = (accept.error as { code?: string }).code === "SP403";
    body = (
      <div role="alert">
        <h1>{title}</h1>
        <p>{text}</p>
        {otherEmail
          ? <button type="button" onClick={signOut}>Sign out</button>
          : <Link to="/app">Go to SalesPulse</Link>}
      </div>
    );
  } else {
    body = <Spinner label="Accepting your invitation…" />;
  }
  return (
    <main className="auth">
      <div className="card auth-card">{body}</div>
    </main>
  );
}
