import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed first so the comparison takes the same
 * time whatever the length or content of the guess. An empty configured token (or no configuration at all,
 * as in a module test without AppConfigModule) disables the admin API: every request gets 401.
 * Lives in the platform lib so every layer's admin controllers (platform, pipeline, workflows) can use it;
 * `@aia/events` re-exports it for older imports.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    this.expected = config?.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = digest(match ? match[1] : '');
    if (!this.expected || !match || !timingSafeEqual(given, this.expected)) {
      throw new DomainError(ErrorCode.Unauthorized, 'A valid admin bearer token is required');
    }
    return true;
  }
}
