import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../harness/ports.js";
import { sleep } from "../harness/time.js";

/** Where Debian installs PgBouncer (package pgbouncer, 1.18 on Debian 12). */
export const PGBOUNCER_BIN = process.env.CHAOS_PGBOUNCER_BIN ?? "/usr/sbin/pgbouncer";
const RUN_AS = "postgres";

/** How a {@link PgBouncer} pools server connections. */
export interface PgBouncerSettings {
  /** `session`: a client keeps its server connection; `transaction`: only for one transaction. */
  readonly mode: "session" | "transaction";
  /** Server connections per database and user. */
  readonly poolSize: number;
  /** Seconds a client waits for a server connection before PgBouncer ends it (SQLSTATE 08P01). */
  readonly queryWaitTimeoutS: number;
}

/**
 * PgBouncer run by the suite in front of the private cluster, as teams deploy it: its own
 * folder, a free loopback port, trust authentication, run as user postgres (it refuses
 * root), stopped and removed by {@link PgBouncer.stop}.
 */
export class PgBouncer {
  readonly port: number;
  readonly #dir: string;
  readonly #child: ChildProcess;

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this.#dir = dir;
    this.#child = child;
  }

  /** Starts PgBouncer in front of 127.0.0.1:`serverPort` and waits until it accepts connections. */
  static async start(serverPort: number, settings: PgBouncerSettings): Promise<PgBouncer> {
    const dir = mkdtempSync(join(tmpdir(), "tasks-chaos-pgbouncer-"));
    const uid = Number(execFileSync("id", ["-u", RUN_AS], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", RUN_AS], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    const port = await freePort();
    const ini = join(dir, "pgbouncer.ini");
    writeFileSync(join(dir, "userlist.txt"), `"${RUN_AS}" ""\n`);
    writeFileSync(
      ini,
      [
        "[databases]",
        `* = host=127.0.0.1 port=${serverPort}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${join(dir, "userlist.txt")}`,
        `pool_mode = ${settings.mode}`,
        `default_pool_size = ${settings.poolSize}`,
        "max_client_conn = 1000",
        `query_wait_timeout = ${settings.queryWaitTimeoutS}`,
        `logfile = ${join(dir, "pgbouncer.log")}`,
        "ignore_startup_parameters = extra_float_digits,options",
        "",
      ].join("\n"),
    );
    for (const file of ["pgbouncer.ini", "userlist.txt"]) chownSync(join(dir, file), uid, gid);
    const child = spawn(PGBOUNCER_BIN, [ini], { stdio: "ignore", uid, gid });
    const bouncer = new PgBouncer(port, dir, child);
    for (let waited = 0; !(await accepts(port)); waited += 100) {
      if (waited > 10_000 || child.exitCode !== null) {
        await bouncer.stop();
        throw new Error(`PgBouncer did not start on port ${port}: ${bouncer.logTail(20)}`);
      }
      await sleep(100);
    }
    return bouncer;
  }

  /** `postgres://postgres@127.0.0.1:PORT/database` through PgBouncer. */
  url(database: string): string {
    return `postgres://${RUN_AS}@127.0.0.1:${this.port}/${database}`;
  }

  /** The log's last `lines` lines (for reports). */
  logTail(lines: number): string {
    try {
      return readFileSync(join(this.#dir, "pgbouncer.log"), "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** How often the log says `text` (e.g. "query_wait_timeout"). */
  logCount(text: string): number {
    try {
      return readFileSync(join(this.#dir, "pgbouncer.log"), "utf8").split(text).length - 1;
    } catch {
      return 0;
    }
  }

  /** Stops PgBouncer and removes its folder. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null) {
      const exited = new Promise((resolve) => this.#child.once("exit", resolve));
      this.#child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (this.#child.exitCode === null) this.#child.kill("SIGKILL");
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
