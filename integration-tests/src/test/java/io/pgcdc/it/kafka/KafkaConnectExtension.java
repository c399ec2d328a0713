package io.pgcdc.it.kafka;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the shared {@link ConnectCluster} (or its {@link ConnectRestClient}) as a parameter,
 * stops it when the test run ends, and prints what the worker logged during a failed test.
 */
public final class KafkaConnectExtension
    implements ParameterResolver, BeforeEachCallback, TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaConnectExtension.class);
  private static final int FAILURE_LOG_LINES = 200;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ConnectCluster.class || type == ConnectRestClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ConnectCluster cluster = cluster(context);
    return parameter.getParameter().getType() == ConnectCluster.class ? cluster : cluster.rest();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ConnectCluster cluster = cluster(context);
    context
        .getStore(NAMESPACE)
        .put("worker-log-offset", LogFiles.size(cluster.worker().process().logFile()));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Long offset = context.getStore(NAMESPACE).get("worker-log-offset", Long.class);
    SharedCluster shared =
        context.getRoot().getStore(NAMESPACE).get(SharedCluster.class, SharedCluster.class);
    if (offset == null || shared == null) {
      return; // the cluster did not start: the failure says why
    }
    JavaProcess worker = shared.cluster().worker().process();
    System.err.printf(
        "---- %s failed; Connect worker log %s (last %d lines of this test):%n%s%n----%n",
        context.getDisplayName(),
        worker.logFile(),
        FAILURE_LOG_LINES,
        LogFiles.tailSince(worker.logFile(), offset, FAILURE_LOG_LINES));
  }

  /** Started once per JVM; closed with the root context, that is when the test run ends. */
  private static ConnectCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SharedCluster.class,
            key -> new SharedCluster(ConnectCluster.shared()),
            SharedCluster.class)
        .cluster();
  }

  private record SharedCluster(ConnectCluster cluster)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
    }
  }
}
