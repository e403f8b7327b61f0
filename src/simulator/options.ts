/** What startSimulator() accepts, and the simulated enterprise it builds when told nothing. */
import type { Logger } from 'pino';
import type { CallbackTarget } from './callbacks/callback-dispatcher.ts';
import type { Clock } from './clock.ts';
import type { RandomSource } from './random-ids.ts';
import type { RequestRecord } from './request-log.ts';
import type { SimulatorSettings } from './settings.ts';
import type { ServicerStatus } from './world.ts';

export interface AccountInit {
  /** Default: a `wk…` id derived from the name, the same on every start (account-ids.ts). */
  openKfId?: string;
  name: string;
  avatar?: string;
  /** §7.3 manage_privilege; default true. */
  managePrivilege?: boolean;
}

export interface ServicerInit {
  userid: string;
  name?: string;
  /** Default 'receiving' (接待中). */
  status?: ServicerStatus;
  /** The accounts they receive for; default all. */
  openKfIds?: readonly string[];
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default: a generated `ww…` id. */
  corpId?: string;
  /** The secret of the app allowed to call kf/* APIs. Default: generated. */
  secret?: string;
  /** Secrets gettoken accepts whose apps may not call kf/* (§1: they get 48002). */
  otherSecrets?: readonly string[];
  /** Default: 售前咨询 and 售后服务. */
  accounts?: readonly AccountInit[];
  /** Default: zhangsan (张三) and lisi (李四), both 接待中 for every account. */
  servicers?: readonly ServicerInit[];
  /** Default: the system clock. Pass a ManualClock to move time in tests. */
  clock?: Clock;
  /** Default: crypto randomness. seededRandom(n) makes ids reproducible. */
  random?: RandomSource;
  /** Debug logs of requests and callbacks; tokens and secrets are never logged. */
  logger?: Logger;
  /** The kfbot receiver to send callbacks to; can also be set later with sim.callbacks.configure(). */
  callback?: CallbackTarget;
  settings?: Partial<SimulatorSettings>;
  /** Whether customers have a unionid (§7.2: needs a bound WeChat developer account). Default true. */
  unionid?: boolean;
  /** How many request records sim.requests keeps, newest first. Default: all of them. */
  requestLogLimit?: number;
  /** Hears every recorded request (same as sim.requests.onRecord). */
  onRequest?: (record: RequestRecord) => void;
}

export const DEFAULT_ACCOUNTS: readonly AccountInit[] = [{ name: '售前咨询' }, { name: '售后服务' }];

export const DEFAULT_SERVICERS: readonly ServicerInit[] = [
  { userid: 'zhangsan', name: '张三' },
  { userid: 'lisi', name: '李四' },
];
