/** The lab: the composition root that builds nodes, backends and listeners. */
export { startDevServer, startServer, type DevServer, type RunningServer, type ServerConfig } from './single-server.ts';
