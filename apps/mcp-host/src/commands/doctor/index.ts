export { runDoctor } from './command.js';
export { type DoctorOptions, type DoctorReport, runDoctorChecks } from './runner.js';
