// The failure converter of every hrhooks client, worker and workflow bundle: a failure's message and stack trace
// go into its encoded attributes, so the payload codec encrypts them with the rest (src/infra/temporal/dataConverter.ts).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
