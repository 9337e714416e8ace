import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceKeysMatching, subjectOf } from '../../src/domain/events/subject';

test('a leave is about its absence, and its owner is the person shown', () => {
  const s = subjectOf('leave.approved', { id: 42, owner: { id: 134, name: 'Luca Pacioli', employeeNumber: '00001' } });
  assert.deepEqual(s, { resourceKey: 'absence:42', id: '134', name: 'Luca Pacioli', number: '00001' });
});

test('an employee event is about the employee, named by name or first and last name', () => {
  assert.deepEqual(subjectOf('employee.created', { id: 'e-7', firstName: 'Grace', lastName: 'Hopper', employeeNumber: 'N-9' }),
    { resourceKey: 'employee:e-7', id: 'e-7', name: 'Grace Hopper', number: 'N-9' });
  assert.equal(subjectOf('employee.terminated', { employeeId: 5, name: 'Ada' }).resourceKey, 'employee:5');
});

test('bank account, deduction and timesheet events are about the employee they name', () => {
  assert.equal(subjectOf('bank_account.updated', { id: 'iban-1', employeeId: 9 }).resourceKey, 'employee:9');
  const t = subjectOf('timesheet.clock_in', { employee: { id: 3, firstName: 'Alan', lastName: 'Turing' } });
  assert.deepEqual(t, { resourceKey: 'employee:3', id: '3', name: 'Alan Turing', number: null });
  assert.equal(subjectOf('recurring_deduction.deleted', { owner: { id: 11 } }).resourceKey, 'employee:11');
});

test('a pay run is about the pay run', () => {
  assert.deepEqual(subjectOf('payrun.finalised', { id: 'PR-2026-11', name: 'November 2026' }),
    { resourceKey: 'payrun:PR-2026-11', id: 'PR-2026-11', name: 'November 2026', number: null });
});

test('data without ids, odd shapes and test messages give no key and no crash', () => {
  for (const data of [null, 7, 'x', [], {}, { id: {} }, { id: '' }]) {
    assert.equal(subjectOf('employee.updated', data).resourceKey, null, JSON.stringify(data));
  }
  assert.equal(subjectOf('hrhooks.test', { message: 'hi', subscriptionId: 's' }).resourceKey, null);
  assert.equal(subjectOf('leave.created', { id: 1, owner: 'nobody' }).name, null);
});

test('a search term can mean any resource kind', () => {
  assert.deepEqual(resourceKeysMatching(' PR-1 '), ['absence:PR-1', 'employee:PR-1', 'payrun:PR-1']);
  assert.deepEqual(resourceKeysMatching('  '), []);
});
