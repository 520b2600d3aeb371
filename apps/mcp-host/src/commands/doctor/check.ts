/**
 * What a check found:
 * - `ok`: fine.
 * - `warn`: works, but something deserves attention (an expired map still served, a read-only registry file).
 * - `fail`: the host cannot do this part of its job as configured; the check carries a fix.
 * - `skip`: not checked, because there is nothing to check or an earlier check failed (the reason says which).
 */
export type DoctorCheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** The area a check belongs to, in the order the doctor reports them. */
export type DoctorCheckArea =
  | 'config'
  | 'map'
  | 'signature'
  | 'expiry'
  | 'connector'
  | 'registry'
  | 'redis'
  | 'auth';

/** One line of the doctor's report. Holds no secret: every text passes the runner's secret scrubber. */
export interface DoctorCheck {
  readonly area: DoctorCheckArea;
  /** What was checked, for people: "configuration", "service map", "connector notes". */
  readonly name: string;
  readonly status: DoctorCheckStatus;
  /** What was found, one line. */
  readonly detail: string;
  /** What to do about a `fail` (and a `warn`, when there is something to do). */
  readonly fix?: string | undefined;
  /** The connector of a connector check. */
  readonly connectorId?: string | undefined;
  /** A reachable connector's transport, negotiated MCP protocol version and tool count. */
  readonly transport?: string | undefined;
  readonly protocolVersion?: string | undefined;
  readonly toolCount?: number | undefined;
  /** How long the check's network work took, in ms (map fetch, connector probe). */
  readonly durationMs?: number | undefined;
}

/** A check, built without repeating the area and name on every outcome. */
export function check(
  area: DoctorCheckArea,
  name: string,
  status: DoctorCheckStatus,
  detail: string,
  extra: Omit<DoctorCheck, 'area' | 'name' | 'status' | 'detail'> = {},
): DoctorCheck {
  return { area, name, status, detail, ...extra };
}

/** True when no check failed (warnings and skips allowed): the doctor's exit code is 0 exactly then. */
export function allPassed(checks: readonly DoctorCheck[]): boolean {
  return checks.every((entry) => entry.status !== 'fail');
}
