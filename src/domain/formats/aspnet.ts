// The "aspnet" format (SPEC §4.2, seed 002): a WebHookWorkItem body signed with MS-Signature.
// Pure rendering: no I/O. Data that is not a plain object (e.g. a deleted pay run's id) is sent as
// { "Action": …, "Id": <data> }; object data is spread after Action, its own "Action" key is ignored.
// A test message (hrhooks.test) is one notification { "Action": "HrhooksTest", "Type": "Test Message from Application", … }.
import { TEST_EVENT_TYPE, type EventType } from '../events/eventTypes';
import type { FieldError, HrEvent } from '../events/schema';
import { generateAspnetSecret, msSignature, verifyMs } from '../signing/signature';
import {
  newestSecret,
  unusedFieldErrors,
  withExtraHeaders,
  type Format,
  type ReceivedRequest,
  type RenderInput,
  type SubscriptionFields,
  type SubscriptionView,
  type VerifyKey,
} from './format';
import { aspnetWorkItemId } from './identity';

export const ASPNET_ACTIONS: Readonly<Record<EventType, string>> = {
  'employee.created': 'EmployeeCreated',
  'employee.updated': 'EmployeeUpdated',
  'employee.terminated': 'EmployeeTerminated',
  'payrun.initialised': 'PayRunInitialised',
  'payrun.finalised': 'PayRunFinalised',
  'payrun.deleted': 'PayRunDeleted',
  'leave.created': 'LeaveRequestCreated',
  'leave.updated': 'LeaveRequestUpdated',
  'leave.approved': 'LeaveRequestApproved',
  'leave.declined': 'LeaveRequestDeclined',
  'leave.cancelled': 'LeaveRequestCancelled',
  'leave.deleted': 'LeaveRequestDeleted',
  'bank_account.updated': 'BankAccountUpdated',
  'bank_account.deleted': 'BankAccountDeleted',
  'recurring_deduction.updated': 'EmployeeRecurringDeductionUpdated',
  'recurring_deduction.deleted': 'EmployeeRecurringDeductionDeleted',
  'timesheet.clock_in': 'ClockIn',
  'timesheet.clock_out': 'ClockOut',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Action of a test message: no HR action, so a receiver dispatching on Action changes nothing. */
export const ASPNET_TEST_ACTION = 'HrhooksTest';

export function notificationOf(event: HrEvent): Record<string, unknown> {
  if (event.type === TEST_EVENT_TYPE) {
    return { Action: ASPNET_TEST_ACTION, Type: event.data.message, SubscriptionId: event.data.subscriptionId };
  }
  const action = ASPNET_ACTIONS[event.type];
  if (!isPlainObject(event.data)) return { Action: action, Id: event.data };
  const notification: Record<string, unknown> = { Action: action };
  for (const [key, value] of Object.entries(event.data)) {
    if (key === 'Action' || key === '__proto__') continue;
    notification[key] = value;
  }
  return notification;
}

export function aspnetBody(workItemId: string, attempt: number, properties: Record<string, unknown>, notifications: unknown[]): Buffer {
  const workItem = { Id: workItemId, Attempt: attempt, Properties: properties, Notifications: notifications };
  return Buffer.from(JSON.stringify(workItem, null, 2).replace(/\n/g, '\r\n'), 'utf8');
}

function sends(_event: HrEvent, _sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean {
  return true;
}

function render({ event, deliveryId, messageId, attempt, subscription }: RenderInput) {
  const body = aspnetBody(messageId ?? aspnetWorkItemId(deliveryId), attempt, subscription.properties ?? {}, [notificationOf(event)]);
  const own = {
    'ms-signature': msSignature(newestSecret(subscription), body),
    'content-type': 'application/json',
  };
  return { headers: withExtraHeaders(own, subscription.headers), body };
}

function validate(fields: SubscriptionFields): FieldError[] {
  return unusedFieldErrors('aspnet', fields, ['mode', 'authorization']);
}

function verify(req: ReceivedRequest, key: VerifyKey): string | null {
  const signature = req.headers['ms-signature'];
  if (signature === undefined) return 'missing MS-Signature header';
  if (!key.secrets.some((secret) => verifyMs(secret, req.body, signature))) return 'MS-Signature does not match the body';
  return null;
}

export const aspnet: Format<'aspnet'> = {
  name: 'aspnet',
  offer: { label: 'MS-Signature', rank: 2 },
  defaultLadder: ['1m', '2m', '4m', '8m', '15m', '30m', '60m'],
  credential: { kind: 'secret', generate: generateAspnetSecret },
  defaultMode: null,
  defaultOrdering: 'resource',
  collapsible: true,
  validate,
  sends,
  render,
  verify,
  secretHeaders: ['authorization'],
  hasMessageId: true,
  rotation: 'pending',
};
