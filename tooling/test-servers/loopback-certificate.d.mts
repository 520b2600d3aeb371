/** Whether `openssl` can be run here (tests that need a certificate skip without it). */
export declare function hasOpenssl(): boolean;

/**
 * Makes a key and a one-day certificate for `IP:127.0.0.1` and `DNS:localhost` (PEM). With `dir`, the files stay
 * there and `certPath` names the certificate; without it they are made in a temporary folder, removed after.
 */
export declare function makeLoopbackCertificate(options?: { dir?: string }): {
  key: string;
  cert: string;
  certPath?: string;
};
