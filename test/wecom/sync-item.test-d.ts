import { describe, expectTypeOf, it } from 'vitest';
import type { EnterSessionEvent, LocationPayload, TextPayload } from '../../src/wecom/message-kinds.ts';
import type { SendContent } from '../../src/wecom/send-payloads.ts';
import { decodeSyncItem, type ItemOf, isKind, type SyncItem } from '../../src/wecom/sync-item.ts';

declare const item: SyncItem;

describe('narrowing on kind', () => {
  it('gives a text item its text payload', () => {
    if (item.kind === 'text') {
      expectTypeOf(item.text).toEqualTypeOf<TextPayload>();
      expectTypeOf(item.text.menu_id).toEqualTypeOf<string | undefined>();
    }
  });

  it('gives an event item its event payload', () => {
    if (item.kind === 'enter_session') {
      expectTypeOf(item.event).toEqualTypeOf<EnterSessionEvent>();
      expectTypeOf(item.msgtype).toEqualTypeOf<'event'>();
    }
  });

  it('works through the isKind guard and ItemOf', () => {
    const x = decodeSyncItem({});
    if (isKind(x, 'location')) expectTypeOf(x.location).toEqualTypeOf<LocationPayload>();
    expectTypeOf<ItemOf<'unknown'>['reason']>().toEqualTypeOf<string>();
  });

  it('does not let one kind read another kind\u2019s payload', () => {
    if (item.kind === 'image') {
      // @ts-expect-error an image has no text
      void item.text;
    }
  });

  it('exhausts the union in a switch', () => {
    const name = (i: SyncItem): string => {
      switch (i.kind) {
        case 'unknown':
          return i.reason;
        default:
          return i.kind;
      }
    };
    expectTypeOf(name).returns.toBeString();
  });
});

describe('send content', () => {
  it('picks the payload by msgtype', () => {
    const c = {} as SendContent;
    if (c.msgtype === 'msgmenu') expectTypeOf(c.msgmenu.list).toBeArray();
    // @ts-expect-error a text needs content
    const bad: SendContent = { msgtype: 'text', text: {} };
    void bad;
  });
});
