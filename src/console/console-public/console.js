// The console's entry: loads the script of the page the server named (body data-page) and lets it
// draw into <main id="page">. Page scripts are ES modules under pages/, one per console page.
import { errorBox } from './console-lib.js';

const main = /** @type {HTMLElement} */ (document.getElementById('page'));
const page = document.body.dataset.page ?? '';

async function start() {
  try {
    const mod = await import(`./pages/${page}.js`);
    await mod.render(main);
  } catch (err) {
    main.replaceChildren(
      errorBox(`页面加载失败 The page failed: ${err instanceof Error ? err.message : err}`),
    );
  }
}

// Back and forward between filters redraw the page from the address bar.
window.addEventListener('popstate', () => start());
start();
