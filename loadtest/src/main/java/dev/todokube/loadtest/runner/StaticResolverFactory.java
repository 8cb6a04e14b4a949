package dev.todokube.loadtest.runner;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a {@link Target.Static} into all of its addresses, so the channel's round_robin policy
 * balances calls over them. Given to one channel builder only, so nothing is registered globally.
 */
final class StaticResolverFactory extends NameResolver.Factory {

    static final String SCHEME = "loadtest-static";

    private final Target.Static target;

    StaticResolverFactory(Target.Static target) {
        this.target = target;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        return new NameResolver() {
            private Listener2 listener;

            @Override
            public String getServiceAuthority() {
                return target.addresses().get(0).toString();
            }

            @Override
            public void start(Listener2 listener2) {
                this.listener = listener2;
                resolve();
            }

            @Override
            public void refresh() {
                resolve();
            }

            private void resolve() {
                if (listener == null) {
                    return;
                }
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                for (Target.HostAndPort address : target.addresses()) {
                    InetSocketAddress socketAddress = new InetSocketAddress(address.host(), address.port());
                    if (socketAddress.isUnresolved()) {
                        listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve " + address));
                        return;
                    }
                    groups.add(new EquivalentAddressGroup(socketAddress));
                }
                listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
            }

            @Override
            public void shutdown() {
                listener = null;
            }
        };
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }
}
