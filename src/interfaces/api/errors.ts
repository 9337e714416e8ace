// Typed domain errors and the ONE Express error handler that turns anything thrown into
// application/problem+json (plus the route-parameter guard that turns unstorable ids into a 400 before
// any query). Never sends a stack trace or an internal message to the client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { FieldError } from '../../domain/events/schema';
import type { Logger } from '../../infra/observability/log';
import { DeliveryStartError, DeliveryStartRefused } from '../../app/ingest/ingest';
import { CursorError } from '../../app/deliveries/deliveriesList';
import { unstorableText } from '../../domain/events/storableText';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export class ValidationError extends ProblemError {
  constructor(errors: FieldError[], detail = 'the request is invalid; see errors') {
    super(400, 'Bad Request', detail, errors);
  }
}
export class UnauthorizedError extends ProblemError {
  constructor(detail = 'missing or unknown API key (use Authorization: Bearer <key>)') {
    super(401, 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' });
  }
}
export class ForbiddenError extends ProblemError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}
export class NotFoundError extends ProblemError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}
export class ConflictError extends ProblemError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}
export class UnsupportedMediaTypeError extends ProblemError {
  constructor() {
    super(415, 'Unsupported Media Type', 'send the body as application/json');
  }
}
export class TooManyRequestsError extends ProblemError {
  constructor(retryAfterSeconds: number) {
    super(429, 'Too Many Requests', `rate limit exceeded; retry in ${retryAfterSeconds} s`, undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}
export class UnavailableError extends ProblemError {
  constructor(detail: string) {
    super(503, 'Service Unavailable', detail, undefined, { 'retry-after': '5' });
  }
}

const PG_UNAVAILABLE = /^(08|57P0|53)/;
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE']);

function isInfrastructureDown(err: any): boolean {
  if (!err || typeof err !== 'object') return false;
  if (NET_CODES.has(err.code) || (typeof err.code === 'string' && PG_UNAVAILABLE.test(err.code))) return true;
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err.message ?? '')) return true;
  if (err.name === 'ServiceError' || err.name === 'TransportError') return true;
  if (typeof err.code === 'number' && (err.code === 14 || err.code === 4)) return true;
  return err.cause ? isInfrastructureDown(err.cause) : false;
}

/** Body-parser and friends signal HTTP errors with `type` / `status` fields. */
function fromHttpError(err: any): ProblemError | null {
  switch (err?.type) {
    case 'entity.too.large':
      return new ProblemError(413, 'Payload Too Large', `the body exceeds ${err.limit} bytes`);
    case 'entity.parse.failed':
      return new ValidationError([{ field: '(body)', message: 'body is not valid JSON' }], 'body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError(415, 'Unsupported Media Type', 'unsupported body encoding or charset');
    case 'parameters.too.many':
      return new ProblemError(413, 'Payload Too Large', `the form has more than ${err.limit} fields`);
    case 'request.aborted':
      return new ProblemError(400, 'Bad Request', 'request aborted');
  }
  return null;
}

export function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof CursorError) return new ValidationError([{ field: 'cursor', message: err.message }]);
  if (err instanceof DeliveryStartRefused) return new ConflictError(err.message);
  if (err instanceof DeliveryStartError) {
    return new UnavailableError('the event is stored but Temporal is unreachable; retry the same request to finish it');
  }
  const http = fromHttpError(err);
  if (http) return http;
  if (isInfrastructureDown(err)) return new UnavailableError('a backing service (Postgres or Temporal) is unreachable; retry later');
  return new ProblemError(500, 'Internal Server Error', 'unexpected error; it has been logged');
}

export function sendProblem(res: import('express').Response, problem: ProblemError): void {
  const body: Record<string, unknown> = {
    type: `https://hrhooks.dev/problems/${problem.status}`,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
  };
  if (problem.errors) body.errors = problem.errors;
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(body));
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    if (problem.status >= 500) {
      log.error({ err: { name: err?.name, message: err?.message, code: err?.code }, method: req.method, path: req.path }, 'request failed');
    }
    sendProblem(res, problem);
  };
}

/**
 * Mounted on routes with ids (`/v1/deliveries/:id`, `/subscriptions/:id`…): a parameter Postgres cannot store
 * (U+0000, a lone surrogate) is a 400 naming it, not a query that fails.
 */
export const storableParams: RequestHandler = (req, _res, next) => {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    const problem = typeof value === 'string' ? unstorableText(value) : null;
    if (problem) return next(new ValidationError([{ field: name, message: problem }], `${name} in the path ${problem}`));
  }
  next();
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};
