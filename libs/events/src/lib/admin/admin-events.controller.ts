import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OpsEventHistogram, OpsEventPage } from '@aia/contracts';
import { DomainError, ErrorCode } from '@aia/platform';
import { EventSummary, StoredEventDetail } from '../inbox/stored-event';
import { AdminTokenGuard } from './admin-token.guard';
import { DiscardEventDto, EventHistogramQueryDto, ListEventsQueryDto } from './admin-events.dto';
import { EventAdminService } from './event-admin.service';
import type { EventsStats } from './event-admin.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkId(id: string): string {
  // Anything that is not one of our uuids cannot name an event: 404 like an unknown uuid.
  if (!UUID.test(id)) throw new DomainError(ErrorCode.NotFound, `No event ${id}`);
  return id;
}

@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminEventsController {
  constructor(private readonly admin: EventAdminService) {}

  @Get('events')
  @ApiOperation({
    summary: 'Stored webhook events, newest first, filtered, searched (q) and paged',
  })
  async list(
    @Query() query: ListEventsQueryDto,
  ): Promise<{ items: EventSummary[]; total: number; limit: number; offset: number } & OpsEventPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const page = await this.admin.list({
      state: query.state,
      platform: query.platform,
      type: query.type,
      q: query.q,
      limit,
      offset,
    });
    return { ...page, limit, offset };
  }

  // Declared before events/:id (Fastify would prefer the static path anyway; this keeps it obvious).
  @Get('events/histogram')
  @ApiOperation({
    summary: 'Events received per hour (UTC, oldest first, every hour present), by their current state',
  })
  histogram(@Query() query: EventHistogramQueryDto): Promise<OpsEventHistogram> {
    return this.admin.histogram(query.hours ?? 24);
  }

  @Get('events/:id')
  @ApiOperation({ summary: 'One event with its payload, attempts and each error' })
  get(@Param('id') id: string): Promise<StoredEventDetail> {
    return this.admin.get(checkId(id));
  }

  @Post('events/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Process a dead, discarded or ignored event again' })
  retry(@Param('id') id: string): Promise<StoredEventDetail> {
    return this.admin.retry(checkId(id));
  }

  @Post('events/:id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up on a pending, retrying or dead event, with a reason' })
  discard(@Param('id') id: string, @Body() body: DiscardEventDto): Promise<StoredEventDetail> {
    return this.admin.discard(checkId(id), body.reason);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Counts by state, oldest pending age, dead letters' })
  stats(): Promise<EventsStats> {
    return this.admin.stats();
  }
}
