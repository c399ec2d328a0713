package io.pgcdc.it.cleanup.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A config provider ({@code ${gate:FOLDER:open}}) that, once armed, shuts the herder the first time
 * a REST request thread resolves it: it asks {@link HerderHoldingConnector} to hold the herder
 * thread and answers only once it does. The cleanup extension resolves a connector's config between
 * reading that config and reading the list of connectors, so a DELETE of a connector whose config
 * refers to the gate finds its own config readable and the list of connectors not.
 *
 * <p>Files in FOLDER: {@code armed} (written by the test, removed here when the gate fires), {@code
 * hold} (written here; the test removes it to let the herder go on), {@code held} (written by the
 * connector while it holds the herder thread).
 */
public final class HerderGate implements ConfigProvider {
  static final String ARMED = "armed";
  static final String HOLD = "hold";
  static final String HELD = "held";
  private static final long WAIT_MS = 60_000;

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of());
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    Path folder = Path.of(path);
    // Only a request thread shuts the gate: the herder thread resolving the same config (when it
    // starts the connector) must never wait for itself.
    if (!Thread.currentThread().getName().startsWith("DistributedHerder")
        && Files.exists(folder.resolve(ARMED))) {
      shut(folder);
    }
    Map<String, String> values = new HashMap<>();
    keys.forEach(key -> values.put(key, key));
    return new ConfigData(values);
  }

  private static void shut(Path folder) {
    try {
      Files.deleteIfExists(folder.resolve(ARMED));
      Files.writeString(folder.resolve(HOLD), "held for the cleanup test");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + folder, e);
    }
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!Files.exists(folder.resolve(HELD)) && System.currentTimeMillis() < deadline) {
      HerderHoldingConnector.pause();
    }
  }

  @Override
  public void close() {}
}
