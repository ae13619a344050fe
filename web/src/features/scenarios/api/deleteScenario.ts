// Deletes a saved scenario (owners, admins, managers).
import { deleteOrgRow } from "../../../lib/deleteOrgRow";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { scenariosQueryOptions } from "./getScenarios";

export const deleteScenario = (orgId: string, id: string): Promise<void> =>
  deleteOrgRow("what_if_scenarios", orgId, id, "The scenario was not deleted.");

export const useDeleteScenario = (orgId: string) =>
  useInvalidatingMutation((id: string) => deleteScenario(orgId, id), [scenariosQueryOptions(orgId).queryKey]);
