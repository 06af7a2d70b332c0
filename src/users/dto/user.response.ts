import { ApiProperty } from '@nestjs/swagger';
import { TENANT_USER_ROLES } from '../../auth/console-roles.js';
import type { User } from '../user.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid', description: 'The `sub` of this user’s tokens' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ enum: TENANT_USER_ROLES, description: '`admin` may sign in to the console for this tenant' }) role!: string;
  @ApiProperty({ description: 'A disabled user cannot sign in' }) disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(user: User): UserResponse {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      emailVerified: user.emailVerified,
      role: user.role,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
}
