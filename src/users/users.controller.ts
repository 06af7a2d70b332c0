import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UserListResponse, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('api/v1/tenants/:slug/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
  ) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'The email is already registered in this tenant' })
  async createUser(@Param('slug') slug: string, @Body() body: CreateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.create(await this.tenants.get(slug), body));
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: UserListResponse })
  async listUsers(@Param('slug') slug: string): Promise<UserListResponse> {
    return { items: (await this.users.list(await this.tenants.get(slug))).map(UserResponse.from) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiNoContentResponse({ description: 'Deleted; the user can no longer sign in' })
  @ApiNotFoundResponse({ description: 'No such tenant or user' })
  async deleteUser(@Param('slug') slug: string, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.users.delete(await this.tenants.get(slug), id);
  }
}
