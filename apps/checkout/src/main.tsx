// First import on purpose: it sends the session request before React below is evaluated.
import { checkoutApi, pathname } from './app/prefetch-session';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App pathname={pathname} api={checkoutApi} />
  </StrictMode>,
);
