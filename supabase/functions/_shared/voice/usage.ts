// A voice session's running usage as the server bills it and sends it (`usage` events). Types
// only, with no imports: the SPA's voice screen (web/src/features/voice) reads the same shape.

/** The server's running usage of the session (written as it runs, voice_usage_records). */
export interface Usage {
  seconds: number;
  billable_minutes: number;
  cost_usd: number;
  price_per_minute: number;
  /** Under the lesser of the session's maximum and the plan's voice minutes left. */
  seconds_left: number;
  limit: "session" | "plan";
}
