/**
 * The menus the FAQ builds as it decides, not written under `menus:`: the clarifying menu
 * (您是想问) and a `suggest:` action's menu (猜你想问). `last_menu` holds their names after one was
 * sent, so rules may test them: `when: { last_menu: faq_suggest }`.
 */
export const CLARIFY_MENU = 'faq_clarify';
export const SUGGEST_MENU = 'faq_suggest';
export const FAQ_MENUS: readonly string[] = [CLARIFY_MENU, SUGGEST_MENU];
