import { Injectable } from '@nestjs/common';

/** Set when shutdown begins: webhooks answer 503 (the platforms retry later, elsewhere or after restart). */
@Injectable()
export class DrainState {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  start(): void {
    this.draining = true;
  }
}
