// What the CLI lets reach a terminal: producer-controlled text (event ids, names, receivers' errors) with every
// control character escaped (C0, DEL, C1, U+2028/2029, bidi marks and overrides), so no value can move the
// cursor, recolour, erase, fake a line or reverse text. The one owner of that rule: main.ts wraps all output
// (terminalIo), and values shown inside a line (table cells, `deliveries show`) also escape their line breaks.
// One exception: `preview` piped (not to a terminal) writes its HTTP message byte for byte, for `verify`.
import type { CliIo } from './context';

const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const ANY_CONTROL = new RegExp(`[${CONTROLS}]`, 'g');
/** Every control character but the line ends of our own lines (LF, and the CRLF of a printed HTTP message). */
const CONTROL_BUT_LINE_END = new RegExp(`(?!\\n|\\r\\n)[${CONTROLS}]`, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** \uXXXX: readable on a terminal, and inside a JSON string the same character, so `--json` output stays valid. */
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text to write as is: our own line ends kept, every other control character escaped. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_BUT_LINE_END, unicodeEscape);
}

/** One value shown inside a line: its line breaks and tabs escaped too (\n, \r, \t). */
export function terminalValue(value: unknown): string {
  return String(value ?? '').replace(ANY_CONTROL, (c) => NAMED[c] ?? unicodeEscape(c));
}

/** A line whose interpolated values are shown with terminalValue. */
export function terminalLine(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? terminalValue(values[i]) : ''), '');
}

/**
 * The same I/O, with everything written to stdout and stderr passed through terminalSafe; the unescaped
 * stdout stays reachable as exactStdout, for output whose bytes must arrive exactly when it is piped.
 */
export function terminalIo(io: CliIo): CliIo {
  return { ...io, stdout: (s) => io.stdout(terminalSafe(s)), stderr: (s) => io.stderr(terminalSafe(s)), exactStdout: io.stdout };
}
