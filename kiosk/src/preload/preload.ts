// Composition root of the preload (sandboxed, context-isolated): the only run-time electron import on
// this side. It exposes exactly one global, `window.mypass`, and nothing of Node or Electron itself.
import { contextBridge, ipcRenderer } from 'electron';
import { bridgeGlobalName } from './bridge-contract.js';
import { createKioskBridge } from './kiosk-bridge.js';

contextBridge.exposeInMainWorld(bridgeGlobalName, createKioskBridge(ipcRenderer));
