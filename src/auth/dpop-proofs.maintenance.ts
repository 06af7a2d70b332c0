import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DpopReplayRepository } from './dpop-replay.repository.js';

const PURGE_MS = 10 * 60_000;

/** Forgets accepted DPoP proofs once they can no longer be replayed (their iat window is over). */
@Injectable()
export class DpopProofsMaintenance implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DpopProofsMaintenance.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly proofs: DpopReplayRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.proofs.deleteExpired().catch((error: Error) => this.logger.warn(`could not purge expired DPoP proofs: ${error.message}`));
    }, PURGE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
