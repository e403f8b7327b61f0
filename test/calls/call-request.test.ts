/**
 * A call's request rendered from placeholders: values encoded for where they go, env values only
 * as references until the request is made, and a value that would move the URL's path refused.
 */
import { describe, expect, it } from 'vitest';
import { materialize, redacted, renderCallRequest } from '../../src/rules/call-request.ts';
import { loadRulesOrThrow } from '../../src/rules/load-rules.ts';
import { ruleDir } from '../rules/helpers.ts';

const ruleSet = loadRulesOrThrow(
  ruleDir({
    'r.yaml': `settings: { calls: { allow: [shop.example.com] } }
rules:
  - name: r
    when: { text: { regex: '^查(?<q>.*)$' } }
    then:
      - call:
          name: c
          method: POST
          url: "https://shop.example.com/api/orders/{{match.q}}?t={{env.TOKEN}}"
          headers: { X-Note: "{{text}}", Authorization: "Bearer {{env.TOKEN}}" }
          body: { q: "{{match.q}}", n: [1, true, null], lit: 'a"b' }
`,
  }),
);
const call = (() => {
  const a = ruleSet.rules[0]?.actions[0];
  if (a?.type !== 'call') throw new Error('no call');
  return a.call;
})();
const render = (values: Record<string, string>) =>
  renderCallRequest('msg-1', 'r', 0, call, (name) => values[name]);

describe('call requests', () => {
  it('percent-encodes URL values, escapes body values as JSON, and strips control characters from headers', () => {
    const req = render({ 'match.q': 'a/b?c#d "e"', text: 'x\r\nInjected: 1' });
    const out = materialize(req, { TOKEN: 't&k n' });
    if (!('url' in out)) throw new Error(JSON.stringify(out));
    expect(out.url).toBe('https://shop.example.com/api/orders/a%2Fb%3Fc%23d%20%22e%22?t=t%26k%20n');
    expect(JSON.parse(out.body ?? '')).toEqual({ q: 'a/b?c#d "e"', n: [1, true, null], lit: 'a"b' });
    expect(out.headers['X-Note']).toBe('x  Injected: 1');
    expect(out.headers.Authorization).toBe('Bearer t&k n');
  });

  it('refuses a value that would move the path (..), and names a missing env variable', () => {
    expect(materialize(render({ 'match.q': '..' }), { TOKEN: 't' })).toEqual({
      escapes: 'https://shop.example.com/api/',
    });
    expect(materialize(render({ 'match.q': '1' }), {})).toEqual({ missing: ['TOKEN'] });
  });

  it('keeps env values out of the request it records and shows', () => {
    const req = render({ 'match.q': '1' });
    expect(JSON.stringify(req)).toContain('{"env":"TOKEN","enc":"url"}');
    expect(redacted(req).headers.Authorization).toBe('Bearer ‹env.TOKEN›');
    expect(redacted(req).url).toBe('https://shop.example.com/api/orders/1?t=‹env.TOKEN›');
  });

  it('gives every attempt of one call the same Idempotency-Key, and other messages or calls another', () => {
    const a = render({ 'match.q': '1' }).key;
    expect(render({ 'match.q': '2' }).key).toBe(a);
    expect(renderCallRequest('msg-2', 'r', 0, call, () => '1').key).not.toBe(a);
  });
});
