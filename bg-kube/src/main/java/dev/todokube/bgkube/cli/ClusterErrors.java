package dev.todokube.bgkube.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;

/** One line for a fabric8 error: the API's status message, or the connection problem. */
final class ClusterErrors {

    private ClusterErrors() {}

    static String describe(Exception e) {
        if (e instanceof KubernetesClientException k8s && k8s.getStatus() != null && k8s.getStatus().getMessage() != null) {
            return k8s.getStatus().getMessage() + " (HTTP " + k8s.getCode() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = firstLine(e.getMessage());
        if (root == e) {
            return first;
        }
        String hint = root instanceof IOException
                ? " (cannot reach the API server: check KUBECONFIG or ~/.kube/config, and --kube-context)" : "";
        return first + ": " + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + hint;
    }

    /** No HTTP answer at all (refused, unknown host, TLS or connect timeout), as opposed to an answer such as a 403. */
    static boolean isUnreachable(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
