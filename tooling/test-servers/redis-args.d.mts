/** Arguments for `redis-server` listening on 127.0.0.1:`port`, nothing written to disk. */
export declare function redisServerArgs(port: number): string[];
