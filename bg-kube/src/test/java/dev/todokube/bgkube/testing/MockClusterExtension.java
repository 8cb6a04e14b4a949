package dev.todokube.bgkube.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link MockCluster} per test class, emptied before each test:
 * {@code @RegisterExtension static final MockClusterExtension CLUSTER = new MockClusterExtension();}
 */
public final class MockClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private MockCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = new MockCluster();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        cluster.close();
    }

    /** The class's cluster, already reset for the current test. */
    public MockCluster cluster() {
        return cluster;
    }
}
