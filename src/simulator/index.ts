/**
 * kfbot's WeCom simulator: a local HTTP server that behaves like the WeCom Customer Service API as
 * shared/wecom-kf.md describes it, plus a driver API that plays customers and servicers. Used by
 * the end-to-end and fault-injection tests and by the sandbox.
 */
import type { AddressInfo } from 'node:net';
import { stableOpenKfId } from './account-ids.ts';
import { ApiLimits } from './api-limits.ts';
import { CallbackDispatcher } from './callbacks/callback-dispatcher.ts';
import { systemClock } from './clock.ts';
import { FaultInjector } from './faults.ts';
import { createSimulatorServer } from './http/server.ts';
import { DEFAULT_ACCOUNTS, DEFAULT_SERVICERS, type SimulatorOptions } from './options.ts';
import { cryptoRandom, IdFactory } from './random-ids.ts';
import { RequestLog } from './request-log.ts';
import { createRoutes } from './routes.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { WeComSimulator } from './simulator.ts';
import { World } from './world.ts';

export async function startSimulator(options: SimulatorOptions = {}): Promise<WeComSimulator> {
  const ids = new IdFactory(options.random ?? cryptoRandom);
  const world = new World(
    options.corpId ?? ids.corpId(),
    options.clock ?? systemClock,
    ids,
    options.unionid ?? true,
  );
  for (const a of options.accounts ?? DEFAULT_ACCOUNTS) {
    const openKfId = a.openKfId ?? stableOpenKfId(a.name, world.accounts);
    world.accounts.set(openKfId, {
      openKfId,
      name: a.name,
      avatar:
        a.avatar ??
        `https://wework.qpic.cn/wwpic/${ids.chars('0123456789', 6)}_${ids.chars('abcdefghijklmnopqrstuvwxyz0123456789', 20)}/0`,
      managePrivilege: a.managePrivilege ?? true,
    });
  }
  for (const s of options.servicers ?? DEFAULT_SERVICERS) {
    world.servicers.set(s.userid, {
      userid: s.userid,
      name: s.name ?? s.userid,
      status: s.status ?? 'receiving',
      openKfIds: new Set(s.openKfIds ?? world.accounts.keys()),
    });
  }
  const secret = options.secret ?? ids.secret();
  const kfSecrets = [secret];
  const allSecrets = [secret, ...(options.otherSecrets ?? [])];
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const faults = new FaultInjector();
  const requests = new RequestLog(options.requestLogLimit);
  if (options.onRequest) requests.onRecord(options.onRequest);
  const callbacks = new CallbackDispatcher(world, settings, options.logger);
  if (options.callback) callbacks.configure(options.callback);
  world.itemAdded.add(({ openKfId }) => callbacks.notify(openKfId));
  const limits = new ApiLimits(
    () => settings.rateLimits,
    () => settings.maxConcurrentCalls,
  );
  const server = createSimulatorServer({
    world,
    settings,
    limits,
    faults,
    requests,
    routes: createRoutes(() => allSecrets),
    kfSecrets: () => kfSecrets,
    logger: options.logger,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new WeComSimulator({ url, secret, world, settings, faults, requests, callbacks, server, limits });
}

export type { ServiceState } from '../wecom/platform-enums.ts';
export { ApiLimits, type RateLimit } from './api-limits.ts';
export { API_NAMES, type ApiName } from './api-names.ts';
export type { CallbackAttempt, CallbackDelivery, CallbackTarget } from './callbacks/callback-dispatcher.ts';
export { CallbackDispatcher } from './callbacks/callback-dispatcher.ts';
export type { VerifyUrlResult } from './callbacks/verify-url.ts';
export { type Clock, DAY, HOUR, ManualClock, MINUTE, SECOND, systemClock } from './clock.ts';
export type { CustomerRef, EnterOptions, SendOptions } from './customer-actions.ts';
export { EVENT_CODE_RULES, type EventCodeKind, type IssuedCode } from './event-codes.ts';
export { type ActiveFault, FaultInjector, type FaultSpec } from './faults.ts';
export { UNKNOWN_API_ERRCODE } from './http/server.ts';
export type { AccountInit, ServicerInit, SimulatorOptions } from './options.ts';
export { type RandomSource, seededRandom } from './random-ids.ts';
export { REDACTED, type RequestLog, type RequestRecord } from './request-log.ts';
export type { ServicerRef, SessionRef } from './servicer-actions.ts';
export type { Session } from './session.ts';
export { DEFAULT_SETTINGS, type SimulatorSettings } from './settings.ts';
export { WeComSimulator } from './simulator.ts';
export { SimulatorUsageError, type UsageErrorCode } from './usage-error.ts';
export type { WireEvent, WireItem } from './wire-item.ts';
export type { Account, Customer, SentMessage, Servicer, ServicerStatus, World } from './world.ts';
