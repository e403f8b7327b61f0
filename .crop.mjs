// throwaway: cut a tall PNG into 844px-high slices, using Chromium
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const [file, out, h = '844'] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage();
const data = readFileSync(file).toString('base64');
await p.setContent(`<body style="margin:0"><img id=i src="data:image/png;base64,${data}"></body>`);
const { w, hh } = await p.evaluate(() => { const i = document.getElementById('i'); return { w: i.naturalWidth, hh: i.naturalHeight }; });
await p.setViewportSize({ width: w, height: Math.min(hh, 2000) });
for (let y = 0, n = 0; y < hh; y += Number(h), n++)
  await p.screenshot({ path: `${out}-${n}.png`, clip: { x: 0, y, width: w, height: Math.min(Number(h), hh - y) }, fullPage: true });
await b.close();
