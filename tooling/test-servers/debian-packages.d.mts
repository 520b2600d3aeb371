/** A test server: the binaries that satisfy it and the Debian packages that provide them. */
export interface TestServerPackages {
  readonly binaries: readonly string[];
  readonly packages: readonly string[];
}

/** What the tests need: redis-server and a Chromium (or Chrome) binary. */
export declare const TEST_SERVERS: {
  readonly redis: TestServerPackages;
  readonly chromium: TestServerPackages;
};

/** Whether `path` is an executable file. */
export declare function isExecutable(path: string): boolean;

/** The first of `names` found executable on PATH or in the usual Debian directories. */
export declare function findExecutable(names: readonly string[]): string | undefined;

/** Whether this process may install Debian packages (root with apt-get). */
export declare function canInstallPackages(): boolean;

/** `apt-get update` + `apt-get install` of `packages`, waiting for a dpkg lock another install holds. */
export declare function installDebianPackages(packages: readonly string[]): Promise<void>;

/** The path of one of `server.binaries`, installing `server.packages` first when missing (root + apt-get). */
export declare function ensureBinary(server: TestServerPackages, manual: string): Promise<string>;
