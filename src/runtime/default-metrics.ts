/**
 * prom-client's default metrics (process CPU and memory, file descriptors, event loop lag, heap,
 * GC, Node version) registered as its collectDefaultMetrics registers them, but for one module:
 * its process CPU counters load @opentelemetry/api (51 modules, ~25 ms of every start-up) for
 * exemplars, which kfbot does not turn on. Those three counters are made here the same way,
 * without exemplars; every other metric is prom-client's own module, in prom-client's order.
 * metrics.test.ts checks /metrics against collectDefaultMetrics, so a prom-client upgrade that
 * changes the defaults fails a test instead of changing /metrics.
 */
import type * as PromClient from 'prom-client';
import eventLoopLag from 'prom-client/lib/metrics/eventLoopLag.js';
import gc from 'prom-client/lib/metrics/gc.js';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

interface DefaultMetricsConfig {
  register: PromClient.Registry;
  prefix: string;
}

/**
 * prom-client's lib/defaultMetrics.js list, after processCpuTotal. Imported, not required by name,
 * so that the build bundles them (scripts/build.mjs).
 */
const PROM_CLIENT_METRICS = [
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  eventLoopLag,
  // prom-client registers it only where Node has process.getActiveResourcesInfo (Node 20 does).
  ...(typeof process.getActiveResourcesInfo === 'function' ? [processResources] : []),
  processHandles,
  processRequests,
  heapSizeAndUsed,
  heapSpacesSizeAndUsed,
  version,
  gc,
];

export function collectDefaultMetrics(
  Counter: typeof PromClient.Counter,
  config: { register: PromClient.Registry; prefix: string },
): void {
  const full = { eventLoopMonitoringPrecision: 10, ...config };
  processCpuTotal(Counter, full);
  for (const metric of PROM_CLIENT_METRICS) metric(full.register, full);
}

/** prom-client's lib/metrics/processCpuTotal.js without exemplars: CPU time since the last scrape. */
function processCpuTotal(
  Counter: typeof PromClient.Counter,
  { register, prefix }: DefaultMetricsConfig,
): void {
  let lastCpuUsage = process.cpuUsage();
  const user = new Counter({
    name: `${prefix}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    registers: [register],
    // This one metric's collect sets all three.
    collect() {
      const cpuUsage = process.cpuUsage();
      const userMicros = cpuUsage.user - lastCpuUsage.user;
      const systemMicros = cpuUsage.system - lastCpuUsage.system;
      lastCpuUsage = cpuUsage;
      user.inc(userMicros / 1e6);
      system.inc(systemMicros / 1e6);
      total.inc((userMicros + systemMicros) / 1e6);
    },
  });
  const system = new Counter({
    name: `${prefix}process_cpu_system_seconds_total`,
    help: 'Total system CPU time spent in seconds.',
    registers: [register],
  });
  const total = new Counter({
    name: `${prefix}process_cpu_seconds_total`,
    help: 'Total user and system CPU time spent in seconds.',
    registers: [register],
  });
}
