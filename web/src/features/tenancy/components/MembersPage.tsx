// The members screen: who is in the organization and with which role, pending
// invitations, inviting teammates, and leaving. The SQL functions decide
// (client-side roles only shape the UI).
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useRouter } from "../../../lib/router";
import { type Member, useMembers } from "../../../lib/queries/members";
import { membershipsQueryOptions } from "../../../lib/queries/memberships";
import { type OrgRole, useOrg, useSession } from "../../../lib/session";
import { QueryState } from "../../../components/QueryState";
import { Banner, Card } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtDateTime } from "../../../lib/format";
import { useChangeMemberRole } from "../api/changeMemberRole";
import { type Invitation, useInvitations } from "../api/getInvitations";
import { useInviteMember } from "../api/inviteMember";
import { useLeaveOrganization } from "../api/leaveOrganization";
import { useRemoveMember } from "../api/removeMember";
import { useRevokeInvitation } from "../api/revokeInvitation";
import { outranks, ROLE_LABELS, rolesUpTo } from "../api/roles";

const fmtDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });

export function MembersPage() {
  const { orgId, org, role, isManager } = useOrg();
  return (
    <div className="members">
      <h1>Members of {org.name}</h1>
      <MembersCard orgId={orgId} myRole={role} />
      {isManager && <InviteCard orgId={orgId} myRole={role} />}
      {isManager && <InvitationsCard orgId={orgId} />}
      <LeaveCard orgId={orgId} orgName={org.name} />
    </div>
  );
}

