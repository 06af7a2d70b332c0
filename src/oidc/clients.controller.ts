import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { OidcError } from './oidc.errors.js';
import { ClientsService } from './clients.service.js';
import { ClientListResponse, ClientResponse, ClientWithSecretResponse } from './dto/client.response.js';
import { CreateClientDto, ListClientsQueryDto } from './dto/create-client.dto.js';
import { ValidBody, ValidQuery } from '../infra/http/validation.js';

@ApiTags('clients')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @RequireScopes('clients:write')
  @ApiCreatedResponse({ type: ClientWithSecretResponse, description: 'A confidential client’s secret is in the response, once' })
  async createClient(@CurrentPrincipal() principal: Principal, @ValidBody() body: CreateClientDto): Promise<ClientWithSecretResponse> {
    // A tenant-bound token registers clients of its own tenant; naming another looks like naming none that exists.
    if (principal.tenantSlug !== null && body.tenant !== undefined && body.tenant !== principal.tenantSlug) {
      throw new OidcError('CLIENT_NOT_FOUND', `No tenant "${body.tenant}" for this token.`);
    }
    const tenantSlug = principal.tenantSlug ?? body.tenant;
    const { client, clientSecret } = await this.clients.create({ ...body, tenantSlug });
    return { ...ClientResponse.from(client), ...(clientSecret ? { clientSecret } : {}) };
  }

  @Get()
  @RequireScopes('clients:read')
  @ApiOkResponse({ type: ClientListResponse })
  async listClients(@CurrentPrincipal() principal: Principal, @ValidQuery() query: ListClientsQueryDto): Promise<ClientListResponse> {
    return { items: (await this.clients.list(query.tenant, principal)).map(ClientResponse.from) };
  }

  @Get(':clientId')
  @RequireScopes('clients:read')
  @ApiOkResponse({ type: ClientResponse })
  @ApiNotFoundResponse({ description: 'No such client' })
  async getClient(@CurrentPrincipal() principal: Principal, @Param('clientId') clientId: string): Promise<ClientResponse> {
    return ClientResponse.from(await this.clients.get(clientId, principal));
  }

  @Post(':clientId/secret')
  @RequireScopes('clients:write')
  @ApiCreatedResponse({ type: ClientWithSecretResponse, description: 'The new secret, once; the old one no longer works' })
  @ApiConflictResponse({ description: 'The console’s own client, kept by Tenantry' })
  async rotateClientSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId') clientId: string,
  ): Promise<ClientWithSecretResponse> {
    const { client, clientSecret } = await this.clients.rotateSecret(clientId, principal);
    return { ...ClientResponse.from(client), clientSecret };
  }

  @Delete(':clientId')
  @HttpCode(204)
  @RequireScopes('clients:write')
  @ApiNoContentResponse({ description: 'Removed; its tokens stop working' })
  @ApiNotFoundResponse({ description: 'No such client' })
  @ApiConflictResponse({ description: 'The console’s own client, kept by Tenantry' })
  async deleteClient(@CurrentPrincipal() principal: Principal, @Param('clientId') clientId: string): Promise<void> {
    await this.clients.delete(clientId, principal);
  }
}
