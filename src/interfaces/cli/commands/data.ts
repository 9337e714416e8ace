// `hrhooks data encrypt-existing`: seals the personal data of rows stored in clear before data keys existed (issue
// 23), every tenant, straight in Postgres (src/app/privacy/sealExisting.ts). Prints counts only, never data.
import { DataKeysMissing, sealExisting } from '../../../app/privacy/sealExisting';
import { printJson, type CliContext } from '../context';
import { CliError, UsageError } from '../errors';

export async function encryptExistingCommand(values: { batch?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new UsageError('--batch must be a whole number from 1 to 10000');
  const pool = await ctx.platformPool();
  const counts = await sealExisting(pool, batch).catch((err: Error) => {
    throw err instanceof DataKeysMissing ? new CliError(err.message) : err;
  });
  if (values.json) printJson(ctx.io, counts);
  else ctx.io.stdout(`sealed ${counts.events} event(s), ${counts.deliveries} subject name(s), ${counts.attempts} attempt(s) under their employees' data keys\n`);
  return 0;
}
