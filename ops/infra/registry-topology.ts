/**
 * The registry topology provisioning and schema sync read: the registry module's view
 * (registry/topology.ts), re-exported here for the infra entry points.
 */
export {
  readRegistryTopology,
  registryTopologyFromDocument,
  topologyOf,
  type RegistryTopology,
  type TopologyEvent,
  type TopologyReceiver,
} from '../../registry/topology.js';
