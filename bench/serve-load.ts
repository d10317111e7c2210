/**
 * The load generator of bench/serve.ts: wrk when installed, otherwise a keep-alive HTTP/1.1 client on raw
 * sockets (node:http's client tops out near 15,000 requests a second here, below the servers it measures).
 * Either way it runs in its own process, so it never shares an event loop with a server.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

/** One measurement: `connections` keep-alive connections asking for `url` for `seconds`. */
export interface LoadOptions {
  generator: "wrk" | "node";
  url: string;
  headers: Record<string, string>;
  seconds: number;
  connections: number;
  /** The status every response must have; anything else fails the run. */
  expected: number;
}

/** Runs the load and resolves with completed requests per second. */
export async function measureLoad(options: LoadOptions): Promise<number> {
  if (options.generator === "wrk") {
    const args = ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, ...Object.entries(options.headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]), options.url];
    const output = await runProcess("wrk", args);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
    if (!rate) throw new Error(`wrk printed no rate:\n${output}`);
    const errors = /Socket errors: (.*)|Non-2xx or 3xx responses: (\d+)/.exec(output);
    if (errors) throw new Error(`wrk saw errors: ${errors[0]}`);
    return Number(rate[1]);
  }
  const output = await runProcess(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "load", JSON.stringify(options)]);
  return Number(output.trim());
}

function runProcess(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

/** The raw-socket client: sends the next request as soon as the previous response is complete. */
async function generateLoad(options: LoadOptions): Promise<number> {
  const url = new URL(options.url);
  const head = Object.entries(options.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  const requestBytes = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${head}\r\n`);
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  let completed = 0;
  const runConnection = () => new Promise<void>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on("connect", () => socket.write(requestBytes));
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) return;
        const header = buffer.subarray(0, end).toString("latin1");
        const status = Number(header.slice(9, 12));
        if (status !== options.expected) return reject(new Error(`expected ${options.expected}, got: ${header.split("\r\n")[0]}`));
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(header)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.subarray(end + 4 + length);
        completed += 1;
        if (performance.now() >= deadline) {
          socket.destroy();
          return resolve();
        }
        socket.write(requestBytes);
      }
    });
  });
  await Promise.all(Array.from({ length: options.connections }, runConnection));
  return (completed * 1000) / (performance.now() - started);
}

if (process.argv[2] === "load") {
  console.log(String(await generateLoad(JSON.parse(process.argv[3]!) as LoadOptions)));
}
