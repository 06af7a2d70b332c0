import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid', description: 'The `sub` of this user’s tokens' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(user: User): UserResponse {
    return { id: user.id, email: user.email, name: user.name, emailVerified: user.emailVerified, createdAt: user.createdAt.toISOString() };
  }
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
}
