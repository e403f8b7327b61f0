/**
 * A real HTTPS reverse proxy on loopback, as an operator puts in front of kfbot serve: a
 * self-signed certificate made with openssl, requests forwarded to an upstream over HTTP, 502
 * when the upstream is down — and switches for the ways a misconfigured proxy spoils a callback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  key: string;
  cert: string;
  /** The certificate as a file, for `--ca`. */
  certFile: string;
  cleanup(): void;
}

/** A self-signed certificate for localhost and 127.0.0.1, valid one day; throws if openssl is absent. */
export function selfSignedCert(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'kfbot-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    certFile: cert,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TlsProxyOptions {
  /** Where requests go, e.g. http://127.0.0.1:8080 (the path is kept). */
  upstream: string;
  /** Rewrites the upstream's body before it is passed on (a proxy that spoils it). */
  rewriteBody?: (body: string) => string;
  /** Rewrites the path before forwarding (a proxy_pass with the wrong path). */
  rewritePath?: (path: string) => string;
}

export interface TlsProxy {
  url: string;
  options: TlsProxyOptions;
  close(): Promise<void>;
}

export async function startTlsProxy(tls: SelfSigned, options: TlsProxyOptions): Promise<TlsProxy> {
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const upstream = new URL(options.upstream);
    const path = options.rewritePath?.(req.url ?? '/') ?? req.url ?? '/';
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if (options.rewriteBody) body = options.rewriteBody(body);
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'text/plain' });
          res.end(body);
        });
      },
    );
    out.on('error', () => {
      // nginx's answer when proxy_pass cannot connect.
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
      );
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
