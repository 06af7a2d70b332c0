import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { ClientsService } from './clients.service.js';
import { ClientListResponse, ClientResponse, ClientWithSecretResponse } from './dto/client.response.js';
import { CreateClientDto, ListClientsQueryDto } from './dto/create-client.dto.js';
import { ValidBody, ValidQuery } from '../infra/http/validation.js';

@ApiTags('clients')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiCreatedResponse({ type: ClientWithSecretResponse, description: 'A confidential client’s secret is in the response, once' })
  async createClient(@ValidBody() body: CreateClientDto): Promise<ClientWithSecretResponse> {
    const { client, clientSecret } = await this.clients.create({ ...body, tenantSlug: body.tenant });
    return { ...ClientResponse.from(client), ...(clientSecret ? { clientSecret } : {}) };
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: ClientListResponse })
  async listClients(@ValidQuery() query: ListClientsQueryDto): Promise<ClientListResponse> {
    return { items: (await this.clients.list(query.tenant)).map(ClientResponse.from) };
  }

  @Get(':clientId')
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: ClientResponse })
  @ApiNotFoundResponse({ description: 'No such client' })
  async getClient(@Param('clientId') clientId: string): Promise<ClientResponse> {
    return ClientResponse.from(await this.clients.get(clientId));
  }

  @Post(':clientId/secret')
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiCreatedResponse({ type: ClientWithSecretResponse, description: 'The new secret, once; the old one no longer works' })
  async rotateClientSecret(@Param('clientId') clientId: string): Promise<ClientWithSecretResponse> {
    const { client, clientSecret } = await this.clients.rotateSecret(clientId);
    return { ...ClientResponse.from(client), clientSecret };
  }

  @Delete(':clientId')
  @HttpCode(204)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiNoContentResponse({ description: 'Removed; its tokens stop working' })
  @ApiNotFoundResponse({ description: 'No such client' })
  async deleteClient(@Param('clientId') clientId: string): Promise<void> {
    await this.clients.delete(clientId);
  }
}
