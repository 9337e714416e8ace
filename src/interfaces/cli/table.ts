// Human output of list commands: a header row and columns padded to their widest cell; every cell is shown
// with terminalValue (control characters and line breaks escaped), so a value stays on its row.
import { terminalValue } from './terminalText';

export function table(header: string[], rows: string[][]): string {
  const cells = rows.map((r) => r.map(terminalValue));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [header, ...cells].map((r) => `${line(r)}\n`).join('');
}
