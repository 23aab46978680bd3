import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../harness/ports.js";
import { runCommand } from "../harness/run.js";

/** Where Debian keeps the Postgres 15 server programs. */
export const PG_BIN = process.env.CHAOS_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const SERVER_USER = "postgres";
const PG_CTL_TIMEOUT_S = 60;
const SETTING_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
// pg_ctl hands its -o string to a shell: values are limited to characters that need no quoting.
const SETTING_VALUE = /^[A-Za-z0-9_.,:/+-]+$/;

/** Options of {@link PrivateCluster.create}. */
export interface PrivateClusterOptions {
  /**
   * Server settings passed as `-c name=value` at every start, on top of the defaults, e.g.
   * `{ shared_preload_libraries: "pg_stat_statements" }`. Names are GUC names; values may
   * hold letters, digits and `_ . , : / + -` only.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

function settingFlags(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      if (!SETTING_NAME.test(name)) {
        throw new Error(`PrivateCluster: "${name}" is not a server setting name; use a GUC name such as shared_preload_libraries.`);
      }
      if (!SETTING_VALUE.test(value)) {
        throw new Error(
          `PrivateCluster: the value of ${name} ("${value}") may only hold letters, digits and _ . , : / + - (it is passed to pg_ctl -o unquoted).`,
        );
      }
      return ` -c ${name}=${value}`;
    })
    .join("");
}

/**
 * A Postgres cluster of our own: initdb into a temporary folder, run as user postgres on a
 * free loopback port with default settings, removed by {@link PrivateCluster.remove}.
 * Never the shared server: the scenarios restart, stop and kill it.
 */
export class PrivateCluster {
  readonly port: number;
  readonly root: string;
  readonly #data: string;
  readonly #log: string;
  readonly #settingFlags: string;
  #removed = false;

  private constructor(root: string, port: number, settingFlags = "") {
    this.root = root;
    this.port = port;
    this.#settingFlags = settingFlags;
    this.#data = join(root, "data");
    this.#log = join(root, "server.log");
  }

  /** Creates and starts a cluster (about 2–4 s), with default settings unless `options.settings` adds some. */
  static async create(options: PrivateClusterOptions = {}): Promise<PrivateCluster> {
    const flags = settingFlags(options.settings ?? {});
    const root = mkdtempSync(join(tmpdir(), "tasks-chaos-pg-"));
    const uid = Number(execFileSync("id", ["-u", SERVER_USER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", SERVER_USER], { encoding: "utf8" }).trim());
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
    const cluster = new PrivateCluster(root, await freePort(), flags);
    try {
      // --no-sync only skips fsync of the new files; the server itself runs with default settings.
      await runCommand(join(PG_BIN, "initdb"), ["-D", cluster.#data, "-U", SERVER_USER, "-A", "trust", "-E", "UTF8", "--no-sync"], {
        user: SERVER_USER,
        timeoutMs: 120_000,
      });
      await cluster.start();
    } catch (error) {
      cluster.removeNow();
      throw error;
    }
    return cluster;
  }

  /**
   * A handle on a cluster another process created (vitest's global setup): it can restart and
   * stop the server, and {@link remove} is left to the creator.
   */
  static attach(root: string, port: number): PrivateCluster {
    const cluster = new PrivateCluster(root, port);
    cluster.#removed = true;
    return cluster;
  }

  /** `postgres://postgres@127.0.0.1:PORT/database` on this cluster. */
  url(database: string): string {
    return `postgres://${SERVER_USER}@127.0.0.1:${this.port}/${database}`;
  }

  /** `pg_ctl start -w`. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.root}${this.#settingFlags}`;
    await this.#pgCtl(["start", "-w", "-t", String(PG_CTL_TIMEOUT_S), "-l", this.#log, "-o", options]);
  }

  /** `pg_ctl restart -m fast -w` (keeps the start options). */
  async restartFast(): Promise<void> {
    await this.#pgCtl(["restart", "-m", "fast", "-w", "-t", String(PG_CTL_TIMEOUT_S), "-l", this.#log]);
  }

  /** `pg_ctl stop -m immediate`: the server drops every connection without a shutdown checkpoint. */
  async stopImmediate(): Promise<void> {
    await this.#pgCtl(["stop", "-m", "immediate", "-w", "-t", String(PG_CTL_TIMEOUT_S)]);
  }

  /** The server log's last `lines` lines (for reports). */
  logTail(lines: number): string {
    try {
      return readFileSync(this.#log, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** Stops the server and deletes the folder. */
  async remove(): Promise<void> {
    if (this.#removed) return;
    await this.#pgCtl(["stop", "-m", "immediate", "-w", "-t", "20"]).catch(() => {});
    this.removeNow();
  }

  /** Synchronous {@link remove}, for process exit handlers. */
  removeNow(): void {
    if (this.#removed) return;
    this.#removed = true;
    try {
      execFileSync("runuser", ["-u", SERVER_USER, "--", join(PG_BIN, "pg_ctl"), "stop", "-D", this.#data, "-m", "immediate", "-w", "-t", "20"], { stdio: "ignore", timeout: 30_000 });
    } catch {
      // Not running.
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  async #pgCtl(args: readonly string[]): Promise<void> {
    await runCommand(join(PG_BIN, "pg_ctl"), ["-D", this.#data, ...args], { user: SERVER_USER, timeoutMs: (PG_CTL_TIMEOUT_S + 10) * 1000 });
  }
}
