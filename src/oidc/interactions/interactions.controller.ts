import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../auth/public.decorator.js';
import { PAGE_SECURITY_HEADERS } from '../pages/html.js';
import { InteractionsService, type PageResult } from './interactions.service.js';

function render(response: Response, page: PageResult | undefined): void {
  if (!page) return; // the provider already redirected the browser
  response.status(page.status).set(PAGE_SECURITY_HEADERS).type('html').send(page.html);
}

/** Our sign-in and consent pages (oidc-provider's `interactions.url`). Browser-facing: HTML, not JSON. */
@ApiExcludeController()
@Public()
@Controller('interaction')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Get(':uid')
  async showInteraction(@Req() request: Request, @Res() response: Response): Promise<void> {
    render(response, await this.interactions.show(request, response));
  }

  @Post(':uid/login')
  async submitLogin(@Req() request: Request, @Res() response: Response): Promise<void> {
    render(response, await this.interactions.login(request, response));
  }

  @Post(':uid/confirm')
  async submitConsent(@Req() request: Request, @Res() response: Response): Promise<void> {
    render(response, await this.interactions.confirm(request, response));
  }

  @Post(':uid/abort')
  async abortInteraction(@Req() request: Request, @Res() response: Response): Promise<void> {
    render(response, await this.interactions.abort(request, response));
  }
}
