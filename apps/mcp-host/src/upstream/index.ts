export { type EgressLookup, EgressPolicy, type EgressPolicyOptions } from './egress-policy.js';
export { createHostPool, type UpstreamSettings } from './host-pool.js';
export { createConnectorProxy, type ProxyCallbacks, type ProxyFactoryDeps } from './proxy-factory.js';
export { UpstreamPool, type UpstreamPoolOptions } from './upstream-pool.js';
