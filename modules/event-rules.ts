/** Which detections get an EventBridge rule in which region (a pure function of the model, in detections/). */
export { rulesForRegion } from '../detections/regions';
