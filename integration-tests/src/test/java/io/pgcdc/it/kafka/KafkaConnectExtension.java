package io.pgcdc.it.kafka;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the shared {@link ConnectCluster} (or its {@link ConnectRestClient}) as a parameter,
 * stops it when the test run ends, and prints what the worker logged during a failed test. A class
 * annotated {@link OwnConnectCluster} gets a cluster of its own instead.
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
    ExtensionContext owner = ownerContext(context);
    ClusterResource resource = owner.getStore(NAMESPACE).get(key(owner), ClusterResource.class);
    if (offset == null || resource == null) {
      return; // the cluster did not start: the failure says why
    }
    JavaProcess worker = resource.cluster().worker().process();
    System.err.printf(
        "---- %s failed; Connect worker log %s (last %d lines of this test):%n%s%n----%n",
        context.getDisplayName(),
        worker.logFile(),
        FAILURE_LOG_LINES,
        LogFiles.tailSince(worker.logFile(), offset, FAILURE_LOG_LINES));
  }

  /**
   * The shared cluster, started once per JVM and closed with the root context (when the test run
   * ends); or the class's own, closed with the class context.
   */
  private static ConnectCluster cluster(ExtensionContext context) {
    ExtensionContext owner = ownerContext(context);
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            key(owner),
            key ->
                new ClusterResource(
                    owner == context.getRoot()
                        ? ConnectCluster.shared()
                        : ConnectCluster.start(ownSettings(owner.getRequiredTestClass()))),
            ClusterResource.class)
        .cluster();
  }

  /**
   * Settings of a class's own cluster: logs in a folder of its own, its worker properties, its test
   * plugins.
   */
  private static KafkaSettings ownSettings(Class<?> testClass) {
    OwnConnectCluster own = testClass.getAnnotation(OwnConnectCluster.class);
    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
    for (String property : own.workerProperties()) {
      int eq = property.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            testClass.getName() + ": worker property " + property + " is not name=value");
      }
      overrides.put(property.substring(0, eq), property.substring(eq + 1));
    }
    java.nio.file.Path logDir = ItEnvironment.logDir().resolve(testClass.getSimpleName());
    KafkaSettings settings = KafkaSettings.fromEnvironment(logDir).withWorkerOverrides(overrides);
    if (own.testPlugins().length == 0) {
      return settings;
    }
    return settings.withExtraPluginDir(
        TestPlugins.write(logDir, testClass.getSimpleName(), List.of(own.testPlugins())));
  }

  /**
   * Store lookups fall back to the parent stores: a class's own cluster needs a key that the root
   * store (the shared cluster) does not have.
   */
  private static String key(ExtensionContext owner) {
    return owner
        .getTestClass()
        .map(c -> "connect-cluster-of-" + c.getName())
        .orElse("connect-cluster");
  }

  /** The root context, or the class context of a class annotated {@link OwnConnectCluster}. */
  private static ExtensionContext ownerContext(ExtensionContext context) {
    for (ExtensionContext c = context; c.getParent().isPresent(); c = c.getParent().get()) {
      if (c.getTestMethod().isEmpty()
          && c.getTestClass()
              .map(k -> k.isAnnotationPresent(OwnConnectCluster.class))
              .orElse(false)) {
        return c;
      }
    }
    return context.getRoot();
  }

  private record ClusterResource(ConnectCluster cluster)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
    }
  }
}
