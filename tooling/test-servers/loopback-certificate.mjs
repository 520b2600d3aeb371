// A self-signed certificate for 127.0.0.1 (and localhost), made with the system's openssl (Node has no X.509
// generator). It is its own CA: a client trusts it by passing `cert` as `ca` (or, for a child process, the file as
// NODE_EXTRA_CA_CERTS), or leaves it untrusted to provoke a TLS error. Plain ESM so the TypeScript tests and the
// plain-node bench make the same certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `openssl` can be run here (tests that need a certificate skip without it). */
export function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a key and a one-day certificate for `IP:127.0.0.1` and `DNS:localhost` (PEM). With `dir`, the two files
 * stay there and `certPath` names the certificate; without it they are made in a temporary folder, removed after.
 * @param {{ dir?: string }} [options]
 * @returns {{ key: string, cert: string, certPath?: string }}
 */
export function makeLoopbackCertificate(options = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'loopback-cert-'));
  const keyPath = join(dir, 'loopback-key.pem');
  const certPath = join(dir, 'loopback-cert.pem');
  try {
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
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const pem = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
    return options.dir === undefined ? pem : { ...pem, certPath };
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
