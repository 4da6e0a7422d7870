// A total time cap per directory operation: every call inside one operation shares one deadline,
// so the Graph client's RetryHandler, msal and our own re-reads cannot add up past it.

export class OperationDeadlineError extends Error {
  constructor(readonly retryAfter?: number) {
    super('directory operation exceeded its time cap');
    this.name = 'OperationDeadlineError';
  }
}

export class OperationDeadline {
  readonly expiresAt: number;
  /** Aborted when the cap is reached; handed to every fetch of the operation. */
  readonly signal: AbortSignal;
  /** The last Retry-After the directory sent, reported to the caller when we give up. */
  lastRetryAfter: number | undefined;

  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(totalMs: number, now = Date.now()) {
    this.expiresAt = now + totalMs;
    // A timer the operation clears when it ends (dispose), rather than AbortSignal.timeout's, which
    // fires totalMs later for every finished operation.
    const controller = new AbortController();
    this.signal = controller.signal;
    this.timer = setTimeout(
      () => controller.abort(new DOMException('the directory operation timed out', 'TimeoutError')),
      totalMs,
    );
    this.timer.unref();
  }

  /** The operation is over: its deadline no longer needs to fire. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.expiresAt - now);
  }

  /** Whether waiting `seconds` and trying once more still fits inside the cap. */
  allowsWait(seconds: number, now = Date.now()): boolean {
    return now + seconds * 1000 < this.expiresAt;
  }
}
