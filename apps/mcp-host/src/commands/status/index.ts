export { defaultUrl, runStatus, type StatusCommandOptions } from './command.js';
