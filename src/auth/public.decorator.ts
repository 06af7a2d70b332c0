import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tenantry:public';

/** Opts a route or controller out of AccessTokenGuard (health checks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
