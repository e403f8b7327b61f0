/**
 * The simulator's world and API handlers without a server: `kfbot simulate` asks it whether WeCom
 * would accept a planned call, running the very handlers the HTTP simulator runs, in-process and
 * with no socket. Ids come from a seeded source, so the same dry run prints the same codes.
 */
import type { JsonObject } from '../wecom/json-reader.ts';
import type { ApiName } from './api-names.ts';
import type { Clock } from './clock.ts';
import { errmsgFor } from './http/errmsg.ts';
import { IdFactory, seededRandom } from './random-ids.ts';
import { createRoutes } from './routes.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { World } from './world.ts';

export class OfflineWeCom {
  readonly world: World;
  readonly #routes = createRoutes(() => []);

  constructor(clock: Clock, seed = 1) {
    const ids = new IdFactory(seededRandom(seed));
    this.world = new World(ids.corpId(), clock, ids);
  }

  /** Adds a KF account with this id (dry runs use the account the message names). */
  addAccount(openKfId: string, name = '客服'): void {
    if (this.world.accounts.has(openKfId)) return;
    this.world.accounts.set(openKfId, { openKfId, name, avatar: '', managePrivilege: true });
  }

  addServicer(userid: string): void {
    if (this.world.servicers.has(userid)) return;
    this.world.servicers.set(userid, {
      userid,
      name: userid,
      status: 'receiving',
      openKfIds: new Set(this.world.accounts.keys()),
    });
  }

  /** Runs one API's handler on `body` (or a multipart form) and returns its JSON answer. */
  async call(
    api: ApiName,
    body: JsonObject,
    opts: { query?: Record<string, string>; form?: FormData } = {},
  ): Promise<JsonObject> {
    const route = this.#routes.get(api);
    if (!route) throw new Error(`the simulator has no API ${api}`);
    const result = await route.handler(
      { api, query: new URLSearchParams(opts.query), json: body, form: opts.form },
      {
        world: this.world,
        settings: DEFAULT_SETTINGS,
        fault: undefined,
        errmsg: (errcode, detail) => errmsgFor(this.world.ids, errcode, detail),
      },
    );
    if (result.kind !== 'json') throw new Error(`${api} answered with binary data`);
    return result.body;
  }
}
