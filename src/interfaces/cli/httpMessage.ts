// Prints a rendered request as an HTTP/1.1 message and parses such a message back (preview / verify).
// Pure text handling: no I/O. Body bytes are kept exact (aspnet bodies contain CRLF); heads are bounded.
import type { RenderedRequest } from '../../domain/formats/format';

export const MAX_HEAD_BYTES = 64 * 1024;

export class HttpMessageError extends Error {
  override readonly name = 'HttpMessageError';
}

export interface ParsedHttpRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
}

const CANONICAL: Record<string, string> = {
  'ms-signature': 'MS-Signature',
  'webhook-id': 'webhook-id',
  'webhook-timestamp': 'webhook-timestamp',
  'webhook-signature': 'webhook-signature',
};

export function displayHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return CANONICAL[lower] ?? lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

export function formatHttpRequest(url: string, req: RenderedRequest): string {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new HttpMessageError(`invalid url ${JSON.stringify(url)}`);
  }
  const lines = [`POST ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`];
  for (const [name, value] of Object.entries(req.headers)) lines.push(`${displayHeaderName(name)}: ${value}`);
  lines.push(`Content-Length: ${req.body.length}`);
  return `${lines.join('\r\n')}\r\n\r\n${req.body.toString('utf8')}`;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;

function readHead(buf: Buffer): { lines: string[]; bodyStart: number } {
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    const newline = buf.indexOf(0x0a, pos);
    if (newline === -1 || newline > MAX_HEAD_BYTES) {
      if (buf.length > MAX_HEAD_BYTES) throw new HttpMessageError('request head exceeds 64 KiB');
      throw new HttpMessageError('no blank line between the headers and the body');
    }
    const line = buf.subarray(pos, newline).toString('utf8').replace(/\r$/, '');
    pos = newline + 1;
    if (line === '' && lines.length > 0) return { lines, bodyStart: pos };
    if (line !== '') lines.push(line);
  }
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const line of lines) {
    const match = HEADER_LINE.exec(line);
    if (!match) throw new HttpMessageError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = match[1]!.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${match[2]}` : match[2]!;
  }
  return { ...headers };
}

function takeBody(rest: Buffer, contentLength: string | undefined): Buffer {
  if (contentLength === undefined) return Buffer.from(rest);
  if (!/^\d{1,10}$/.test(contentLength)) throw new HttpMessageError('invalid Content-Length');
  const length = Number(contentLength);
  if (rest.length < length) throw new HttpMessageError(`body is ${rest.length} bytes, Content-Length says ${length}`);
  if (rest.subarray(length).toString('utf8').trim() !== '') {
    throw new HttpMessageError('unexpected data after the body (one request per input)');
  }
  return Buffer.from(rest.subarray(0, length));
}

export function parseHttpRequest(text: string | Buffer): ParsedHttpRequest {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const { lines, bodyStart } = readHead(buf);
  const [requestLine, ...headerLines] = lines;
  const match = REQUEST_LINE.exec(requestLine!);
  if (!match) throw new HttpMessageError(`malformed request line ${JSON.stringify(requestLine!.slice(0, 80))}`);
  const headers = parseHeaders(headerLines);
  return { method: match[1]!, target: match[2]!, headers, body: takeBody(buf.subarray(bodyStart), headers['content-length']) };
}
