package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Any failure as one of bg-kube's, with its exit code: an API server's refusal is a cluster failure. */
public final class ApiFailures {

    private ApiFailures() {}

    public static BgKubeException asBgKube(RuntimeException e) {
        if (e instanceof BgKubeException failure) {
            return failure;
        }
        if (e instanceof KubernetesClientException api) {
            return new ClusterException("Kubernetes API error: " + ApiCalls.describe(api), e);
        }
        return new ClusterException(String.valueOf(e.getMessage()), e);
    }
}
