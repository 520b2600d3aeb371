import type { ConnectProgressEvent } from '../manager/index.js';
import type { CommandIo } from './command.js';
import { printable } from './format.js';

const CLEAR_LINE = '\r\u001b[K';
const MAX_ERROR_LENGTH = 200;

/**
 * The "connecting n/N" line of long CLI work, on stderr and only when stderr is a terminal (`io.isTTY`): piped or
 * captured output stays quiet and machine-readable. Each failure is printed once, on a line of its own above the
 * progress line, naming the connector and why; the progress line is redrawn in place.
 */
export class ConnectProgressLine {
  /** Whether anything is shown at all (stderr is a terminal). */
  readonly enabled: boolean;
  readonly #io: CommandIo;
  readonly #label: string;
  readonly #failed: string[] = [];
  #drawn = false;

  /** `label` starts the line: "connecting" → "connecting 3/5 connectors (1 failed)". */
  constructor(io: CommandIo, label: string) {
    this.#io = io;
    this.#label = label;
    this.enabled = io.isTTY === true;
  }

  /** Shows one settled connect (the manager's `onConnectProgress` event, or the doctor's probe). */
  update(event: ConnectProgressEvent): void {
    if (!this.enabled) return;
    let text = CLEAR_LINE;
    if (!event.ok) {
      this.#failed.push(event.connectorId);
      text += `  failed: ${printable(event.connectorId)}: ${shorten(printable(event.error ?? 'unknown error'))}\n`;
    }
    const failures = this.#failed.length === 0 ? '' : ` (${this.#failed.length} failed)`;
    text += `${this.#label} ${event.done}/${event.total} connectors${failures}`;
    this.#io.stderr.write(text);
    this.#drawn = true;
  }

  /** Ends the progress line (a newline after it), naming the failed connectors; idempotent. */
  finish(): void {
    if (!this.#drawn) return;
    this.#drawn = false;
    const failed = this.#failed.length === 0 ? '' : `; failed: ${this.#failed.map(printable).join(', ')}`;
    this.#io.stderr.write(`${failed}\n`);
  }
}

function shorten(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
