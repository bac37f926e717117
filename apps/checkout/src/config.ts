/** Build-time configuration (Vite inlines VITE_* variables). */
export const API_URL: string =
  (import.meta.env.VITE_API_URL as string | undefined) ?? 'http://localhost:3000';

/** `VITE_THREE_D_SECURE=always`: run 3-D Secure even where the API does not require a liability shift. */
export const THREE_D_SECURE_ALWAYS: boolean = import.meta.env.VITE_THREE_D_SECURE === 'always';
