import { Global, Module } from '@nestjs/common';
import { ApiKeyAuthenticator, PublishableKeyOrigins } from '../auth/api-key.port.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ApiKeyAuthenticatorService } from './api-key-authenticator.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeysTenantLifecycle } from './api-keys-tenant-lifecycle.js';
import { PublishableKeyOriginsService } from './publishable-key-origins.js';
import { PublishableKeyRateLimiter } from './publishable-key-rate-limiter.js';

/**
 * API keys of tenants. Global because it provides two ports to modules below
 * it that must not import it: auth's guard (ApiKeyAuthenticator) and the CORS
 * registry in oidc (PublishableKeyOrigins).
 */
@Global()
@Module({
  imports: [TenantsModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    ApiKeysTenantLifecycle,
    PublishableKeyRateLimiter,
    ApiKeyAuthenticatorService,
    PublishableKeyOriginsService,
    { provide: ApiKeyAuthenticator, useExisting: ApiKeyAuthenticatorService },
    { provide: PublishableKeyOrigins, useExisting: PublishableKeyOriginsService },
  ],
  exports: [ApiKeysService, ApiKeyAuthenticator, PublishableKeyOrigins],
})
export class ApiKeysModule {}
