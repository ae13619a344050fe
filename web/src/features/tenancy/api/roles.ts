// Organization roles, highest first, and what a caller may hand out.
import type { OrgRole } from "../../../lib/session";

export const ROLES: OrgRole[] = ["owner", "admin", "manager", "agent"];
const RANK: Record<OrgRole, number> = { owner: 4, admin: 3, manager: 2, agent: 1 };

export const ROLE_LABELS: Record<OrgRole, string> = { owner: "Owner", admin: "Admin", manager: "Manager", agent: "Agent" };

/** Roles no higher than `mine` (the SQL refuses anything above). */
export const rolesUpTo = (mine: OrgRole): OrgRole[] => ROLES.filter((r) => RANK[r] <= RANK[mine]);
export const outranks = (a: OrgRole, b: OrgRole) => RANK[a] > RANK[b];
