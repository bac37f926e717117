// Baseline for bench/startup: the smallest NestJS app on the same adapter, bundled the same way.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller('health')
class HealthController {
  @Get('ready')
  ready(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(Number(process.env['PORT']), '127.0.0.1');
}
void main();
