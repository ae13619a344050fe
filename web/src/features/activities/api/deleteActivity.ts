// Deletes one of the caller's own manual activities (RLS refuses the rest).
import { deleteOrgRow } from "../../../lib/deleteOrgRow";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { activitiesKey } from "./listActivities";

export const deleteActivity = (orgId: string, id: string): Promise<void> =>
  deleteOrgRow("activities", orgId, id, "The activity was not deleted — you can delete only your own manual entries.");

export const useDeleteActivity = (orgId: string) =>
  useInvalidatingMutation((id: string) => deleteActivity(orgId, id), [activitiesKey(orgId)]);
