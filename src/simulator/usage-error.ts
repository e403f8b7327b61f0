/**
 * Thrown by the driver API when a test or the sandbox asks for something the platform could not
 * produce (a servicer taking a session that is not queued, a failure report for a message never
 * sent). It is a bug in the caller's script, never a simulated platform error: those are errcodes.
 */
export type UsageErrorCode =
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_SERVICER'
  | 'UNKNOWN_CUSTOMER'
  | 'UNKNOWN_MESSAGE'
  | 'WRONG_STATE'
  | 'BAD_ARGUMENT';

export class SimulatorUsageError extends Error {
  override readonly name = 'SimulatorUsageError';

  constructor(
    readonly code: UsageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
