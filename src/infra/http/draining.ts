import { Global, Injectable, Module, type DynamicModule } from '@nestjs/common';

/**
 * Whether the process is stopping. Once it begins, responses close their
 * connection, readiness reports not ready, and whoever holds connections open
 * on purpose (change streams) is told to let go.
 */
@Injectable()
export class Draining {
  private started = false;
  private readonly listeners = new Set<() => void>();

  get active(): boolean {
    return this.started;
  }

  begin(): void {
    if (this.started) return;
    this.started = true;
    for (const listener of this.listeners) listener();
  }

  onBegin(listener: () => void): void {
    this.listeners.add(listener);
  }
}

/** Provides the one Draining the process has (made before the app: the request hook reads it too). */
@Global()
@Module({})
export class DrainingModule {
  static forRoot(draining = new Draining()): DynamicModule {
    return { module: DrainingModule, providers: [{ provide: Draining, useValue: draining }], exports: [Draining] };
  }
}
