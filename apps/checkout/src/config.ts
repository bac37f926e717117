/** Build-time configuration (Vite inlines VITE_* variables). */
export const API_URL: string =
  (import.meta.env.VITE_API_URL as string | undefined) ?? 'http://localhost:3000';
