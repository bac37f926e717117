import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@aia/events';
import { SendCheckoutLinkUseCase } from '@aia/workflows';
import { CreateCheckoutSessionDto } from './dto/complete-checkout.dto';

export interface CreatedCheckoutSession {
  record_id: string;
  mode: 'subscribe' | 'update_card';
  url: string;
  session_id: string;
  expires_at: string;
}

/** Operators create a link by hand (the same use case as the Attio trigger: link, status and note on the record). */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin/checkout-sessions')
export class AdminCheckoutSessionsController {
  constructor(private readonly sendLink: SendCheckoutLinkUseCase) {}

  @Post()
  @ApiOperation({ summary: 'Create a checkout link for an Attio record and write it onto the record' })
  async create(@Body() body: CreateCheckoutSessionDto): Promise<CreatedCheckoutSession> {
    const mode = body.mode ?? 'subscribe';
    const link = await this.sendLink.execute({ recordId: body.record_id, mode, planCode: body.plan_code });
    return {
      record_id: body.record_id,
      mode,
      url: link.url,
      session_id: link.sessionId,
      expires_at: link.expiresAt.toISOString(),
    };
  }
}
