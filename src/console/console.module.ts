import { Module } from '@nestjs/common';
import { OidcModule } from '../oidc/oidc.module.js';
import { ConsoleCatalogueController } from './console-catalogue.controller.js';
import { ConsolePeopleController } from './console-people.controller.js';
import { ConsoleSegmentsController } from './console-segments.controller.js';
import { ConsoleApi } from './console-api.service.js';
import { ConsoleAuthController } from './console-auth.controller.js';
import { ConsoleFlagsController } from './console-flags.controller.js';
import { ConsoleIssuer } from './console-issuer.service.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { ConsoleSessionsRepository } from './console-sessions.repository.js';
import { ConsoleSessionsService } from './console-sessions.service.js';
import { ConsoleTenantsController } from './console-tenants.controller.js';

/**
 * The admin console's server side (a backend-for-frontend): server-rendered
 * pages under /console, signed in through our own issuer, acting through the
 * public API with the person's token.
 */
@Module({
  imports: [OidcModule],
  controllers: [
    ConsoleAuthController,
    ConsoleTenantsController,
    ConsoleFlagsController,
    ConsoleCatalogueController,
    ConsolePeopleController,
    ConsoleSegmentsController,
  ],
  providers: [ConsoleSessionsRepository, ConsoleSessionsService, ConsoleIssuer, ConsoleApi, ConsoleSessionGuard],
})
export class ConsoleModule {}
