import { createConnection, createServer, type Server, type Socket } from "node:net";

/** One client connection and its upstream connection. */
interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A loopback TCP proxy in front of Postgres that can stop forwarding without closing
 * anything: both sockets of every link stay open, data simply stops moving (and is
 * delivered once forwarding resumes, as TCP would after a partition heals). New
 * connections are accepted but their bytes wait too.
 */
export class BlackholeProxy {
  readonly #server: Server;
  readonly #links = new Set<Link>();
  readonly #targetPort: number;
  #holding = false;
  #port = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts a proxy on a free 127.0.0.1 port forwarding to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<BlackholeProxy> {
    const proxy = new BlackholeProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once("error", reject);
      proxy.#server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = proxy.#server.address();
    proxy.#port = typeof address === "object" && address ? address.port : 0;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#links.size;
  }

  /** Stops moving bytes in either direction; every socket stays open. */
  blackhole(): void {
    this.#holding = true;
    for (const link of this.#links) {
      link.client.pause();
      link.upstream.pause();
    }
  }

  /** Moves bytes again, starting with what waited. */
  heal(): void {
    this.#holding = false;
    for (const link of this.#links) {
      link.client.resume();
      link.upstream.resume();
    }
  }

  /** Closes the listener and every link. */
  async close(): Promise<void> {
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.#links.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const upstream = createConnection({ host: "127.0.0.1", port: this.#targetPort });
    const link: Link = { client, upstream };
    this.#links.add(link);
    this.#forward(client, upstream);
    this.#forward(upstream, client);
    const end = (): void => {
      if (!this.#links.delete(link)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
    if (this.#holding) {
      client.pause();
      upstream.pause();
    }
  }

  #forward(from: Socket, to: Socket): void {
    from.on("data", (chunk: Buffer) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on("drain", () => {
      if (!this.#holding) from.resume();
    });
  }
}
