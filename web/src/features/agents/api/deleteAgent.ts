// Deletes an agent (RLS: owners and admins). Their calls keep their history;
// numbers that rang them ring no one until reassigned.
import { deleteOrgRow } from "../../../lib/deleteOrgRow";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { agentsQueryOptions } from "../../../lib/queries/agents";

export const deleteAgent = (orgId: string, id: string): Promise<void> =>
  deleteOrgRow("agents", orgId, id, "The agent was not deleted — only owners and admins can delete agents.");

export const useDeleteAgent = (orgId: string) =>
  useInvalidatingMutation((id: string) => deleteAgent(orgId, id), [agentsQueryOptions(orgId).queryKey]);
