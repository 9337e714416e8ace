// What identifies a resource in producer data (an absence, an employee, a pay run): an integer, or a
// string of 1 to 100 characters. Pure: no I/O.
import { z } from 'zod';
import { unlessMissing } from './issueMessages';

export const identifier = z.union([z.int(), z.string().min(1).max(100)], {
  error: unlessMissing('must be an integer or a string of 1 to 100 characters'),
});
