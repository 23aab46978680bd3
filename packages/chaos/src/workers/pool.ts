import { pollUntil, sleep } from "../harness/time.js";
import { deathOf, type WorkerDeath } from "./deaths.js";
import { WorkerProcess, type WorkerFlags } from "./worker-process.js";
import type { Workspace } from "./workspace.js";

/** Longest wait for starting workers to register before the final SIGTERM is sent anyway. */
const REGISTER_TIMEOUT_MS = 20_000;
/** Longest wait for workers to exit after SIGTERM before they are killed. */
const STOP_TIMEOUT_MS = 25_000;

/** The worker processes of one scenario. */
export class WorkerPool {
  readonly workers: WorkerProcess[] = [];
  readonly #workspace: Workspace;
  readonly #flags: WorkerFlags;
  readonly #prefix: string;

  constructor(workspace: Workspace, flags: WorkerFlags, prefix: string) {
    this.#workspace = workspace;
    this.#flags = flags;
    this.#prefix = prefix;
  }

  /** Starts `count` more workers. */
  start(count: number): WorkerProcess[] {
    return Array.from({ length: count }, () => this.spawnOne());
  }

  /** Starts one worker (ids are `<prefix>-<n>`, in start order). */
  spawnOne(): WorkerProcess {
    const worker = new WorkerProcess(this.#workspace, `${this.#prefix}-${this.workers.length + 1}`, this.#flags);
    this.workers.push(worker);
    return worker;
  }

  /** Workers still running that the harness has not asked to end. */
  get alive(): WorkerProcess[] {
    return this.workers.filter((worker) => worker.running && worker.expectation === "run");
  }

  /**
   * SIGTERM to every running worker, once each has registered (or after `registeredWithinMs`);
   * SIGKILL to those still running after the stop timeout. Waiting for registration keeps a
   * replacement that is still loading its code from being stopped mid-start-up: a SIGTERM
   * then ends the process by the signal (issue 11 item 6), a defect the chaos scenarios do
   * not set out to measure.
   */
  async stopAll(registered: () => Promise<Set<string>>, registeredWithinMs = REGISTER_TIMEOUT_MS, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    await pollUntil(
      async () => {
        const ids = await registered();
        return this.workers.every((worker) => !worker.running || ids.has(worker.id));
      },
      { timeoutMs: registeredWithinMs, everyMs: 200 },
    );
    const running = this.workers.filter((worker) => worker.running);
    for (const worker of running) worker.stop();
    const exited = Promise.all(running.map((worker) => worker.exited));
    const late = await Promise.race([exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (!late) return;
    for (const worker of running) worker.forceKill();
    await Promise.race([exited, sleep(5_000)]);
  }

  /** Exits the harness did not ask for (see {@link deathOf}). */
  deaths(): WorkerDeath[] {
    return this.workers.map(deathOf).filter((death): death is WorkerDeath => death !== null);
  }
}
