package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;

/** {@link PortForwarder} over the Kubernetes port-forward API, bound to 127.0.0.1 on a free port. */
public final class Fabric8PortForwarder implements PortForwarder {

  private final KubernetesClient client;

  public Fabric8PortForwarder(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Tunnel open(String namespace, String service, int port) {
    LocalPortForward forward = client.services().inNamespace(namespace).withName(service)
        .portForward(port, InetAddress.getLoopbackAddress(), 0);
    String address = "127.0.0.1:" + forward.getLocalPort();
    return new Tunnel() {
      @Override
      public String address() {
        return address;
      }

      @Override
      public void close() {
        try {
          forward.close();
        } catch (IOException e) {
          throw new ClusterException("cannot close the port-forward to service " + service + ": " + e.getMessage(), e);
        }
      }
    };
  }
}
