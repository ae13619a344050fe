// Temporary: the web feature coaching still imports the insight types from
// here. The module is _shared/insights/schema.ts; delete this file once
// web/src/features/coaching/api/types.ts imports that one.
export type * from "../insights/schema.ts";
