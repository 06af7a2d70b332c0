import { Module } from '@nestjs/common';
import { DpopReplayRepository } from '../auth/dpop-replay.repository.js';
import { ClientRegistry, TokenLiveness, VerificationKeys } from '../auth/issuer.port.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { OperatorsModule } from '../operators/operators.module.js';
import { ConsoleClient } from './console-client.js';
import { AccountsService } from './accounts.service.js';
import { ClientsController } from './clients.controller.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { InteractionsController } from './interactions/interactions.controller.js';
import { InteractionsService } from './interactions/interactions.service.js';
import { ConsoleSignIn } from './interactions/console-sign-in.js';
import { LoginThrottleRepository } from './interactions/login-throttle.repository.js';
import { LoginThrottleService } from './interactions/login-throttle.service.js';
import { SignInOutcomes } from './interactions/sign-in-outcomes.js';
import { KeysRepository } from './keys.repository.js';
import { KeysService } from './keys.service.js';
import { MaintenanceService } from './maintenance.service.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';
import { OidcTenantLifecycle } from './oidc-tenant-lifecycle.js';
import { OidcService } from './oidc.service.js';
import { TokenLivenessService } from './token-liveness.service.js';
import { WebOriginsService } from './web-origins.service.js';

/** The authorization server; it also provides what the API's guard needs from the issuer (auth/issuer.port.ts). */
@Module({
  imports: [TenantsModule, UsersModule, OperatorsModule],
  controllers: [InteractionsController, ClientsController],
  providers: [
    KeysRepository,
    KeysService,
    ClientsRepository,
    ClientsService,
    AccountsService,
    OidcService,
    OidcPayloadsRepository,
    OidcTenantLifecycle,
    TokenLivenessService,
    WebOriginsService,
    DpopReplayRepository,
    LoginThrottleRepository,
    LoginThrottleService,
    SignInOutcomes,
    InteractionsService,
    ConsoleSignIn,
    MaintenanceService,
    ConsoleClient,
    { provide: VerificationKeys, useExisting: KeysService },
    { provide: TokenLiveness, useExisting: TokenLivenessService },
    { provide: ClientRegistry, useExisting: ClientsService },
  ],
  exports: [
    KeysService,
    ConsoleClient,
    AccountsService,
    ClientsService,
    OidcService,
    MaintenanceService,
    WebOriginsService,
    SignInOutcomes,
    VerificationKeys,
    TokenLiveness,
    ClientRegistry,
  ],
})
export class OidcModule {}
