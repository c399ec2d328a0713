package io.pgcdc.connector.cleanup;

import io.pgcdc.connector.source.PostgresSourceConnector;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

/**
 * Drops the replication slot and publication of a pgcdc source connector when the connector is
 * deleted ({@code DELETE /connectors/NAME}) or its offsets are reset ({@code DELETE
 * /connectors/NAME/offsets}), if its {@code cleanup.on.delete} is true (the default). Kafka Connect
 * tells a connector nothing about its deletion, so this watches the REST API. Enable it in the
 * worker settings: {@code
 * rest.extension.classes=io.pgcdc.connector.cleanup.CleanupOnDeleteExtension}.
 *
 * <p>The worker that receives the user's request cleans up, after the request has succeeded and
 * before it answers; a request forwarded to the leader is left alone. Dropping is idempotent.
 *
 * <p>It also serves the signal endpoints, {@code /pgcdc/connectors/NAME/snapshot} ({@link
 * SignalResource}), and warns when a pgcdc connector config sent to the REST API has a password in
 * clear text (see {@link ClearSecretsFilter}).
 */
public class CleanupOnDeleteExtension implements ConnectRestExtension {
  /** Connect's worker setting; its default is 5 seconds. */
  static final String TASK_SHUTDOWN_TIMEOUT_CONFIG = "task.shutdown.graceful.timeout.ms";

  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
  private static final Duration DROP_TIMEOUT_AFTER_GRACE = Duration.ofSeconds(30);

  private ConfigProviders providers;
  private ReplicationCleaner cleaner;

  @Override
  public void configure(Map<String, ?> workerConfig) {
    Duration grace = grace(workerConfig);
    providers = ConfigProviders.fromWorkerConfig(workerConfig);
    cleaner = new ReplicationCleaner(grace, grace.plus(DROP_TIMEOUT_AFTER_GRACE));
  }

  /**
   * How long a task may keep reading its slot after the delete: as long as the worker waits for a
   * task to stop.
   */
  static Duration grace(Map<String, ?> workerConfig) {
    Object value = workerConfig.get(TASK_SHUTDOWN_TIMEOUT_CONFIG);
    if (value == null) {
      return DEFAULT_GRACE;
    }
    try {
      return Duration.ofMillis(Math.max(0, Long.parseLong(value.toString().trim())));
    } catch (NumberFormatException e) {
      return DEFAULT_GRACE; // the worker itself rejects such a value at start-up
    }
  }

  @Override
  public void register(ConnectRestExtensionContext context) {
    if (cleaner == null) {
      configure(Map.of());
    }
    context.configurable().register(new CleanupFilter(context.clusterState(), providers, cleaner));
    context.configurable().register(new ClearSecretsFilter());
    context.configurable().register(new SignalResource(context.clusterState(), providers));
  }

  @Override
  public String version() {
    return new PostgresSourceConnector().version();
  }

  @Override
  public void close() {
    if (providers != null) {
      providers.close();
    }
  }
}
