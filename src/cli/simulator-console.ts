/**
 * Commands typed into a running `kfbot wecom-simulator`: make a customer open the chat, write or
 * click, and a servicer take or end the session. Each produces the items WeCom would, and with
 * --callback-url the signed callback that tells the client to pull them.
 */
import { createInterface, type Interface } from 'node:readline';
import { whyNotTake } from '../sandbox/sandbox-actions.ts';
import { SimulatorUsageError, type WeComSimulator, type WireItem } from '../simulator/index.ts';
import { SESSION_CHANGE } from '../wecom/platform-enums.ts';

export const SIMULATOR_CONSOLE_HELP = `Type a command (one a line) to act in the simulated WeCom:
  enter [scene] [scene_param]   a customer opens the chat (enter_session, with a welcome_code)
  say TEXT                      the customer writes TEXT
  click ID                      the customer clicks menu item ID
  take [servicer]               a servicer takes the session from the queue
  end                           a servicer ends the session
  new                           the next command acts as a new customer
  help
`;

interface StatusChange {
  event_type?: string;
  external_userid?: string;
  change_type?: number;
  old_servicer_userid?: string;
  new_servicer_userid?: string;
}

/** A session_status_change in words (§4.3 change_type), as the WeCom client shows it. */
function statusChangeWords(e: StatusChange): string {
  switch (e.change_type) {
    case SESSION_CHANGE.from_queue:
      return `${e.new_servicer_userid} takes the session (接入会话); the bot stops answering`;
    case SESSION_CHANGE.transferred:
      return `${e.old_servicer_userid} transfers the session to ${e.new_servicer_userid} (转接)`;
    case SESSION_CHANGE.ended:
      return `${e.old_servicer_userid} ends the session (结束会话)`;
    case SESSION_CHANGE.rejoined:
      return `${e.new_servicer_userid} re-joins the ended session`;
    default:
      return `change_type ${e.change_type}`;
  }
}

function describe(item: WireItem): string {
  const event = item.event as StatusChange | undefined;
  const who = String(item.external_userid ?? event?.external_userid);
  const what =
    item.msgtype !== 'event'
      ? `${item.msgtype} ${JSON.stringify(item[String(item.msgtype)])}`
      : event?.event_type === 'session_status_change'
        ? `session_status_change: ${statusChangeWords(event)}`
        : String(event?.event_type);
  return `→ ${who}: ${what} (msgid ${item.msgid})`;
}

export class SimulatorConsole {
  #customer: string | undefined;
  #rl: Interface | undefined;

  constructor(
    private readonly sim: WeComSimulator,
    private readonly write: (text: string) => void,
  ) {}

  /** Runs one typed line. */
  line(raw: string): void {
    const [command = '', ...args] = raw.trim().split(/\s+/);
    const rest = raw.trim().slice(command.length).trim();
    const customer = this.#customer;
    const needCustomer = (): string => {
      if (customer === undefined)
        throw new SimulatorUsageError('BAD_ARGUMENT', 'no customer yet: "enter" or "say" first');
      return customer;
    };
    try {
      let items: WireItem[] = [];
      switch (command) {
        case '':
          return;
        case 'help':
          this.write(SIMULATOR_CONSOLE_HELP);
          return;
        case 'new':
          this.#customer = undefined;
          this.write('the next command acts as a new customer\n');
          return;
        case 'enter':
          items = [
            this.sim.customerEnters({
              ...(customer && { externalUserId: customer }),
              ...(args[0] && { scene: args[0] }),
              ...(args[1] && { sceneParam: args[1] }),
            }),
          ];
          break;
        case 'say':
          if (rest === '') throw new SimulatorUsageError('BAD_ARGUMENT', 'say what? e.g. say 你好');
          items = [this.sim.customerSays({ ...(customer && { externalUserId: customer }), text: rest })];
          break;
        case 'click':
          if (!args[0])
            throw new SimulatorUsageError('BAD_ARGUMENT', 'click which item? e.g. click refund_time');
          items = [this.sim.customerClicksMenu({ externalUserId: needCustomer(), id: args[0] })];
          break;
        case 'take': {
          const why = whyNotTake(this.sim, this.sim.openKfId, needCustomer(), '"enter"');
          if (why) throw new SimulatorUsageError('WRONG_STATE', why);
          items = [
            this.sim.servicerTakes({
              externalUserId: needCustomer(),
              ...(args[0] && { servicerUserId: args[0] }),
            }),
          ];
          break;
        }
        case 'end':
          items = this.sim.servicerEnds({ externalUserId: needCustomer() });
          break;
        default:
          this.write(`unknown command "${command}"; type help for the list\n`);
          return;
      }
      for (const item of items) {
        this.#customer ??= String(
          item.external_userid ?? (item.event as { external_userid?: string }).external_userid,
        );
        this.write(`${describe(item)}\n`);
      }
    } catch (err) {
      if (!(err instanceof SimulatorUsageError)) throw err;
      this.write(`✗ ${err.message}\n`);
    }
  }

  /** Reads commands until the input ends or close() (the simulator keeps running either way). */
  async run(input: NodeJS.ReadableStream): Promise<void> {
    this.#rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const l of this.#rl) this.line(l);
  }

  /** Stops reading, so an open input does not keep the process alive after the simulator stops. */
  close(): void {
    this.#rl?.close();
  }
}
