/** A real etcd cluster run as child processes on loopback, and where its binary is. */
export { ETCD_INSTALL, etcdBinary } from './etcd-binary.ts';
export { EtcdCluster, type EtcdClusterOptions, type EtcdMember, type EtcdMemberHealth } from './etcd-cluster.ts';
export { parseEtcdUrls } from './etcd-urls.ts';
