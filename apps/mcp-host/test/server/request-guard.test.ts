import { describe, expect, it } from 'vitest';
import { createRequestGuard } from '../../src/server/http/request-guard.js';
import { defaultAllowedHosts, defaultAllowedOrigins } from '../../src/server/index.js';

describe('default allow lists', () => {
  it('hold the loopback names with the port, plus the bind address', () => {
    expect(defaultAllowedHosts('127.0.0.1', 8080)).toEqual([
      '127.0.0.1:8080',
      'localhost:8080',
      '[::1]:8080',
    ]);
    expect(defaultAllowedHosts('::1', 8080)).toEqual(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']);
    expect(defaultAllowedHosts('gateway.lan', 80)).toContain('gateway.lan:80');
    expect(defaultAllowedOrigins('127.0.0.1', 8080)).toEqual([
      'http://127.0.0.1:8080',
      'http://localhost:8080',
      'http://[::1]:8080',
    ]);
  });
});

describe('the request guard', () => {
  const guard = createRequestGuard({
    bindHost: '127.0.0.1',
    port: 8080,
    allowedHosts: [],
    allowedOrigins: [],
  });

  it('refuses a missing Host, a foreign Host and a foreign Origin, and names the list to fix', () => {
    expect(guard({})?.status).toBe(403);
    expect(guard({ host: 'evil.example:8080' })?.message).toMatch(/allowedHosts/);
    expect(guard({ host: 'localhost:8080', origin: 'null' })?.message).toMatch(/allowedOrigins/);
  });

  it('compares case-insensitively and ignores a trailing slash in configured origins', () => {
    const configured = createRequestGuard({
      bindHost: '0.0.0.0',
      port: 1,
      allowedHosts: ['Gateway.LAN:443'],
      allowedOrigins: ['https://Console.LAN/'],
    });
    expect(configured({ host: 'gateway.lan:443', origin: 'https://console.lan' })).toBeUndefined();
    expect(configured({ host: '127.0.0.1:1' })?.status).toBe(403);
  });
});

describe('ports', () => {
  it('treat a missing port as the scheme default and nothing else', () => {
    const onPort80 = createRequestGuard({
      bindHost: '127.0.0.1',
      port: 80,
      allowedHosts: [],
      allowedOrigins: [],
    });
    expect(onPort80({ host: 'localhost', origin: 'http://localhost' })).toBeUndefined();
    expect(onPort80({ host: '[::1]' })).toBeUndefined();
    const onPort8080 = createRequestGuard({
      bindHost: '127.0.0.1',
      port: 8080,
      allowedHosts: ['console.lan'],
      allowedOrigins: ['https://console.lan'],
    });
    expect(onPort8080({ host: 'console.lan:80', origin: 'https://console.lan:443' })).toBeUndefined();
    expect(onPort8080({ host: 'localhost' })?.status).toBe(403);
    expect(onPort8080({ host: 'console.lan:80', origin: 'http://console.lan' })?.status).toBe(403);
  });

  it('never reads a Host as a URL, so userinfo tricks do not pass', () => {
    const guard = createRequestGuard({
      bindHost: '127.0.0.1',
      port: 8080,
      allowedHosts: [],
      allowedOrigins: [],
    });
    expect(guard({ host: 'evil.example@localhost:8080' })?.status).toBe(403);
  });
});
