/**
 * The console's CSV: a BOM so Excel reads the Chinese, and no cell a spreadsheet would run as a
 * formula — a customer who types "=HYPERLINK(…)" must not put a formula on the operator's machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/console/console-csv.ts';
import { startSimulator, type WeComSimulator } from '../../src/simulator/index.ts';
import { type InProcessKfbot, startInProcess } from '../support/in-process-kfbot.ts';
import { ConsoleClient } from './console-client.ts';

describe('console CSV cells', () => {
  it('neutralises formulas, quotes what needs it, and leaves numbers and plain text alone', () => {
    expect(csvCell('=HYPERLINK("http://x","点我")')).toBe(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(csvCell('+8613812345678')).toBe("'+8613812345678");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('退货, 换货')).toBe('"退货, 换货"');
    expect(csvCell('什么时候发货')).toBe('什么时候发货');
    expect(toCsv(['a', 'b'], [[1, '二']])).toBe('\uFEFFa,b\r\n1,二\r\n');
  });
});

let sim: WeComSimulator | undefined;
let bot: InProcessKfbot | undefined;
afterEach(async () => {
  await bot?.close();
  await sim?.close();
});

describe('the unanswered page as CSV', () => {
  it("downloads a customer's formula as text", async () => {
    sim = await startSimulator();
    bot = await startInProcess(sim, { config: { consolePassword: 'csv test password' } });
    await bot.app.store.recordUnanswered({
      openKfId: 'wkA',
      text: 'hyperlink',
      example: '=HYPERLINK("http://evil.example","退款")',
      at: Date.now(),
      candidates: [],
    });
    const c = new ConsoleClient(bot.app.url);
    await c.signIn('csv test password');
    const r = await c.go('/console/api/unanswered-csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="kfbot-unanswered-/);
    const [head, row] = r.body.split('\r\n');
    expect(head).toBe('\uFEFFcount,example,text,first_seen,last_seen,account,nearest,chosen');
    expect(row).toMatch(/^1,"'=HYPERLINK\(""http:\/\/evil\.example"",""退款""\)",hyperlink,/);
  });
});
