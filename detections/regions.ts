/** Which detections get an EventBridge rule in which region. */
import type { Model } from '../config/model';
import { GLOBAL_EVENTS_REGION } from '../config/contract';
import type { Detection } from './catalog';

export function rulesForRegion(model: Model, region: string, scope: 'forwarded' | 'security-default-bus'): Detection[] {
  const home = model.organization.homeRegion;
  return model.detections.filter((d) => {
    if (!d.event || d.event.scope !== scope) return false;
    if (d.event.regions === 'all') return true;
    if (d.event.regions === 'home') return region === home;
    return region === GLOBAL_EVENTS_REGION;
  });
}
