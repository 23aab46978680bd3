import { connect, createServer, type Server, type Socket } from "node:net";

/** What the fake server does with a new connection. */
export type FakeMode =
  /** Answer the start-up message with a FATAL ErrorResponse of this SQLSTATE, then close. */
  | { readonly kind: "error"; readonly code: string; readonly message: string }
  /** Pass the connection through to a real server. */
  | { readonly kind: "forward"; readonly host: string; readonly port: number };

/** SSLRequest's request code: the client asks for TLS before the start-up message. */
const SSL_REQUEST = 80877103;

/**
 * A TCP server on 127.0.0.1 that speaks just enough of the Postgres protocol to refuse a
 * connection the way a real server does (`57P03` "the database system is starting up",
 * `28P01` a refused password), or passes connections through to a real server. The mode can
 * change at any time; it applies to new connections.
 */
export class FakePostgres {
  mode: FakeMode;
  /** Connections accepted so far. */
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(mode: FakeMode) {
    this.mode = mode;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Starts a fake server on a free port. */
  static async start(mode: FakeMode): Promise<FakePostgres> {
    const fake = new FakePostgres(mode);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** The port it listens on. */
  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("The fake Postgres server is not listening.");
    return address.port;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.connections++;
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    const mode = this.mode;
    if (mode.kind === "forward") {
      const upstream = connect(mode.port, mode.host);
      this.#sockets.add(upstream);
      upstream.on("close", () => this.#sockets.delete(upstream));
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      socket.pipe(upstream);
      upstream.pipe(socket);
      return;
    }
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const request = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (request === SSL_REQUEST) {
          socket.write("N");
          continue;
        }
        socket.end(errorResponse(mode.code, mode.message));
        return;
      }
    });
  }
}

/** A FATAL ErrorResponse message ('E'). */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", code), field("M", message), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write("E", 0, "ascii");
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

function field(type: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(type, "ascii"), Buffer.from(value, "utf8"), Buffer.from([0])]);
}
