// The one limit on how deep JSON from outside may nest (the gateway's body check and ingest's, whichever
// sees a body first). Iterative, so hostile nesting cannot overflow the stack. Pure: no I/O.
export const MAX_NESTING_DEPTH = 32;

/** Whether `value` has an object or array deeper than MAX_NESTING_DEPTH levels. */
export function nestedTooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
