// What the gateway app is built from: injected so tests run it with supertest, no listening socket.
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import type { SecretBox } from '../../infra/crypto/secretBox';
import type { Cidr } from '../../infra/http/ssrfGuard';
import type { EventStarter } from '../../app/ingest/starter';
import type { Logger } from '../../infra/observability/log';

/** What every door of the gateway (API routes, web pages) is given: the adapters, wired once by server.ts. */
export interface CoreDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  box: SecretBox;
  config: Config;
  log: Logger;
}

export interface AppDeps extends CoreDeps {
  /** Starts event workflows after ingest answered; createApp makes one (no re-drive pass) when absent. */
  starter?: EventStarter;
  /** The follow-up web interface, mounted at / when given. */
  ui?: Router;
}

export interface RouteDeps extends AppDeps {
  allow: Cidr[];
}
