# A vaultlab topology: two zones of one region, clients in an office 30 ms (round trip) away.
# Every latency here is ONE-WAY (half of what ping shows); durations are Go durations.
# Use it with: vaultlab up --topology docs/topology-example.hcl
topology {
  name = "two-zones-example"

  # Nodes are placed round-robin over the zones, in the order of their names: node1 in z1, node2 in z2, node3 in z1...
  zones {
    z1 { latency = "0.1ms" }                    # between two nodes of z1
    z2 {
      latency = "0.1ms"
      jitter  = "0.05ms"                        # each chunk: latency ± up to this, never below 0
    }
  }

  # One block per pair of zones.
  between "z1" "z2" { latency = "0.6ms" }

  # Clients to every zone, unless a zone has its own.
  clients {
    latency = "15ms"
    jitter  = "2ms"
    to "z2" { latency = "16ms" }
  }

  # The zone the storage backend sits in (default: the first zone).
  storage { zone = "z1" }
}
