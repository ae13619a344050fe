// One shape for the SPA's mutations: run the fetcher, then invalidate the
// queries it changes through their query options' keys (on success, or once
// it has settled either way, when a failure may also have changed the data).
import { type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";

export function useInvalidatingMutation<TVariables = void, TData = unknown>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  queryKeys: QueryKey[],
  invalidateOn: "success" | "settled" = "settled",
) {
  const qc = useQueryClient();
  const invalidate = () => Promise.all(queryKeys.map((queryKey) => qc.invalidateQueries({ queryKey })));
  return useMutation({
    mutationFn,
    ...(invalidateOn === "success" ? { onSuccess: invalidate } : { onSettled: invalidate }),
  });
}
