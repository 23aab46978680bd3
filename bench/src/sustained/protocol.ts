/** Messages between the main process and a sustained-load worker child (`child-main.ts`). */

/** From the main process. */
export type ToSustainedChild =
  | { readonly type: "go"; readonly goAt: number }
  /** Asks for the number of task starts so far; answered with a "count" of the same id. */
  | { readonly type: "count"; readonly id: number }
  | { readonly type: "stop" };

/** What a child saw, sent once when it is told to stop. */
export interface SustainedReport {
  /** Task starts in each whole second since `goAt` (index 0 = the first second). */
  readonly perSecond: number[];
  /** {@link SeenSet} of task numbers, base64. */
  readonly seen: string;
  readonly duplicates: number;
  readonly outside: number;
  readonly rss: number;
}

/** From a child. */
export type FromSustainedChild =
  | { readonly type: "ready" }
  | { readonly type: "count"; readonly id: number; readonly started: number }
  | { readonly type: "failed"; readonly message: string }
  | ({ readonly type: "report" } & SustainedReport);
