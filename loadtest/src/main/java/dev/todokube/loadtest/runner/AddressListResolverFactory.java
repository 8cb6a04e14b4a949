package dev.todokube.loadtest.runner;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a {@link Target.Listed} into all of its addresses, so the channel's round_robin policy
 * balances calls over them; the list is asked again at every resolution (a file may have changed).
 * Given to one channel builder only, so nothing is registered globally.
 */
final class AddressListResolverFactory extends NameResolver.Factory {

    static final String SCHEME = "loadtest-addresses";

    private final Target.Listed target;

    AddressListResolverFactory(Target.Listed target) {
        this.target = target;
    }

    /** The channel target naming this factory's scheme; the factory ignores the rest. */
    static String channelTarget() {
        return SCHEME + ":///target";
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
                return target instanceof Target.Static fixed ? fixed.addresses().get(0).toString() : "localhost";
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
                List<Target.HostAndPort> addresses;
                try {
                    addresses = target.resolve();
                } catch (IOException e) {
                    listener.onError(Status.UNAVAILABLE.withDescription(e.getMessage()));
                    return;
                }
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                for (Target.HostAndPort address : addresses) {
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
