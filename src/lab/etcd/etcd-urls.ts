/** etcd client URLs as Vault's `address` and `up --etcd` take them: comma-separated http(s)://host:port. */

/** The URLs in `text`, without a trailing slash; the first one that is not a client URL is returned as `bad`. */
export function parseEtcdUrls(text: string): { urls: string[]; bad?: string } {
  const urls = text.split(',').map((u) => u.trim());
  const bad = urls.find((u) => !/^https?:\/\/[^/\s]+\/?$/.test(u));
  return { urls: urls.map((u) => u.replace(/\/$/, '')), bad };
}
