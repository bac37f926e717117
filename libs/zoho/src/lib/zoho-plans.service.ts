import { Injectable } from '@nestjs/common';
import { ZohoBillingClient } from './zoho-billing.client';
import type { ZohoPlan } from './zoho.types';

@Injectable()
export class ZohoPlansService {
  constructor(private readonly client: ZohoBillingClient) {}

  /** `GET /plans?filter_by=PlanStatus.*&product_id=` (plans.yml). */
  list(filter: { status?: 'All' | 'ACTIVE' | 'INACTIVE'; productId?: string } = {}): Promise<ZohoPlan[]> {
    return this.client.listAll<ZohoPlan>(
      'plans.list',
      {
        method: 'GET',
        path: '/plans',
        query: { filter_by: `PlanStatus.${filter.status ?? 'ACTIVE'}`, product_id: filter.productId },
      },
      'plans',
    );
  }

  async get(planCode: string): Promise<ZohoPlan> {
    const body = await this.client.read('plans.get', {
      method: 'GET',
      path: `/plans/${encodeURIComponent(planCode)}`,
    });
    return body['plan'] as ZohoPlan;
  }
}
