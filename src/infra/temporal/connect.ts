// Opens Temporal client connections for the gateway, the CLI and the worker, with hrhooks' data converter
// (the payload codec: dataConverter.ts).
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';

export async function connectClient(address: string, namespace: string, dataConverter: DataConverter): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  return new Client({ connection, namespace, dataConverter });
}
