// prom-client's own modules, imported one by one (metrics.ts, default-metrics.ts): the package's
// types describe only its index, so each module's one export is declared here from them.
declare module 'prom-client/lib/registry.js' {
  import type { Registry } from 'prom-client';

  const value: typeof Registry;
  export default value;
}
declare module 'prom-client/lib/counter.js' {
  import type { Counter } from 'prom-client';

  const value: typeof Counter;
  export default value;
}
declare module 'prom-client/lib/gauge.js' {
  import type { Gauge } from 'prom-client';

  const value: typeof Gauge;
  export default value;
}
declare module 'prom-client/lib/histogram.js' {
  import type { Histogram } from 'prom-client';

  const value: typeof Histogram;
  export default value;
}
/** One of collectDefaultMetrics's metrics (lib/metrics/*.js): registers itself on `registry`. */
declare module 'prom-client/lib/metrics/*' {
  import type { Registry } from 'prom-client';

  const value: (registry: Registry, config: { register: Registry; prefix: string }) => void;
  export default value;
}
