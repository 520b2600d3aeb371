// A self-signed certificate for 127.0.0.1, made at bench time with the system's openssl (Node has no X.509
// generator). The certificate is its own CA: clients trust it through `ca` (in-process) or NODE_EXTRA_CA_CERTS
// (a child process, read once at start-up).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {string} dir a private temp directory
 * @returns {{ key: string, cert: string, certPath: string }}
 */
export function makeLoopbackCertificate(dir) {
  const keyPath = path.join(dir, 'loopback-key.pem');
  const certPath = path.join(dir, 'loopback-cert.pem');
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
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

/** Whether `openssl` can be run here. */
export function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
