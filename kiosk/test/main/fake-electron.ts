// Small Electron-shaped fakes: an event emitter that records listeners so a test can fire an event
// the way Electron would and see whether the lockdown called preventDefault or its callback.

export class FakeEmitter {
  readonly listeners = new Map<string, ((...args: never[]) => unknown)[]>();

  on(event: string, listener: (...args: never[]) => unknown): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  /** Calls every listener of `event`; throws when none is registered, so a missing guard fails loudly. */
  emit(event: string, ...args: unknown[]): void {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) throw new Error(`no listener for ${event}`);
    for (const listener of list) (listener as (...a: unknown[]) => unknown)(...args);
  }
}

export interface FakeEvent {
  prevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(extra: Record<string, unknown> = {}): FakeEvent & Record<string, unknown> {
  const event = {
    ...extra,
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}
