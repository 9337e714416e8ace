// A real HTTP receiver on 127.0.0.1 that records every request and answers as a test scripts it.
// Test-only: it must never listen on anything but loopback, and close() must leave no handle open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  receivedAt: number;
  /** When the client closed the connection before the response was complete (e.g. an aborted attempt); null until then. */
  closedEarlyAt: number | null;
}

/** `bodySize` streams that many bytes in chunks (never allocated whole); it wins over `body`. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string | Buffer; bodySize?: number; delayMs?: number }
  | { reset: true }
  | { hang: true };

type Responder = (req: RecordedRequest, index: number) => Reply;

export interface Receiver {
  url: string;
  port: number;
  requests: RecordedRequest[];
  respondWith(reply: Reply | Responder): void;
  respondSequence(replies: Reply[]): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Answers every hung request with a plain 200. */
  releaseHung(): void;
  close(): Promise<void>;
}

const STREAM_CHUNK = Buffer.alloc(64 * 1024, 'x');

export async function startReceiver(opts: { port?: number } = {}): Promise<Receiver> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const hung = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let responder: Responder = () => ({ status: 200 });

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
        closedEarlyAt: null,
      };
      const index = requests.push(recorded) - 1;
      for (const wake of [...waiters]) wake();
      let reply: Reply;
      try {
        reply = responder(recorded, index);
      } catch (err) {
        reply = { status: 500, body: `receiver responder threw: ${String(err)}` };
      }
      res.on('close', () => {
        if (res.writableFinished) return;
        recorded.closedEarlyAt = Date.now();
        for (const wake of [...waiters]) wake();
      });
      answer(req, res, reply);
    });
  });

  const answer = (req: IncomingMessage, res: ServerResponse, reply: Reply): void => {
    if ('reset' in reply) {
      req.socket.resetAndDestroy();
      return;
    }
    if ('hang' in reply) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const send = (): void => {
      if (res.destroyed) return;
      if (reply.bodySize !== undefined) {
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.bodySize) });
        streamBody(res, reply.bodySize);
        return;
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    };
    if (reply.delayMs) later(reply.delayMs, send);
    else send();
  };

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respondWith(reply) {
      responder = typeof reply === 'function' ? reply : () => reply;
    },
    respondSequence(replies) {
      if (replies.length === 0) throw new Error('receiver: respondSequence needs at least one reply');
      let next = 0;
      responder = () => replies[Math.min(next++, replies.length - 1)]!;
    },
    waitForRequests(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests.slice(0, n));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: expected ${n} request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    releaseHung() {
      for (const res of hung) if (!res.destroyed) res.writeHead(200).end();
      hung.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      hung.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function streamBody(res: ServerResponse, size: number): void {
  let left = size;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const chunk = left >= STREAM_CHUNK.length ? STREAM_CHUNK : STREAM_CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (left === 0 && !res.destroyed) res.end();
  };
  pump();
}
