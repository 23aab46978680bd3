import type { Payload } from "../payload.js";
import type { WorkerProfile } from "../adapters/types.js";

/** Called by the library's task function, first thing, for every task it runs. */
export type OnTask = (payload: Payload) => void;

/** A worker built but not yet started. */
export interface PreparedWorker {
  /** Starts processing; resolves once the library's run/work call has been made. */
  start(): Promise<void>;
  /** Stops processing and releases connections. */
  stop(): Promise<void>;
}

/** What each `workers/<lib>.ts` module exports as `prepare`. */
export type PrepareWorker = (target: string, profile: WorkerProfile, onTask: OnTask) => Promise<PreparedWorker>;
