// Imported first by main.tsx, so it is evaluated before any other module of the bundle.
import { disablePrint } from './disable-print.js';

disablePrint(window);
