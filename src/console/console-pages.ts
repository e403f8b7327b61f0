/**
 * The console's pages, in navigation order; the first is what /console opens. A new page is a
 * file under api/ exporting a ConsolePage, its script console-public/pages/<id>.js, and a line here.
 */
import { conversationsPage } from './api/conversations-page.ts';
import { editPage } from './api/edit-page.ts';
import { overviewPage } from './api/overview-page.ts';
import { rulesPage } from './api/rules-page.ts';
import { unansweredPage } from './api/unanswered-page.ts';
import type { ConsolePage } from './console-page.ts';

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  overviewPage,
  unansweredPage,
  conversationsPage,
  rulesPage,
  editPage,
];
