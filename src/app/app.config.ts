import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  type ApplicationConfig,
  isDevMode,
  provideBrowserGlobalErrorListeners,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState, provideStore } from '@ngrx/store';
import { AlertingEffects } from './alerting/alerting.effects';
import { routes } from './app.routes';
import { AuthEffects } from './auth/auth.effects';
import { authFeature } from './auth/auth.feature';
import { CallsEffects } from './calls/calls.effects';
import { callsFeature } from './calls/calls.feature';
import { CallMediaService } from './media/call-media.service';
import { MediaEffects } from './media/media.effects';
import { mediaFeature } from './media/media.feature';
import { SessionEffects } from './session/session.effects';
import { sessionFeature } from './session/session.feature';
import { MEDIA_ENGINE } from './shared/telephony.service';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch()),
    provideStore(
      {},
      {
        // SDK objects (Call, MediaStream) must never reach the store; these checks catch it in development.
        runtimeChecks: {
          strictStateImmutability: isDevMode(),
          strictActionImmutability: isDevMode(),
          strictStateSerializability: isDevMode(),
          strictActionSerializability: isDevMode(),
          strictActionTypeUniqueness: isDevMode(),
        },
      },
    ),
    provideState(authFeature),
    provideState(sessionFeature),
    provideState(callsFeature),
    provideState(mediaFeature),
    provideEffects(AuthEffects, SessionEffects, CallsEffects, MediaEffects, AlertingEffects),
    // Calls this tab answers or dials join their LiveKit room through the media module.
    { provide: MEDIA_ENGINE, useExisting: CallMediaService },
  ],
};
