// Sends the rep's line and streams the buyer's reply (NDJSON from the `sims`
// function). Without `text` it asks the buyer again to answer the last line.
import { streamFunction } from "../../../lib/functions";
import type { SessionTurn } from "./getSession";

export type SayEvent =
  | { type: "rep"; turn: SessionTurn }
  | { type: "delta"; text: string }
  | { type: "buyer"; turn: SessionTurn; hung_up: boolean }
  | { type: "error"; error: { code: string; message: string } };

export async function sayToBuyer(sessionId: string, text: string | null, onEvent: (e: SayEvent) => void): Promise<void> {
  await streamFunction<SayEvent>("sims", { action: "say", session_id: sessionId, ...(text ? { text } : {}) }, onEvent);
}
