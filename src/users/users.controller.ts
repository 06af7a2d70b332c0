import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { CreateUserDto, UpdateUserDto } from './dto/create-user.dto.js';
import { UserListResponse, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';
import { ValidBody } from '../infra/http/validation.js';

@ApiTags('users')
@Controller('api/v1/tenants/:slug/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequireScopes('users:write')
  @ActsOnTenant()
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'The email is already registered in this tenant' })
  async createUser(@ActingTenant() tenant: Tenant, @ValidBody() body: CreateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.create(tenant, body));
  }

  @Get()
  @RequireScopes('users:read')
  @ActsOnTenant()
  @ApiOkResponse({ type: UserListResponse })
  async listUsers(@ActingTenant() tenant: Tenant): Promise<UserListResponse> {
    return { items: (await this.users.list(tenant)).map(UserResponse.from) };
  }

  @Patch(':id')
  @RequireScopes('users:write')
  @ActsOnTenant()
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse({ description: 'No such tenant or user' })
  async updateUser(
    @ActingTenant() tenant: Tenant,
    @Param('id', new ParseUUIDPipe()) id: string,
    @ValidBody() body: UpdateUserDto,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.users.update(tenant, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ActsOnTenant()
  @ApiNoContentResponse({ description: 'Deleted; the user can no longer sign in' })
  @ApiNotFoundResponse({ description: 'No such tenant or user' })
  async deleteUser(@ActingTenant() tenant: Tenant, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.users.delete(tenant, id);
  }
}
