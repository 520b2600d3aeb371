export {
  isStatusPagePath,
  STATUS_PAGE_CSP,
  STATUS_PAGE_PATHS,
  type StatusPagePath,
  serveStatusPage,
} from './routes.js';
