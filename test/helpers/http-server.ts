import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP, type AddressInfo, type Socket } from "node:net";

/** Answers one request; anything not routed gets a 404. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A programmable HTTP server on 127.0.0.1 for fetch tests. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  port: number;
  /** Every request seen, in order. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  /** Serves `path` (exact, query included) with `handler`, replacing any earlier handler. */
  route(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

/** Starts a real `node:http` server on an ephemeral port of 127.0.0.1. */
export async function startHttpServer(): Promise<TestHttpServer> {
  const routes = new Map<string, RouteHandler>();
  const state: TestHttpServer = {
    origin: "",
    port: 0,
    requests: [],
    connections: 0,
    route: (path, handler) => void routes.set(path, handler),
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    state.requests.push({ method: request.method ?? "GET", path, headers: request.headers });
    const handler = routes.get(path);
    if (handler) handler(request, response);
    else response.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
  });
  server.on("connection", () => void state.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What `watchConnections` saw. */
export interface ConnectionWatch {
  /** Every address a socket was about to connect to (an IP literal, or each address a lookup returned). */
  attempts: string[];
  /** Attempts to non-loopback addresses; each was destroyed before its first packet. */
  blocked: string[];
  stop(): void;
}

/**
 * Records every outgoing TCP connection attempt in this process and stops any to a non-loopback address
 * before it connects: the safety net behind the rule that no test sends a packet off the machine, and the
 * way a test proves that a refusal happened before any connection. Node connects IP literals on the next
 * tick and looked-up names right after the `lookup` event, and checks `connecting` first in both cases.
 */
export function watchConnections(): ConnectionWatch {
  const watch: ConnectionWatch = { attempts: [], blocked: [], stop: () => unsubscribe("net.client.socket", onSocket) };
  const inspect = (socket: Socket, address: string) => {
    watch.attempts.push(address);
    if (!isLoopback(address)) {
      watch.blocked.push(address);
      // The request may not listen on the socket yet (a synchronous lookup answers inside connect()).
      socket.on("error", () => {});
      socket.destroy(new Error(`test guard: blocked a connection to ${address}`));
    }
  };
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    const connect = socket.connect;
    socket.connect = function (this: Socket, ...args: unknown[]) {
      const result = (connect as (...a: unknown[]) => Socket).apply(this, args);
      const options = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string } | undefined;
      const host = options?.host ?? "";
      if (isIP(host) !== 0) inspect(this, host);
      return result;
    } as Socket["connect"];
    socket.on("lookup", (error: Error | null, address?: string) => {
      if (!error && address !== undefined) inspect(socket, address);
    });
  };
  subscribe("net.client.socket", onSocket);
  return watch;
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address === "::ffff:127.0.0.1";
}
