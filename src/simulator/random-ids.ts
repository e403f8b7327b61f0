/**
 * Every identifier the simulator invents, shaped like WeCom's own (wecom-kf.md examples: corp ids
 * `ww…`, open_kfid `wk…` of 32 characters, external_userid `wm…`, callback Tokens `ENC…`, customer
 * msgids `from_msgid_…`). All of them come from one injectable random source, so a seeded source
 * makes a whole simulated world reproducible.
 */
import { randomInt } from 'node:crypto';

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number;

// randomInt's range must stay below 2^48.
const CRYPTO_RANGE = 2 ** 48 - 1;
/** The default source: crypto-strength, because access tokens and secrets come from it. */
export const cryptoRandom: RandomSource = () => randomInt(CRYPTO_RANGE) / CRYPTO_RANGE;

/** A deterministic source (mulberry32) for reproducible tests and demos. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URLSAFE = `${ALNUM}_-`;
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';

export class IdFactory {
  constructor(readonly random: RandomSource = cryptoRandom) {}

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new RangeError('pick() needs a non-empty list');
    return item;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.random() * (maxInclusive - minInclusive + 1));
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }

  corpId(): string {
    return `ww${this.chars(HEX, 16)}`;
  }
  secret(): string {
    return this.chars(URLSAFE, 43);
  }
  /** §1: at most 512 bytes; real ones are around a hundred characters. */
  accessToken(): string {
    return this.chars(URLSAFE, 96);
  }
  openKfId(): string {
    return `wk${this.chars(URLSAFE, 30)}`;
  }
  externalUserId(): string {
    return `wm${this.chars(URLSAFE, 30)}`;
  }
  unionId(): string {
    return `o${this.chars(URLSAFE, 27)}`;
  }
  /** §2.1: the callback Token, e.g. ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR (≤128 bytes, §3). */
  callbackToken(): string {
    return `ENC${this.chars(ALNUM, 44)}`;
  }
  /** §4.2: customer and servicer messages, e.g. from_msgid_4622416642169452483. */
  messageMsgid(): string {
    return `from_msgid_${this.chars('123456789', 1)}${this.chars(DIGITS, 18)}`;
  }
  eventMsgid(): string {
    return this.chars(ALNUM, 32);
  }
  /** A msgid WeCom generates for a send without a client msgid (§5 response). */
  sentMsgid(): string {
    return this.chars(ALNUM, 32);
  }
  /** welcome_code / msg_code (§6). */
  eventCode(): string {
    return this.chars(URLSAFE, 43);
  }
  /** §7.4 example: 1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0. */
  mediaId(): string {
    return `${this.chars('123', 1)}${this.chars(URLSAFE, 43)}`;
  }
  /** §3: ≤64 bytes; the example is 4gw7MepFLfgF2VC5npN. */
  cursor(): string {
    return this.chars(ALNUM, 20);
  }
  /** A 9–10 digit nonce, like WeCom's (§2.5 vectors). */
  nonce(): string {
    return String(this.int(100_000_000, 9_999_999_999));
  }
  /** The `hint: [...]` WeCom puts into every errmsg. */
  hint(): string {
    return `${this.chars(DIGITS, 10)}-${this.chars(HEX, 32)}`;
  }
}
