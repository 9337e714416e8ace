import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { absenceSchema, type Absence } from '../../../src/domain/events/schema';
import { dateOfEpochDay, epochDay } from '../../../src/domain/events/calendarDays';
import { expandHalfDays, splitHours } from '../../../src/domain/formats/lucca/halfDays';
import { specAbsence } from '../../../dev-support/absence';

function absence(overrides: Partial<Absence> = {}): Absence {
  return absenceSchema.parse(specAbsence(overrides));
}

const ids = (a: Absence) => expandHalfDays(a).map((l) => l.id);

test('a 2-day absence gives 4 leaves, in order, with the seed fields', () => {
  const leaves = expandHalfDays(absence());
  assert.deepEqual(
    leaves.map((l) => l.id),
    ['78287-20180423-AM', '78287-20180423-PM', '78287-20180424-AM', '78287-20180424-PM'],
  );
  const last = leaves[3]!;
  assert.deepEqual(Object.keys(last), [
    'id', 'date', 'isAm', 'owner', 'leaveAccount', 'isConfirmed', 'confirmationDate', 'isCancelled', 'cancellationDate', 'creationDate',
  ]);
  assert.deepEqual(last, {
    id: '78287-20180424-PM',
    date: '2018-04-24',
    isAm: false,
    owner: { id: 134, name: 'Luca Pacioli', email: 'luca.paccioli@lucca.fr', employeeNumber: '00001' },
    leaveAccount: { id: 1718, name: 'Annual leave 2018', categoryId: 1, categoryName: 'Annual leave' },
    isConfirmed: true,
    confirmationDate: '2018-04-04T22:34:47.797',
    isCancelled: false,
    cancellationDate: '',
    creationDate: '2018-04-01T09:00:00',
  });
});

test('start PM leaves out the first morning; end AM leaves out the last afternoon', () => {
  assert.deepEqual(ids(absence({ start: { date: '2018-04-23', half: 'PM' }, end: { date: '2018-04-24', half: 'AM' } })), [
    '78287-20180423-PM',
    '78287-20180424-AM',
  ]);
});

test('a single half-day gives one leave', () => {
  assert.deepEqual(ids(absence({ start: { date: '2018-04-24', half: 'PM' }, end: { date: '2018-04-24', half: 'PM' } })), [
    '78287-20180424-PM',
  ]);
  assert.deepEqual(ids(absence({ start: { date: '2018-04-24', half: 'AM' }, end: { date: '2018-04-24', half: 'AM' } })), [
    '78287-20180424-AM',
  ]);
});

test('crosses month, year and leap-day boundaries in UTC', () => {
  const leaves = expandHalfDays(absence({ start: { date: '2019-12-31', half: 'PM' }, end: { date: '2020-03-01', half: 'AM' } }));
  assert.equal(leaves.length, 2 * 62 - 2);
  assert.ok(leaves.some((l) => l.date === '2020-02-29'));
  assert.equal(leaves[0]!.id, '78287-20191231-PM');
  assert.equal(leaves.at(-1)!.id, '78287-20200301-AM');
});

test('an explicit halfDays list is used exactly, sorted by date then AM first', () => {
  const a = absence({
    start: { date: '2018-04-20', half: 'AM' },
    end: { date: '2018-04-23', half: 'PM' },
    halfDays: [
      { date: '2018-04-23', isAm: false },
      { date: '2018-04-20', isAm: false },
      { date: '2018-04-23', isAm: true },
      { date: '2018-04-20', isAm: true },
    ],
  });
  assert.deepEqual(ids(a), ['78287-20180420-AM', '78287-20180420-PM', '78287-20180423-AM', '78287-20180423-PM']);
});

test('hours accounts carry durationInHours split evenly, summing to the total', () => {
  const a = absence({
    leaveAccount: { id: 9, name: 'RTT', categoryId: null, categoryName: null, unit: 'hours' },
    start: { date: '2018-04-23', half: 'AM' },
    end: { date: '2018-04-23', half: 'PM' },
    durationInHours: 7,
  });
  const leaves = expandHalfDays(a);
  assert.deepEqual(leaves.map((l) => l.durationInHours), [3.5, 3.5]);
  assert.deepEqual(Object.keys(leaves[0]!).slice(4, 7), ['leaveAccount', 'durationInHours', 'isConfirmed']);
  assert.deepEqual(leaves[0]!.leaveAccount, { id: 9, name: 'RTT', categoryId: null, categoryName: null });
  assert.deepEqual(splitHours(7, 3), [2.34, 2.33, 2.33]);
  assert.ok(expandHalfDays(absence()).every((l) => !('durationInHours' in l)));
});

test('epoch-day arithmetic round-trips', () => {
  for (const date of ['1970-01-01', '2000-02-29', '2018-04-24', '0099-12-31', '9999-12-31']) {
    assert.equal(dateOfEpochDay(epochDay(date)), date);
  }
  assert.equal(epochDay('2018-04-24') - epochDay('2018-04-23'), 1);
});

test('property: count = 2*days - startPM - endAM; ids unique and sorted', () => {
  const arb = fc.record({
    start: fc.integer({ min: epochDay('1990-01-01'), max: epochDay('2090-12-31') }),
    length: fc.integer({ min: 0, max: 365 }),
    startPm: fc.boolean(),
    endAm: fc.boolean(),
  });
  fc.assert(
    fc.property(arb, ({ start, length, startPm, endAm }) => {
      if (length === 0 && startPm && endAm) return;
      const a = absence({
        start: { date: dateOfEpochDay(start), half: startPm ? 'PM' : 'AM' },
        end: { date: dateOfEpochDay(start + length), half: endAm ? 'AM' : 'PM' },
      });
      const leaves = expandHalfDays(a);
      assert.equal(leaves.length, 2 * (length + 1) - (startPm ? 1 : 0) - (endAm ? 1 : 0));
      const keys = leaves.map((l) => `${l.date}-${l.isAm ? 'A' : 'P'}`);
      assert.deepEqual([...keys].sort(), keys);
      assert.equal(new Set(leaves.map((l) => l.id)).size, leaves.length);
    }),
    { numRuns: 200 },
  );
});

test('property: hours split sums to the total and differs by at most 0.01', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 800_000 }), fc.integer({ min: 1, max: 732 }), (hundredths, count) => {
      const parts = splitHours(hundredths / 100, count);
      assert.equal(Math.round(parts.reduce((s, p) => s + p * 100, 0)), hundredths);
      assert.ok(Math.max(...parts) - Math.min(...parts) <= 0.0100001);
    }),
  );
});
