export {
  type DemoConnector,
  type DemoConnectorObservations,
  type DemoConnectorOptions,
  startDemoConnector,
} from './demo-connector.js';
export { type RunningDemo, startDemo } from './embedded-demo.js';
export { MapPublisher, type PublisherStats } from './map-publisher.js';
