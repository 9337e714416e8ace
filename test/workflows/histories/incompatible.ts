// A deliberately incompatible `event` workflow (it sleeps before anything else): the replay test
// checks that replaying recorded histories against it fails, so the replay check can fail at all.
import { sleep } from '@temporalio/workflow';

export async function event(): Promise<void> {
  await sleep('1 minute');
}
