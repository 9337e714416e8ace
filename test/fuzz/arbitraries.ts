// Hostile-input generators shared by the fuzz tests (not a test file itself): wrong types, prototype keys,
// odd unicode, huge and invalid dates, and deep nesting built without recursion.
import fc from 'fast-check';

export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, '', ' ', '\u0000', '\ud800', '💥'.repeat(100), '__proto__', 'constructor'),
  fc.constantFrom([], {}, [null], { __proto__: null }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: {} } }),
  fc.integer(), fc.double(), fc.string({ unit: 'binary', maxLength: 40 }),
);

export const hostileDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.date({ min: new Date('1000-01-01'), max: new Date('3000-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2018-02-29', '2018-02-30', '2020-02-29', '0000-00-00', '9999-12-31', '0001-01-01', '2018-4-1', '2018-04-01T00:00:00Z', '+275760-09-13', '२०१८-०४-०१', ''),
  fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null),
);

/** JSON text nested `depth` levels deep (objects or arrays), built iteratively. */
export function nested(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}