function MembersCard({ orgId, myRole }: { orgId: string; myRole: OrgRole }) {
  const members = useMembers(orgId);
  const canManage = myRole === "owner" || myRole === "admin";
  return (
    <Card title="Team">
      <QueryState query={members} loading="Loading members…" empty="No members yet">
        {(rows) => (
          <div className="table-wrap">
            <table className="members-table">
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th>{canManage && <th scope="col"><span className="sr-only">Actions</span></th>}</tr>
              </thead>
              <tbody>
                {rows.map((m) => <MemberRow key={m.userId} orgId={orgId} member={m} myRole={myRole} canManage={canManage} />)}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function MemberRow({ orgId, member: m, myRole, canManage }: { orgId: string; member: Member; myRole: OrgRole; canManage: boolean }) {
  const { session } = useSession();
  const change = useChangeMemberRole(orgId);
  const remove = useRemoveMember(orgId);
  const [confirming, setConfirming] = useState(false);
  const isMe = m.userId === session?.user.id;
  // Members above the caller's role can't be managed by them (SP403).
  const manageable = canManage && !outranks(m.role, myRole);
  const error = change.error ?? remove.error;
  return (
    <tr data-testid="member-row">
      <td>{m.name}{isMe && <span className="muted"> (you)</span>}</td>
      <td>{m.email ?? <span className="muted">—</span>}</td>
      <td>
        {manageable ? (
          <select
            aria-label={`Role of ${m.name}`}
            value={m.role}
            disabled={change.isPending}
            onChange={(e) => { remove.reset(); change.mutate({ userId: m.userId, role: e.target.value as OrgRole }); }}
          >
            {rolesUpTo(myRole).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        ) : <span className="badge">{ROLE_LABELS[m.role] ?? m.role}</span>}
        {error && <p className="members-error" role="alert">{errorMessage(error)}</p>}
      </td>
      <td>{fmtDate(m.joinedAt)}</td>
      {canManage && (
        <td className="members-actions">
          {manageable && !isMe && !confirming && (
            <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Remove ${m.name}`}>Remove</button>
          )}
          {manageable && !isMe && confirming && (
            <span className="members-confirm">
              <span>Remove {m.name}? Their access ends at once.</span>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => { change.reset(); remove.mutate(m.userId, { onSettled: () => setConfirming(false) }); }}
              >
                {remove.isPending ? "Removing…" : "Remove member"}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>Keep</button>
            </span>
          )}
        </td>
      )}
    </tr>
  );
}

function InviteCard({ orgId, myRole }: { orgId: string; myRole: OrgRole }) {
  const id = useId();
  const roles = rolesUpTo(myRole);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<OrgRole>("agent");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const invite = useInviteMember(orgId);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const value = email.trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
      setInvalid("Enter an email address like name@company.com.");
      return;
    }
    setInvalid(null);
    setSentTo(null);
    invite.mutate({ email: value, role }, {
      onSuccess: () => { setSentTo(value.toLowerCase()); setEmail(""); },
    });
  };
  return (
    <Card title="Invite a teammate">
      <form className="members-invite" onSubmit={onSubmit} aria-label="Invite a teammate" noValidate>
        <div className="members-field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? `${id}-email-err` : undefined}
            required
          />
          {invalid && <span id={`${id}-email-err`} className="members-error">{invalid}</span>}
        </div>
        <div className="members-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        </div>
        <button type="submit" disabled={invite.isPending}>{invite.isPending ? "Sending…" : "Send invitation"}</button>
      </form>
      {sentTo && <Banner kind="success">Invitation sent to {sentTo}. They'll get an email with a link to join.</Banner>}
      {invite.isError && <Banner kind="error">{errorMessage(invite.error)}</Banner>}
    </Card>
  );
}

function InvitationsCard({ orgId }: { orgId: string }) {
  const invitations = useInvitations(orgId);
  return (
    <Card title="Pending invitations">
      <QueryState query={invitations} loading="Loading invitations…" empty="No pending invitations">
        {(rows) => (
          <div className="table-wrap">
            <table className="members-table">
              <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Expires</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>{rows.map((i) => <InvitationRow key={i.id} orgId={orgId} invitation={i} />)}</tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function InvitationRow({ orgId, invitation: i }: { orgId: string; invitation: Invitation }) {
  const revoke = useRevokeInvitation(orgId);
  return (
    <tr data-testid="invitation-row">
      <td>{i.email}</td>
      <td>{ROLE_LABELS[i.role] ?? i.role}</td>
      <td>{fmtDateTime(i.expires_at)}</td>
      <td className="members-actions">
        <button type="button" className="secondary" disabled={revoke.isPending} onClick={() => revoke.mutate(i.id)} aria-label={`Revoke invitation for ${i.email}`}>
          {revoke.isPending ? "Revoking…" : "Revoke"}
        </button>
        {revoke.isError && <p className="members-error" role="alert">{errorMessage(revoke.error)}</p>}
      </td>
    </tr>
  );
}

function LeaveCard({ orgId, orgName }: { orgId: string; orgName: string }) {
  const { memberships, switchOrg, session } = useSession();
  const { navigate } = useRouter();
  const qc = useQueryClient();
  const leave = useLeaveOrganization(orgId);
  const [confirming, setConfirming] = useState(false);
  const onLeave = () =>
    leave.mutate(undefined, {
      onSuccess: async () => {
        const other = memberships.find((m) => m.org_id !== orgId);
        if (!other) {
          window.location.assign("/app");
          return;
        }
        await switchOrg(other.org_id).catch(() => {});
        await qc.invalidateQueries({ queryKey: membershipsQueryOptions(session?.user.id).queryKey });
        navigate("/app", { replace: true });
      },
    });
  return (
    <Card title="Leave organization" className="members-leave">
      {!confirming ? (
        <button type="button" className="secondary" onClick={() => { leave.reset(); setConfirming(true); }}>Leave organization</button>
      ) : (
        <div className="members-confirm">
          <span>Leave {orgName}? You lose access until someone invites you again.</span>
          <button type="button" disabled={leave.isPending} onClick={onLeave}>{leave.isPending ? "Leaving…" : `Leave ${orgName}`}</button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>Stay</button>
        </div>
      )}
      {leave.isError && <Banner kind="error">{errorMessage(leave.error)}</Banner>}
    </Card>
  );
}
