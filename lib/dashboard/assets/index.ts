import { DASHBOARD_CSS } from './dashboard.css';
import { DASHBOARD_ICON } from './icon.svg';
import { DASHBOARD_JS } from './dashboard.js';

/** A file the dashboard serves from the package. */
export interface Asset {
  type: string;
  body: string;
}

const ASSETS: Record<string, Asset> = {
  'dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', body: DASHBOARD_JS },
  'icon.svg': { type: 'image/svg+xml', body: DASHBOARD_ICON },
};

/** The asset of that name, or null. */
export function asset(file: string): Asset | null {
  return Object.prototype.hasOwnProperty.call(ASSETS, file) ? ASSETS[file] : null;
}
