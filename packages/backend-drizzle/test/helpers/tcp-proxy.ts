/**
 * A loopback TCP proxy in front of Postgres, for fault tests: it can refuse connections for a
 * while (stop, start) and turn chosen connections into black holes that forward nothing and
 * never close (a half-open socket, as a dead network path looks to the client).
 */
import { connect, createServer, type Server, type Socket } from "node:net";

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Everything the client sent so far (to recognise a connection by its statements). */
  sent: string;
  blackHoled: boolean;
}

/** See the module comment. `port` is known after {@link TcpProxy.start}. */
export class TcpProxy {
  readonly #target: URL;
  readonly #links = new Set<Link>();
  #server: Server | null = null;
  port = 0;

  constructor(target: URL) {
    this.#target = target;
  }

  /** Listens on 127.0.0.1 (on the same port as before after a {@link stop}). */
  async start(): Promise<void> {
    const server = createServer((client) => this.#link(client));
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Stops listening and cuts every open connection: new connections are refused. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const link of this.#links) this.#cut(link);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /**
   * Stops forwarding, in both directions and without closing, on every open connection whose
   * client has sent text matching `pattern`. Returns how many connections that was.
   */
  blackHole(pattern: RegExp): number {
    let count = 0;
    for (const link of this.#links) {
      if (link.blackHoled || !pattern.test(link.sent)) continue;
      link.blackHoled = true;
      link.client.unpipe(link.upstream);
      link.upstream.unpipe(link.client);
      link.client.pause();
      link.upstream.pause();
      count++;
    }
    return count;
  }

  #link(client: Socket): void {
    const upstream = connect(Number(this.#target.port || 5432), this.#target.hostname);
    const link: Link = { client, upstream, sent: "", blackHoled: false };
    this.#links.add(link);
    client.on("data", (chunk: Buffer) => {
      if (link.sent.length < 65_536) link.sent += chunk.toString("latin1");
    });
    for (const socket of [client, upstream]) {
      socket.on("close", () => this.#cut(link));
      socket.on("error", () => this.#cut(link));
    }
    client.pipe(upstream).pipe(client);
  }

  #cut(link: Link): void {
    this.#links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}
